"""Cuts streamed Markdown into pieces that can each be rendered once, as soon as they are settled.

A normal top-level block (up to a blank line outside a code fence) is one piece. A block that grows past
``LONG_BLOCK`` characters without ending (one 2,000-line file, a 25,000-word paragraph, a 1,000-row table,
a deep list) is cut into bounded pieces instead: code in chunks of lines, a table in chunks of rows, a list in
chunks of top-level items, a paragraph at sentence ends. The whole-reply render uses the same cuts, so a reply
shown piece by piece as it streams and the same reply rendered at once give the same blocks, by construction.

Each decision depends only on text already seen, so feeding a growing text in any slices yields the same
pieces as feeding it whole (the property the tests check).
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass
from typing import Any

LONG_BLOCK = 3000  # characters without a blank line before a block is cut into pieces
PARAGRAPH_PIECE = 1500  # a long paragraph is cut at the first safe place after this many characters
CODE_CHUNK = 5  # lines of a long code block per piece (highlighting restarts at each chunk)
TABLE_CHUNK = 5  # rows of a long table per piece
LIST_CHUNK = 12  # lines of a long list per piece, cut before a top-level item
WORD_RUN = 200  # a paragraph with no space for this long may be cut between two letters or digits
MAX_TABLE_HEADER = 1000  # a longer first line is never a table header, so a huge line is known to be prose

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})([^`]*)$")
_LIST_ITEM = re.compile(r" {0,3}(?:[-+*]|\d{1,9}[.)])(?: |$)")
_HEADING = re.compile(r" {0,3}#{1,6}(?: |$)")
_QUOTE = re.compile(r" {0,3}>")
_RULE_CHARS = set("-=*_ \t")
_DELIMITER_ROW = re.compile(r" {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_INLINE_SPECIALS = set("*_`[]~")


class PieceKind(enum.Enum):
    BLOCK = "block"  # complete Markdown, rendered as it is
    PARAGRAPH = "paragraph"  # inline Markdown: a part of one long paragraph
    CODE_HEAD = "code-head"  # the label line of a long code block (text: its info string)
    CODE = "code"  # lines of a long code block (info: its language)
    TABLE = "table"  # rows of a long table (info: header and delimiter lines)
    LIST = "list"  # whole top-level items of a long list


@dataclass(frozen=True)
class Piece:
    kind: PieceKind
    text: str
    first: bool = True
    last: bool = True
    info: str = ""
    end: int = 0  # where the piece's text ends in the whole text: what follows it is not in it


class _Mode(enum.Enum):
    BLOCK_START = "block-start"  # between top-level blocks
    SUB_START = "sub-start"  # inside a long block, at the start of one of its parts
    CODE = "code"
    TABLE = "table"
    LIST = "list"
    PARAGRAPH = "paragraph"
    REST = "rest"  # a long block of another kind (quote, html): one piece at its end


def _is_rule_like(line: str) -> bool:
    """A thematic break or a setext underline: decided only once the line is complete."""
    return bool(line.strip()) and set(line) <= _RULE_CHARS


class BlockSplitter:
    """Feed it the whole text so far, as often as you like; it returns the pieces settled since the last call."""

    def __init__(self) -> None:
        self._pos = 0  # everything before it is in pieces already returned
        self._mode = _Mode.BLOCK_START
        self._first = True  # the next piece of the current long part is its first
        self._fence = ""  # the opening fence of the code block in progress
        self._indent = 0
        self._language = ""
        self._table_head = ""
        self._pending: Piece | None = None  # a paragraph piece held until we know whether it is the last
        self._returned_end = 0
        self._scan_piece, self._scan_from, self._last_checked = -1, 0, -1  # resumes the search for a cut

    @property
    def position(self) -> int:
        """Characters of the text covered by the pieces returned so far."""
        return self._returned_end

    def feed(self, text: str, final: bool = False) -> list[Piece]:
        pieces: list[Piece] = []
        while True:
            step = self._step(text, final)
            if step is None:
                break
            pieces.extend(step)
        if final and self._pending is not None:
            pieces.append(self._pending)
            self._pending = None
        if pieces:
            self._returned_end = pieces[-1].end
        return pieces

    def finish(self, text: str) -> list[Piece]:
        """The pieces of the rest of the text, once nothing more will come."""
        return self.feed(text, final=True)

    # -- one step: returns the pieces it settled (maybe none), or None when it needs more text -------------

    def _step(self, text: str, final: bool) -> list[Piece] | None:
        if self._pos >= len(text):
            return None
        handler = {
            _Mode.BLOCK_START: self._block_start,
            _Mode.SUB_START: self._sub_start,
            _Mode.CODE: self._code,
            _Mode.TABLE: self._table,
            _Mode.LIST: self._list,
            _Mode.PARAGRAPH: self._paragraph,
            _Mode.REST: self._rest,
        }[self._mode]
        return handler(text, final)

    def _line_at(self, text: str, start: int) -> tuple[str, bool]:
        """The line beginning at ``start`` (without its newline) and whether it is complete."""
        end = text.find("\n", start)
        return (text[start:], False) if end < 0 else (text[start:end], True)

    def _block_start(self, text: str, final: bool) -> list[Piece] | None:
        if text[self._pos] == "\n":
            self._pos += 1  # blank lines between blocks render as nothing
            return []
        end = self._block_end(text, self._pos, self._pos + LONG_BLOCK)
        if end is not None:
            piece = Piece(PieceKind.BLOCK, text[self._pos:end], end=end)
            self._pos = end
            return [piece]
        if len(text) >= self._pos + LONG_BLOCK + 2:
            self._mode = _Mode.SUB_START  # long: no blank line within LONG_BLOCK characters
            return []
        if final:
            piece = Piece(PieceKind.BLOCK, text[self._pos:], end=len(text))
            self._pos = len(text)
            return [piece]
        return None

    def _block_end(self, text: str, start: int, limit: int) -> int | None:
        """End of the block at ``start`` (after its blank line) if that blank line begins before ``limit``."""
        fence = ""
        position = start
        while position < limit:
            line, complete = self._line_at(text, position)
            if not complete:
                return None
            match = _FENCE.match(line)
            if fence:
                if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                        and not match.group(2).strip():
                    fence = ""
            elif match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
                fence = match.group(1)
            position += len(line) + 1
            if not fence and position < len(text) and text[position] == "\n" and position < limit + 1:
                return position + 1
        return None

    def _end_part(self, position: int) -> list[Piece]:
        """A part of a long block ended at ``position``: the next part, or the next top-level block, follows."""
        self._pos = position
        self._first = True
        pieces: list[Piece] = []
        if self._pending is not None:
            pieces.append(self._pending)
            self._pending = None
        self._mode = _Mode.SUB_START
        return pieces

    def _sub_start(self, text: str, final: bool) -> list[Piece] | None:
        if text[self._pos] == "\n":  # the blank line that ends the long block
            self._mode = _Mode.BLOCK_START
            return []
        line, complete = self._line_at(text, self._pos)
        complete = complete or final
        fence = _FENCE.match(line)
        if fence and complete:
            self._fence, self._language = fence.group(1), fence.group(2).strip().split(" ")[0]
            self._indent = len(line) - len(line.lstrip(" "))
            self._pos = min(len(text), self._pos + len(line) + 1)
            self._mode = _Mode.CODE
            return [Piece(PieceKind.CODE_HEAD, self._language, end=self._pos)]
        if line.lstrip(" ").startswith(("```", "~~~")) and not complete:
            return None
        if _HEADING.match(line):
            if not complete:
                return None
            self._pos = min(len(text), self._pos + len(line) + 1)
            piece = Piece(PieceKind.BLOCK, line + "\n", end=self._pos)
            return [piece]
        if _LIST_ITEM.match(line):
            self._mode = _Mode.LIST
            return []
        if _QUOTE.match(line) or line.lstrip(" ").startswith("<"):
            self._mode = _Mode.REST
            return []
        if "|" in line and len(line) < MAX_TABLE_HEADER:
            if not complete:
                return None
            second, second_complete = self._line_at(text, min(len(text), self._pos + len(line) + 1))
            if not second_complete and not final:
                return None
            if _DELIMITER_ROW.match(second) and "-" in second:
                self._table_head = f"{line}\n{second}\n"
                self._pos += len(self._table_head)
                self._mode = _Mode.TABLE
                return []
        elif len(line) < MAX_TABLE_HEADER and not complete:
            return None  # a "|" may still come and make this line a table header
        self._mode = _Mode.PARAGRAPH
        return []

    # -- code: chunks of whole lines; the closing fence ends it ---------------------------------------------

    def _code(self, text: str, final: bool) -> list[Piece] | None:
        lines: list[str] = []
        position = self._pos
        closed = False
        while len(lines) < CODE_CHUNK:
            line, complete = self._line_at(text, position)
            if not complete and not final:
                break
            fence = _FENCE.match(line)
            if fence and fence.group(1)[0] == self._fence[0] and len(fence.group(1)) >= len(self._fence) \
                    and not fence.group(2).strip():
                position += len(line) + (1 if complete else 0)
                closed = True
                break
            lines.append(line[min(self._indent, len(line) - len(line.lstrip(" "))):])
            position += len(line) + (1 if complete else 0)
            if position >= len(text):
                closed = final
                break
        if not closed and len(lines) < CODE_CHUNK:
            return None
        pieces = [Piece(PieceKind.CODE, "".join(f"{line}\n" for line in lines), self._first, closed,
                        self._language, position)] if lines or closed else []
        self._first = False
        self._pos = position
        if closed:
            return pieces + self._end_part(position)
        return pieces

    # -- table: the header once, then chunks of rows ---------------------------------------------------------

    def _table(self, text: str, final: bool) -> list[Piece] | None:
        rows: list[str] = []
        position = self._pos
        ended = False
        while len(rows) < TABLE_CHUNK:
            line, complete = self._line_at(text, position)
            if not complete and not final:
                break
            if "|" not in line or not line.strip():
                ended = True
                break
            rows.append(line)
            position += len(line) + (1 if complete else 0)
            if position >= len(text):
                ended = final
                break
        if not ended and len(rows) < TABLE_CHUNK:
            return None
        pieces = [Piece(PieceKind.TABLE, "".join(f"{row}\n" for row in rows), self._first, ended,
                        self._table_head, position)] if rows or self._first else []
        self._first = False
        self._pos = position
        return pieces + self._end_part(position) if ended else pieces

    # -- list: chunks of whole top-level items ------------------------------------------------------------------

    def _list(self, text: str, final: bool) -> list[Piece] | None:
        position = self._pos
        cut = None  # where the latest top-level item began, once the chunk is long enough
        count = 0
        while True:
            line, complete = self._line_at(text, position)
            if not complete and not final:
                break
            top_level = bool(_LIST_ITEM.match(line)) and not line.startswith(" ")
            if count and top_level and count >= LIST_CHUNK:
                cut = position
                break
            if (count and not line.startswith(" ") and not top_level) or not line.strip():
                return [Piece(PieceKind.LIST, text[self._pos:position], self._first, True, end=position),
                        *self._end_part(position)]
            count += 1
            position += len(line) + (1 if complete else 0)
            if position >= len(text):
                if final:
                    return [Piece(PieceKind.LIST, text[self._pos:position], self._first, True, end=position),
                            *self._end_part(position)]
                break
        if cut is None:
            return None
        piece = Piece(PieceKind.LIST, text[self._pos:cut], self._first, False, end=cut)
        self._first = False
        self._pos = cut
        return [piece]

    # -- paragraph: cut at a sentence end after PARAGRAPH_PIECE characters, where nothing inline is open ------

    def _paragraph(self, text: str, final: bool) -> list[Piece] | None:
        start = self._pos
        position = start
        while True:
            line, complete = self._line_at(text, position)
            complete = complete or final
            if position > start:  # a new line of the paragraph: it may start another kind of block
                interrupts = self._interrupts(line, complete)
                if interrupts is None:
                    return None
                if interrupts:
                    return self._paragraph_piece(text[start:position - 1], position) + self._end_part(position)
            cut = self._cut_in(text, start, position, position + len(line))
            if cut is not None:
                self._pos = cut[1]
                return self._paragraph_piece(text[start:cut[0]], cut[1], last=False)
            if not complete:
                return None
            position += len(line) + 1
            if position >= len(text) or text[position] == "\n":  # the end of the text, or of the block
                if position >= len(text) and not final:
                    return None
                end = min(position, len(text))
                return self._paragraph_piece(text[start:position - 1], end) + self._end_part(end)

    def _interrupts(self, line: str, complete: bool) -> bool | None:
        """Whether a line ends the paragraph before it (None: cannot tell until more of it arrives)."""
        stripped = line.lstrip(" ")
        if _LIST_ITEM.match(line) or _HEADING.match(line) or _QUOTE.match(line) \
                or stripped.startswith(("```", "~~~")):
            return True
        if set(line) <= _RULE_CHARS:
            return _is_rule_like(line) if complete else None
        if not complete and len(stripped) < 12 and not stripped[:1].isalnum():
            return None  # "1." or "#" may still turn out to begin a list or a heading
        return False

    def _cut_in(self, text: str, start: int, line_start: int, line_end: int) -> tuple[int, int] | None:
        """The first safe cut inside this line: (end of this piece, start of the next). A cut needs the
        character after it, and is the first position, in order, that any rule accepts: so it does not depend
        on how much text has arrived."""
        if self._scan_piece != start:
            self._scan_piece, self._scan_from, self._last_checked = start, start + PARAGRAPH_PIECE, -1
        position = max(self._scan_from, line_start + 1)
        limit = line_end - 1
        while position < limit:
            character, before = text[position], text[position - 1]
            if character == " ":
                sentence_end = before in ".!?:;" or position - start >= 2 * PARAGRAPH_PIECE
                if sentence_end and not before.isspace() and not text[position + 1].isspace() \
                        and position - self._last_checked >= 64:
                    self._last_checked = position
                    if _inline_safe(text[start:position]):
                        return position, position + 1
            elif before.isalnum() and character.isalnum() and position >= self._word_run_end(text, start, position) \
                    and position - self._last_checked >= 64:
                # Deep inside a "word" of hundreds of characters (no spaces at all, or a script written without
                # them): cut between two letters or digits, never inside a grapheme.
                self._last_checked = position
                if _inline_safe(text[start:position]):
                    return position, position
            space = text.find(" ", position + 1, limit)
            position = min(space if space >= 0 else limit,
                           max(position + 1, self._word_run_end(text, start, position)))
            self._scan_from = position
        return None

    @staticmethod
    def _word_run_end(text: str, start: int, position: int) -> int:
        """The first position that lies WORD_RUN characters past the last space or line break before it."""
        last_space = max(text.rfind(" ", start, position + 1), text.rfind("\n", start, position + 1), start)
        return last_space + WORD_RUN + 1

    def _paragraph_piece(self, content: str, end: int, last: bool = True) -> list[Piece]:
        """Pieces are held back one step: a piece's spacing depends on whether it is the paragraph's last."""
        content = content.strip()
        out: list[Piece] = []
        if self._pending is not None:
            out.append(self._pending)
            self._pending = None
        if content:
            piece = Piece(PieceKind.PARAGRAPH, content, self._first, last, end=end)
            self._first = False
            if last:
                out.append(piece)
            else:
                self._pending = piece
        elif last and out:
            held = out.pop()
            out.append(Piece(held.kind, held.text, held.first, True, end=end))
        return out

    def _rest(self, text: str, final: bool) -> list[Piece] | None:
        end = self._block_end(text, self._pos, len(text) + 1)
        if end is None and not final:
            return None
        end = end if end is not None else len(text)
        piece = Piece(PieceKind.BLOCK, text[self._pos:end], end=end)
        self._pos = end
        self._mode = _Mode.BLOCK_START
        return [piece]


def _inline_safe(piece: str) -> bool:
    """Whether nothing inline (emphasis, code span, link, strikethrough) is left open at the end of the piece,
    so text after the cut cannot change how it renders. Conservative: a refused cut only makes a piece longer."""
    if not _INLINE_SPECIALS & set(piece):
        return True
    # An unmatched delimiter stays literal text: a later one could still pair with it.
    return not any(token.type == "text" and _OPENERS & set(token.content) for token in _inline_tokens(piece))


_OPENERS = set("*_`[]~")


@functools.cache
def _inline_parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable(["strikethrough"])


def _inline_tokens(piece: str) -> list[Any]:
    tokens = _inline_parser().parseInline(piece)
    return list(tokens[0].children or []) if tokens else []


def split_whole(text: str) -> list[Piece]:
    """The pieces of a finished text: exactly what streaming it in any slices yields."""
    return BlockSplitter().finish(text)

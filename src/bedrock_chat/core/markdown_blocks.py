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
from dataclasses import dataclass

from bedrock_chat.core.markdown_syntax import (
    DELIMITER_ROW,
    FENCE,
    HEADING,
    LIST_ITEM,
    QUOTE,
    block_end,
    closes_fence,
    interrupts_paragraph,
    line_at,
    whole_lines,
)
from bedrock_chat.core.paragraph_cuts import ParagraphCutFinder

LONG_BLOCK = 3000  # characters without a blank line before a block is cut into pieces
CODE_CHUNK = 5  # lines of a long code block per piece (highlighting restarts at each chunk)
TABLE_CHUNK = 5  # rows of a long table per piece
LIST_CHUNK = 12  # lines of a long list per piece, cut before a top-level item
MAX_TABLE_HEADER = 1000  # a longer first line is never a table header, so a huge line is known to be prose


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
        self._paragraph_cuts = ParagraphCutFinder()  # resumes the search for a cut where it stopped

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

    def _block_start(self, text: str, final: bool) -> list[Piece] | None:
        if text[self._pos] == "\n":
            self._pos += 1  # blank lines between blocks render as nothing
            return []
        end = block_end(text, self._pos, self._pos + LONG_BLOCK)
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
        line, complete = line_at(text, self._pos)
        complete = complete or final
        fence = FENCE.match(line)
        if fence and complete:
            self._fence, self._language = fence.group(1), fence.group(2).strip().split(" ")[0]
            self._indent = len(line) - len(line.lstrip(" "))
            self._pos = min(len(text), self._pos + len(line) + 1)
            self._mode = _Mode.CODE
            return [Piece(PieceKind.CODE_HEAD, self._language, end=self._pos)]
        if line.lstrip(" ").startswith(("```", "~~~")) and not complete:
            return None
        if HEADING.match(line):
            if not complete:
                return None
            self._pos = min(len(text), self._pos + len(line) + 1)
            piece = Piece(PieceKind.BLOCK, line + "\n", end=self._pos)
            return [piece]
        if LIST_ITEM.match(line):
            self._mode = _Mode.LIST
            return []
        if QUOTE.match(line) or line.lstrip(" ").startswith("<"):
            self._mode = _Mode.REST
            return []
        if "|" in line and len(line) < MAX_TABLE_HEADER:
            if not complete:
                return None
            second, second_complete = line_at(text, min(len(text), self._pos + len(line) + 1))
            if not second_complete and not final:
                return None
            if DELIMITER_ROW.match(second) and "-" in second:
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
        taken = whole_lines(text, self._pos, final, CODE_CHUNK, lambda line: closes_fence(line, self._fence),
                             takes_ending_line=True)
        if taken is None:
            return None
        lines, position, closed = taken
        code = "".join(f"{line[min(self._indent, len(line) - len(line.lstrip(' '))):]}\n" for line in lines)
        pieces = [Piece(PieceKind.CODE, code, self._first, closed, self._language, position)] \
            if lines or closed else []
        self._first = False
        self._pos = position
        if closed:
            return pieces + self._end_part(position)
        return pieces

    # -- table: the header once, then chunks of rows ---------------------------------------------------------

    def _table(self, text: str, final: bool) -> list[Piece] | None:
        taken = whole_lines(text, self._pos, final, TABLE_CHUNK, lambda line: "|" not in line or not line.strip(),
                             takes_ending_line=False)
        if taken is None:
            return None
        rows, position, ended = taken
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
            line, complete = line_at(text, position)
            if not complete and not final:
                break
            top_level = bool(LIST_ITEM.match(line)) and not line.startswith(" ")
            if count and top_level and count >= LIST_CHUNK:
                cut = position
                break
            if (count and not line.startswith(" ") and not top_level) or not line.strip():
                return self._last_list_piece(text, position)
            count += 1
            position += len(line) + (1 if complete else 0)
            if position >= len(text):
                if final:
                    return self._last_list_piece(text, position)
                break
        if cut is None:
            return None
        piece = Piece(PieceKind.LIST, text[self._pos:cut], self._first, False, end=cut)
        self._first = False
        self._pos = cut
        return [piece]

    def _last_list_piece(self, text: str, end: int) -> list[Piece]:
        return [Piece(PieceKind.LIST, text[self._pos:end], self._first, True, end=end), *self._end_part(end)]

    # -- paragraph: cut at a sentence end after PARAGRAPH_PIECE characters, where nothing inline is open ------

    def _paragraph(self, text: str, final: bool) -> list[Piece] | None:
        start = self._pos
        position = start
        while True:
            line, complete = line_at(text, position)
            complete = complete or final
            if position > start:  # a new line of the paragraph: it may start another kind of block
                interrupts = interrupts_paragraph(line, complete)
                if interrupts is None:
                    return None
                if interrupts:
                    return self._paragraph_piece(text[start:position - 1], position) + self._end_part(position)
            cut = self._paragraph_cuts.cut_in(text, start, position, position + len(line))
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
        end = block_end(text, self._pos, len(text) + 1)
        if end is None and not final:
            return None
        end = end if end is not None else len(text)
        piece = Piece(PieceKind.BLOCK, text[self._pos:end], end=end)
        self._pos = end
        self._mode = _Mode.BLOCK_START
        return [piece]


def split_whole(text: str) -> list[Piece]:
    """The pieces of a finished text: exactly what streaming it in any slices yields."""
    return BlockSplitter().finish(text)

"""Where a long paragraph may be cut while it streams: at a sentence end (or deep inside a very long word)
where nothing inline is left open, so the text after the cut cannot change how the text before it renders."""

from __future__ import annotations

import functools
from typing import Any

PARAGRAPH_PIECE = 1500  # a long paragraph is cut at the first safe place after this many characters
WORD_RUN = 200  # a paragraph with no space for this long may be cut between two letters or digits
_INLINE_DELIMITERS = set("*_`[]~")  # emphasis, code span, link, strikethrough


class ParagraphCutFinder:
    """Finds the first safe cut of one paragraph piece after another, resuming where its last search ended."""

    def __init__(self) -> None:
        self._scan_piece, self._scan_from, self._last_checked = -1, 0, -1

    def cut_in(self, text: str, start: int, line_start: int, line_end: int) -> tuple[int, int] | None:
        """The first safe cut inside this line of the piece at ``start``: (end of this piece, start of the next).
        A cut needs the character after it, and is the first position, in order, that any rule accepts: so it
        does not depend on how much text has arrived."""
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
            elif before.isalnum() and character.isalnum() and position >= _word_run_end(text, start, position) \
                    and position - self._last_checked >= 64:
                # Deep inside a "word" of hundreds of characters (no spaces at all, or a script written without
                # them): cut between two letters or digits, never inside a grapheme.
                self._last_checked = position
                if _inline_safe(text[start:position]):
                    return position, position
            space = text.find(" ", position + 1, limit)
            position = min(space if space >= 0 else limit, max(position + 1, _word_run_end(text, start, position)))
            self._scan_from = position
        return None


def _word_run_end(text: str, start: int, position: int) -> int:
    """The first position that lies WORD_RUN characters past the last space or line break before it."""
    last_space = max(text.rfind(" ", start, position + 1), text.rfind("\n", start, position + 1), start)
    return last_space + WORD_RUN + 1


def _inline_safe(piece: str) -> bool:
    """Whether nothing inline (emphasis, code span, link, strikethrough) is left open at the end of the piece,
    so text after the cut cannot change how it renders. Conservative: a refused cut only makes a piece longer."""
    if not _INLINE_DELIMITERS & set(piece):
        return True
    # An unmatched delimiter stays literal text: a later one could still pair with it.
    return not any(token.type == "text" and _INLINE_DELIMITERS & set(token.content) for token in _inline_tokens(piece))


@functools.cache
def _inline_parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable(["strikethrough"])


def _inline_tokens(piece: str) -> list[Any]:
    tokens = _inline_parser().parseInline(piece)
    return list(tokens[0].children or []) if tokens else []

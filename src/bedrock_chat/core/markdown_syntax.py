"""How a line of streamed Markdown begins (a fence, a list item, a heading, a quote, a rule, a table's
delimiter row), where a block ends, and runs of whole lines: decided on text already seen, for ``markdown_blocks``."""

from __future__ import annotations

import re
from collections.abc import Callable

FENCE = re.compile(r" {0,3}(`{3,}|~{3,})([^`]*)$")
LIST_ITEM = re.compile(r" {0,3}(?:[-+*]|\d{1,9}[.)])(?: |$)")
HEADING = re.compile(r" {0,3}#{1,6}(?: |$)")
QUOTE = re.compile(r" {0,3}>")
DELIMITER_ROW = re.compile(r" {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_RULE_CHARS = set("-=*_ \t")


def line_at(text: str, start: int) -> tuple[str, bool]:
    """The line beginning at ``start`` (without its newline) and whether it is complete."""
    end = text.find("\n", start)
    return (text[start:], False) if end < 0 else (text[start:end], True)


def closes_fence(line: str, fence: str) -> bool:
    """Whether the line closes the code block that ``fence`` opened: the same character, at least as many."""
    match = FENCE.match(line)
    return match is not None and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
        and not match.group(2).strip()


def block_end(text: str, start: int, limit: int) -> int | None:
    """End of the block at ``start`` (after its blank line) if that blank line begins before ``limit``."""
    fence = ""
    position = start
    while position < limit:
        line, complete = line_at(text, position)
        if not complete:
            return None
        if fence:
            if closes_fence(line, fence):
                fence = ""
        else:
            match = FENCE.match(line)
            if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
                fence = match.group(1)
        position += len(line) + 1
        if not fence and position < len(text) and text[position] == "\n" and position < limit + 1:
            return position + 1
    return None


def is_rule_like(line: str) -> bool:
    """A thematic break or a setext underline: decided only once the line is complete."""
    return bool(line.strip()) and set(line) <= _RULE_CHARS


def interrupts_paragraph(line: str, complete: bool) -> bool | None:
    """Whether a line ends the paragraph before it (None: cannot tell until more of it arrives)."""
    stripped = line.lstrip(" ")
    if LIST_ITEM.match(line) or HEADING.match(line) or QUOTE.match(line) or stripped.startswith(("```", "~~~")):
        return True
    if set(line) <= _RULE_CHARS:
        return is_rule_like(line) if complete else None
    if not complete and len(stripped) < 12 and not stripped[:1].isalnum():
        return None  # "1." or "#" may still turn out to begin a list or a heading
    return False


def whole_lines(text: str, position: int, final: bool, count: int, ends: Callable[[str], bool],
                takes_ending_line: bool) -> tuple[list[str], int, bool] | None:
    """Up to ``count`` whole lines from ``position``, up to the line that ends the block (taken with them when
    ``takes_ending_line``): the lines, the position after them, and whether the block ended there.
    None while fewer than ``count`` lines have arrived and the block has not ended."""
    lines: list[str] = []
    ended = False
    while len(lines) < count:
        line, complete = line_at(text, position)
        if not complete and not final:
            break
        if ends(line):
            if takes_ending_line:
                position += len(line) + (1 if complete else 0)
            ended = True
            break
        lines.append(line)
        position += len(line) + (1 if complete else 0)
        if position >= len(text):
            ended = final
            break
    if not ended and len(lines) < count:
        return None
    return lines, position, ended

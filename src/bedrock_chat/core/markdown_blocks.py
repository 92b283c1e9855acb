"""Where streamed Markdown can be cut into finished blocks, so each can be rendered once, as it completes."""

from __future__ import annotations

FENCE = "```"
BLOCK_BREAK = "\n\n"


def finished_prefix_length(text: str, minimum: int = 1) -> int:
    """Length of the longest prefix made of complete top-level blocks: it ends at a blank line that is not
    inside a fenced code block. 0 when there is none (or it would be shorter than ``minimum``)."""
    end = len(text)
    while True:
        position = text.rfind(BLOCK_BREAK, 0, end)
        if position < minimum:
            return 0
        if text.count(FENCE, 0, position) % 2 == 0:
            return position + len(BLOCK_BREAK)
        end = position

"""The plain text of a reply waiting to be rendered: short blocks, and its text found again where it was put."""

from __future__ import annotations

import random

from PySide6.QtGui import QTextCursor, QTextDocument

from bedrock_chat.local_endpoint.shapes import shaped_answer
from bedrock_chat.ui.plain_tail import LINE_SEPARATOR, PLAIN_BLOCK, PlainTail


def _insert_in_slices(text: str, seed: int) -> tuple[QTextDocument, PlainTail]:
    document, tail = QTextDocument(), PlainTail()
    cursor = QTextCursor(document)
    rng, position = random.Random(seed), 0
    while position < len(text):
        size = rng.choice([1, 7, 50, 333, 2048])
        cursor.insertText(tail.shaped(text[position:position + size], position))
        position += size
    return document, tail


def test_every_shape_is_kept_in_short_blocks_with_its_text_and_line_ends(qapp):
    for shape in ("code", "paragraph", "table", "nospace"):
        text = shaped_answer(f"[shape:{shape}:3000]") or ""
        document, tail = _insert_in_slices(text, seed=len(shape))
        block = document.begin()
        while block.isValid():
            assert len(block.text()) <= PLAIN_BLOCK, shape
            block = block.next()
        shown = document.toPlainText()  # line separators read as "\n" too
        extra = tail.breaks_through(len(text))
        assert len(shown) == len(text) + extra, shape  # one position per character, plus the extra breaks
        assert shown.replace("\n", "") == text.replace("\n", ""), shape
        assert (shape in ("paragraph", "nospace")) == (extra > 0), shape  # code and tables need no extra break


def test_line_ends_stay_inside_a_block_until_it_is_long_enough(qapp):
    tail = PlainTail()
    shaped = tail.shaped("a\nb\n" + "c" * 400 + "\nd", 0)
    # The run that would make the block too long gets an extra break (4 + 396 characters), the next block goes on.
    assert shaped == f"a{LINE_SEPARATOR}b{LINE_SEPARATOR}" + "c" * 396 + "\n" + f"cccc{LINE_SEPARATOR}d"
    assert tail.breaks_through(400) == 1 and tail.breaks_through(10_000) == 0

"""Inserting HTML into a QTextDocument so that it lays out as it would in a whole document."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor, QTextDocument


def insert_html(cursor: QTextCursor, fragment: str) -> None:
    """insertHtml merges a fragment's first paragraph into the block at the cursor, dropping its spacing,
    and leaves that block empty when the fragment opens with a list or table: both are repaired here, so
    content added piece by piece looks exactly like the same content rendered whole."""
    document = cursor.document()
    start = cursor.position()
    cursor.insertHtml(fragment)
    first = document.findBlock(start)
    if first.length() <= 1 and first.position() > 0:
        joiner = QTextCursor(document)
        joiner.setPosition(first.position() - 1)
        joiner.deleteChar()
        return
    scratch = QTextDocument()
    scratch.setHtml(fragment)
    if scratch.begin().textList() is None:
        QTextCursor(first).setBlockFormat(scratch.begin().blockFormat())

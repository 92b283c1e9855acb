"""Inserting HTML into a QTextDocument so that it lays out as it would in a whole document."""

from __future__ import annotations

import functools
import html
import re
from urllib.parse import quote

from PySide6 import QtGui
from PySide6.QtGui import QColor, QImage, QTextBlockFormat, QTextCharFormat, QTextCursor, QTextDocument


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
    opening = _OPENING_TAG.match(fragment)
    intended = _block_format_of(opening.group(0) if opening else "<p>")
    if intended is not None:
        QTextCursor(first).setBlockFormat(intended)


_OPENING_TAG = re.compile(r"\s*<[a-zA-Z0-9]+[^>]*>")


@functools.cache
def _block_format_of(opening_tag: str) -> QTextBlockFormat | None:
    """The block format Qt gives an element that opens with this tag (None for list items), parsed once."""
    scratch = QTextDocument()
    scratch.setHtml(f"{opening_tag}x")
    block = scratch.begin()
    return None if block.textList() is not None else QTextBlockFormat(block.blockFormat())


def link_token(message_id: str) -> str:
    """A message id as it appears in the view's anchors and links: percent-encoded, so an id from a file can
    never close an attribute or add markup. ``QUrl.path()`` decodes it back to the id."""
    return html.escape(quote(message_id, safe=""))


def verbatim(text: str, wrap: bool = False) -> str:
    """Text as rich text that shows it as it is. For tooltips: Qt renders one that looks like HTML as rich text,
    loading its images, and titles and model ids come from files and the network. ``wrap``: a sentence that may
    break between words (the default keeps every space, so ids and aligned lines stay whole)."""
    mode = QtGui.Qt.WhiteSpaceMode.WhiteSpaceNormal if wrap else QtGui.Qt.WhiteSpaceMode.WhiteSpacePre
    return str(QtGui.Qt.convertFromPlainText(text, mode))


def end_cursor(document: QTextDocument) -> QTextCursor:
    cursor = QTextCursor(document)
    cursor.movePosition(QTextCursor.MoveOperation.End)
    return cursor


def new_block_cursor(document: QTextDocument) -> QTextCursor:
    """A cursor on a fresh, plainly formatted block at the end, so inserted HTML never merges upward."""
    cursor = end_cursor(document)
    if cursor.block().length() > 1:
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
    else:
        cursor.setBlockFormat(QTextBlockFormat())
        cursor.setCharFormat(QTextCharFormat())
    return cursor


def placeholder_image() -> QImage:
    """A transparent pixel: what every image in the conversation loads instead of its source."""
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    return image

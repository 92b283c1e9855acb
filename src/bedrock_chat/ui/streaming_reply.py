"""The reply in flight inside the chat document: streamed as plain text, rendered block by block.

Each finished Markdown block (up to a blank line outside a code fence) replaces its plain text with its rendered
form as soon as it completes, so the work per frame stays proportional to the newest block and the end of a very
long reply costs one block, not the whole reply.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtGui import QColor, QTextBlockFormat, QTextCharFormat, QTextCursor, QTextDocument

from bedrock_chat.core.conversation import Message
from bedrock_chat.core.markdown_blocks import finished_prefix_length
from bedrock_chat.core.safe_markdown import COPY_SCHEME, RenderedMarkdown
from bedrock_chat.ui.rich_text import insert_html, link_token

_COPY_LINK = re.compile(rf'href="{COPY_SCHEME}:(\d+)"')


class StreamingReply:
    def __init__(self, document: QTextDocument, message: Message, muted: str,
                 render: Callable[[str], RenderedMarkdown], code_blocks: list[str]) -> None:
        self._document = document
        self._message = message
        self._render = render
        self._code_blocks = code_blocks
        self._reasoning_format = QTextCharFormat()
        self._reasoning_format.setFontItalic(True)
        self._reasoning_format.setForeground(QColor(muted))
        self._text_format = QTextCharFormat()
        self.body_start = self._end().position()
        self._tail_start = self.body_start  # where the plain, not yet rendered text begins
        self._rendered_chars = 0
        self.text_started = False

    @property
    def message(self) -> Message:
        return self._message

    def _end(self) -> QTextCursor:
        cursor = QTextCursor(self._document)
        cursor.movePosition(QTextCursor.MoveOperation.End)
        return cursor

    def _replace_from(self, position: int) -> QTextCursor:
        cursor = QTextCursor(self._document)
        cursor.setPosition(position)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        return cursor

    def _fresh_block(self, cursor: QTextCursor) -> None:
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())

    def rendered_html(self, text: str) -> str:
        """Markdown of one piece, its Copy links numbered on from the reply's earlier code blocks."""
        rendered = self._render(text)
        offset = len(self._code_blocks)
        self._code_blocks.extend(rendered.code_blocks)
        message_id = link_token(self._message.id)
        return _COPY_LINK.sub(lambda m: f'href="{COPY_SCHEME}:{message_id}:{offset + int(m.group(1))}"',
                              rendered.html)

    def append(self, reasoning: str, text: str, reasoning_html: Callable[[], str]) -> None:
        cursor = self._end()
        if reasoning:
            cursor.insertText(reasoning, self._reasoning_format)
        if not text:
            return
        if not self.text_started:
            self.text_started = True
            if self._message.reasoning:  # the streamed thoughts fold into their collapsed link
                cursor = self._replace_from(self.body_start)
                insert_html(cursor, reasoning_html())
                cursor = self._end()
                self._fresh_block(cursor)
            self._tail_start = cursor.position()
        tail = self._message.text[self._rendered_chars:]
        finished = finished_prefix_length(tail)
        if finished:
            self._render_finished(tail, finished)
        else:
            cursor.insertText(text, self._text_format)

    def _render_finished(self, tail: str, finished: int) -> None:
        """Text that completes blocks goes in rendered, never first as plain text to be replaced."""
        cursor = self._replace_from(self._tail_start)
        insert_html(cursor, self.rendered_html(tail[:finished]))
        cursor = self._end()
        self._fresh_block(cursor)
        self._tail_start = cursor.position()
        self._rendered_chars += finished
        rest = tail[finished:]
        if rest:
            cursor.insertText(rest, self._text_format)

    def finish(self, status_html: str, whole_html: Callable[[], str]) -> None:
        """Renders what is left (the last block) and the status line; only if no text ever came, everything."""
        if not self.text_started:
            cursor = self._replace_from(self.body_start)
            insert_html(cursor, whole_html())
            return
        cursor = self._replace_from(self._tail_start)
        rest = self._message.text[self._rendered_chars:]
        insert_html(cursor, self.rendered_html(rest) + status_html)

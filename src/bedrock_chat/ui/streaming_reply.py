"""The reply in flight inside the chat document: streamed as plain text, rendered piece by piece.

The text not yet settled is shown plain at the end. Each settled piece (a finished Markdown block, or a bounded
part of a long one: lines of code, rows of a table, items of a list, sentences of a huge paragraph; see
``core/markdown_blocks``) replaces its plain text with its rendered form as soon as it settles. The work per frame
stays bounded whatever the shape of the reply, and its end costs a few pieces at most: what is left beyond that is
rendered over the next frames.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from PySide6.QtGui import QColor, QTextBlockFormat, QTextCharFormat, QTextCursor, QTextDocument

from bedrock_chat.core.conversation import Message
from bedrock_chat.core.markdown_blocks import BlockSplitter, Piece
from bedrock_chat.core.safe_markdown import RenderContext
from bedrock_chat.ui.rich_text import insert_html

RENDER_BUDGET_S = 0.004  # rendering per call (at least one piece); the rest waits for the next call or the timer
FINISH_AT_ONCE_CHARS = 2000  # at the end, up to this much text still plain is rendered at once; more, over frames
PieceRenderer = Callable[[list[Piece], RenderContext, str], str]
"""Renders pieces of the reply with this message id in its Copy links."""


class StreamingReply:
    def __init__(self, document: QTextDocument, message: Message, muted: str,
                 render: PieceRenderer, code_blocks: list[str]) -> None:
        self._document = document
        self._message = message
        self._render = render
        self._context = RenderContext(code_blocks)
        self._splitter = BlockSplitter()
        self._queue: deque[Piece] = deque()  # settled pieces not rendered yet: their text is shown plain
        self._shown_end = 0  # the reply's text before this is shown rendered
        self._finished = False
        self._status_html = ""
        self.settled = False
        """The reply ended and all of it is rendered, its status line too."""
        self._reasoning_format = QTextCharFormat()
        self._reasoning_format.setFontItalic(True)
        self._reasoning_format.setForeground(QColor(muted))
        self._text_format = QTextCharFormat()
        self.body_start = self._end().position()
        self._tail_start = self.body_start  # where the plain, not yet rendered text begins
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

    @property
    def rendered_chars(self) -> int:
        """How much of the reply's text is shown rendered; the rest is shown plain."""
        return self._shown_end

    @property
    def has_queued(self) -> bool:
        """Settled pieces wait to be rendered (the budget of the last call ran out)."""
        return bool(self._queue)

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
        self._queue.extend(self._splitter.feed(self._message.text))
        if self._queue:
            self.render_queued(RENDER_BUDGET_S, not_shown=text)
        else:
            cursor.insertText(text, self._text_format)

    def render_queued(self, budget_s: float, not_shown: str = "") -> None:
        """Renders settled pieces, oldest first, for about ``budget_s`` (at least one piece): a long reply
        arriving at full speed is shown plain at once and rendered over the next frames, never in one freeze.
        ``not_shown`` is the newest text, not yet in the document: it goes in after, plain or rendered."""
        if not self._queue:
            self._end().insertText(not_shown, self._text_format)
            return
        deadline = time.perf_counter() + budget_s
        fragments: list[str] = []
        end = self._shown_end
        while self._queue and (not fragments or time.perf_counter() < deadline):
            piece = self._queue.popleft()
            fragments.append(self._render([piece], self._context, self._message.id))
            end = piece.end
        if self._finished and not self._queue:  # the last of a finished reply: with its status line
            self._show_last("".join(fragments))
            return
        self._show_rendered("".join(fragments), end, not_shown)

    def _show_rendered(self, fragment: str, end: int, not_shown: str) -> None:
        """Replaces the plain form of the text up to ``end`` with its rendering. The plain text after it stays
        as it is, so the cost does not grow with what is still waiting to be rendered."""
        in_document = len(self._message.text) - len(not_shown)  # the text before this is in the document
        plain = self._message.text[self._shown_end:min(end, in_document)]
        cursor = QTextCursor(self._document)
        cursor.setPosition(self._tail_start)
        cursor.setPosition(min(self._tail_start + _utf16_length(plain), self._end().position()),
                           QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        rest = not_shown[max(0, end - in_document):]
        if end < in_document:  # plain text stays after the rendering: it keeps its own block
            cursor.insertBlock(QTextBlockFormat(), self._text_format)
            cursor.movePosition(QTextCursor.MoveOperation.PreviousBlock)
            insert_html(cursor, fragment)
            self._tail_start = cursor.block().next().position()
        else:
            insert_html(cursor, fragment)
            cursor = self._end()
            self._fresh_block(cursor)
            self._tail_start = cursor.position()
        self._shown_end = end
        if rest:
            self._end().insertText(rest, self._text_format)

    def finish(self, status_html: str, whole_html: Callable[[], str]) -> bool:
        """The reply ended: renders what is left and the status line. Returns False when too much is left to
        render in one frame (text that arrived faster than it could be rendered): then ``render_queued``
        finishes it over the next frames, the status line last, and ``settled`` turns True."""
        if not self.text_started:
            cursor = self._replace_from(self.body_start)
            insert_html(cursor, whole_html())
            self.settled = True
            return True
        self._queue.extend(self._splitter.finish(self._message.text))
        self._status_html = status_html
        self._finished = True
        if len(self._message.text) - self._shown_end <= FINISH_AT_ONCE_CHARS:
            self.settle_now()
        return self.settled

    def settle_now(self) -> None:
        """Renders everything still waiting, and the status line, at once."""
        if self.settled:
            return
        pieces = list(self._queue)
        self._queue.clear()
        self._show_last(self._render(pieces, self._context, self._message.id))

    def _show_last(self, fragment: str) -> None:
        cursor = self._replace_from(self._tail_start)
        insert_html(cursor, fragment + self._status_html)
        self._shown_end = len(self._message.text)
        self.settled = True


def _utf16_length(text: str) -> int:
    """Document positions count UTF-16 code units: a character outside the BMP takes two."""
    return len(text.encode("utf-16-le")) // 2

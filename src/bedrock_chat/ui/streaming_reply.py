"""The reply in flight inside the chat document: streamed as plain text, rendered piece by piece.

Text is shown plain at the end as soon as it arrives (``ui/plain_tail``), and appending never renders. Each
settled piece (a finished Markdown block, or a bounded part of a long one: lines of code, rows of a table, items
of a list, sentences of a huge paragraph; see ``core/markdown_blocks``) then replaces its plain text with its
rendered form, between frames, one piece at a time within a budget that includes the insertion into the document
(Qt's part, often the larger). So the work of a frame stays bounded whatever the shape of the reply, and its end
costs a piece or two: what is left beyond that is rendered over the next frames.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from PySide6.QtGui import QColor, QTextBlockFormat, QTextCharFormat, QTextCursor, QTextDocument

from bedrock_chat.core.conversation import Message
from bedrock_chat.core.markdown_blocks import BlockSplitter, Piece
from bedrock_chat.core.safe_markdown import RenderContext
from bedrock_chat.ui.gc_hold import GcHold
from bedrock_chat.ui.plain_tail import PlainTail
from bedrock_chat.ui.rich_text import insert_html

RENDER_BUDGET_S = 0.003  # rendering and insertion per call (at least one piece); the rest waits for the next call
FINISH_AT_ONCE_CHARS = 1000  # at the end, up to this much text still plain is rendered at once; more, over frames
INSERT_RATIO_MAX = 20.0  # a piece whose insertion was slow (a first layout, a busy CPU) cannot starve the rest
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
        self._plain = PlainTail()
        self._gc_hold = GcHold()  # until the reply is rendered whole (see ui/gc_hold), or its view goes away
        document.destroyed.connect(self._gc_hold.release)
        self._insert_ratio = 1.0  # the insertion's cost relative to the rendering's, over the last calls
        self.text_started = False

    def release_gc(self) -> None:
        """The view went away (its window closed): the collector gets the frozen objects back now."""
        self._gc_hold.release()

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
        cursor.insertText(self._plain.shaped(text, len(self._message.text) - len(text)), self._text_format)

    def render_queued(self, budget_s: float) -> None:
        """Renders settled pieces, oldest first, and shows them in one insertion, as many as are expected to fit
        in ``budget_s`` together with that insertion (at least one piece). The insertion (Qt's HTML parsing and
        layout) costs about as much as the rendering, so it is estimated from the last calls: a reply arriving
        at full speed is shown plain at once and rendered over the next frames, each call within its budget."""
        started = time.perf_counter()
        fragments: list[str] = []
        end = self._shown_end
        while self._queue:
            piece = self._queue.popleft()
            fragments.append(self._render([piece], self._context, self._message.id))
            end = piece.end
            spent = time.perf_counter() - started
            # What the insertion will cost, and what one more piece would add with its share of it.
            if spent * (1 + self._insert_ratio) * (len(fragments) + 1) / len(fragments) > budget_s:
                break
        rendered = time.perf_counter()
        if self._finished and not self._queue:  # the last of a finished reply: with its status line
            self._show_last("".join(fragments))
            return
        self._show_rendered("".join(fragments), end)
        ratio = (time.perf_counter() - rendered) / max(rendered - started, 1e-5)
        self._insert_ratio = min(INSERT_RATIO_MAX, 0.7 * self._insert_ratio + 0.3 * ratio)

    def _show_rendered(self, fragment: str, end: int) -> None:
        """Replaces the plain form of the text up to ``end`` with its rendering. The plain text after it stays
        as it is, so the cost does not grow with what is still waiting to be rendered. One edit block: Qt lays
        the changed blocks out once, not after each of the steps."""
        plain = self._message.text[self._shown_end:end]
        in_document = _utf16_length(plain) + self._plain.breaks_through(end)
        cursor = QTextCursor(self._document)
        cursor.beginEditBlock()
        cursor.setPosition(self._tail_start)
        cursor.setPosition(min(self._tail_start + in_document, self._end().position()),
                           QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        if end < len(self._message.text):  # plain text stays after the rendering: it keeps its own block
            cursor.insertBlock(QTextBlockFormat(), self._text_format)
            cursor.movePosition(QTextCursor.MoveOperation.PreviousBlock)
            insert_html(cursor, fragment)
            self._tail_start = cursor.block().next().position()
        else:
            insert_html(cursor, fragment)
            cursor.movePosition(QTextCursor.MoveOperation.End)
            self._fresh_block(cursor)
            self._tail_start = cursor.position()
        cursor.endEditBlock()
        self._shown_end = end

    def finish(self, status_html: str, whole_html: Callable[[], str]) -> bool:
        """The reply ended: renders what is left and the status line. Returns False when too much is left to
        render in one frame (text that arrived faster than it could be rendered): then ``render_queued``
        finishes it over the next frames, the status line last, and ``settled`` turns True."""
        if not self.text_started:
            cursor = self._replace_from(self.body_start)
            insert_html(cursor, whole_html())
            self.settled = True
            self._gc_hold.release()
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
        cursor = QTextCursor(self._document)
        cursor.beginEditBlock()
        cursor.setPosition(self._tail_start)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        insert_html(cursor, fragment + self._status_html)
        cursor.endEditBlock()
        self._shown_end = len(self._message.text)
        self.settled = True
        self._gc_hold.release()


def _utf16_length(text: str) -> int:
    """Document positions count UTF-16 code units: a character outside the BMP takes two."""
    return len(text.encode("utf-16-le")) // 2

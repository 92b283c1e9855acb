"""The conversation view: rendered messages, with the reply in flight appended at the end as it streams.

Model output is untrusted: Markdown is rendered without raw HTML, no resource is ever loaded, and links
are only reported (``link_requested``) for the window to confirm; nothing opens by itself.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QHideEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from bedrock_chat.core.conversation import Conversation, Message
from bedrock_chat.ui import chat_links as links
from bedrock_chat.ui import message_html as parts_html
from bedrock_chat.ui.attachment_view import AttachmentPictures
from bedrock_chat.ui.call_soon import call_soon
from bedrock_chat.ui.chat_cards import ChatCards
from bedrock_chat.ui.chat_links import EARLIER_URL
from bedrock_chat.ui.message_render import MessageRenderer
from bedrock_chat.ui.paint_throttle import PaintThrottle
from bedrock_chat.ui.rich_text import end_cursor, insert_html, link_token, new_block_cursor, placeholder_image
from bedrock_chat.ui.streaming_reply import RENDER_BUDGET_S, StreamingReply

STREAMING_RENDER_INTERVAL_MS = 16

# Opening a long conversation renders only its latest messages; older ones come on request, a page at a time.
RENDER_WINDOW = 60
EARLIER_PAGE = 100


class ChatView(QTextBrowser):
    link_requested = Signal(QUrl)
    """The user clicked an http(s) link; the window asks before opening it."""
    link_blocked = Signal(str)
    """The user clicked a link with a scheme we never open."""
    retry_requested = Signal()
    """The user clicked Retry under a failed reply."""
    code_copied = Signal(int)
    """A code block was copied to the clipboard (its length in characters)."""
    message_action = Signal(str, str)
    """The user clicked Edit, Copy or Regenerate on a message: action and message id."""
    example_chosen = Signal(str)
    """The user clicked an example prompt on the first screen (its text)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversation")
        self.setAccessibleName("Conversation")
        self.setAccessibleDescription("The messages of this conversation; replies appear here as they stream.")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setSearchPaths([])
        self.setUndoRedoEnabled(False)
        self.document().setDocumentMargin(14)
        self.anchorClicked.connect(self._on_anchor)
        self.renderer = MessageRenderer(AttachmentPictures(self))
        self._conversation: Conversation | None = None
        self._code_blocks = self.renderer.code_blocks  # the same dict: what each reply's Copy links copy
        self._streaming: StreamingReply | None = None
        self._settling: StreamingReply | None = None  # a finished reply whose last pieces still render
        self._shown = RENDER_WINDOW
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.timeout.connect(self._render_queued)
        self._paint_throttle = PaintThrottle(self.viewport(), lambda: self._streaming is not None or self.rendering,
                                             self.verticalScrollBar())
        self.cards = ChatCards(self, self._first_screen)

    # -- resources and links --------------------------------------------------------------------------

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        """Nothing is ever fetched: not from the network, not from ``file:``, not from anywhere.

        The answer must not be None: QTextDocument then loads ``file:`` URLs itself. An empty image or empty
        text is a resource that was "found", so Qt looks no further."""
        if kind == QTextDocument.ResourceType.ImageResource.value:
            return self.cards.icon_image(name) or placeholder_image()
        return ""

    def _on_anchor(self, url: QUrl) -> None:
        match links.parse_link(url):
            case links.CopyCode(message_id, number):
                code = self.renderer.copied_code(message_id, number)
                if code is not None:
                    QGuiApplication.clipboard().setText(code)
                    self.code_copied.emit(len(code))
            case links.MessageAction(action, message_id):
                self.message_action.emit(action, message_id)
            case links.ToggleReasoning(message_id):
                self.renderer.expanded_reasoning ^= {message_id}
                self.render_all(keep_scroll=self.verticalScrollBar().value())
            case links.ShowEarlier():
                first_shown = self._first_shown_message()
                self._shown += EARLIER_PAGE
                self.render_all(scroll_to=first_shown)
            case links.Example(text):
                self.example_chosen.emit(text)
            case links.Retry():
                self.retry_requested.emit()
            case links.External(link):
                self.link_requested.emit(link)
            case links.Blocked(what):
                self.link_blocked.emit(what)

    # -- whole-document rendering ----------------------------------------------------------------------

    def set_dark(self, dark: bool) -> None:
        self.renderer.dark = dark
        self.render_all()

    def set_conversation(self, conversation: Conversation) -> None:
        self._conversation = conversation
        self.renderer.expanded_reasoning.clear()
        self._shown = RENDER_WINDOW
        self.render_all()

    def _hidden_count(self) -> int:
        return max(0, len(self._conversation.messages) - self._shown) if self._conversation else 0

    def _first_shown_message(self) -> str | None:
        if not self._conversation or not self._conversation.messages:
            return None
        return self._conversation.messages[self._hidden_count()].id

    def render_all(self, scroll_to: str | None = None, keep_scroll: int | None = None) -> None:
        """Used when switching conversations or themes, or toggling reasoning; never per token.

        A reply in flight is drawn again as a fresh stream from the text it has so far, so the rest of it keeps
        arriving at the end (a toggle clicked mid-reply once dropped the rest and then showed the reply twice).
        """
        in_flight = self._streaming.message if self._streaming is not None else None
        self.cards.colors = self._colors()
        self.cards.clear_highlight()
        self._code_blocks.clear()
        self._streaming = self._settling = None
        messages = self._conversation.messages if self._conversation else []
        hidden = self._hidden_count()
        parts = [self.renderer.message_html(message) for message in messages[hidden:] if message is not in_flight]
        if hidden:
            parts.insert(0, parts_html.earlier_html(EARLIER_URL, min(hidden, EARLIER_PAGE), hidden))
        self.setHtml("".join(parts) if parts or in_flight else self.empty_html())
        self.cards.apply_margins(first_screen=self._first_screen())
        if in_flight is not None:
            self.begin_reply(in_flight)
            self.append_reply(in_flight.reasoning, in_flight.text)
        # Layout of a fresh document finishes on the next turn of the event loop; scroll after it too.
        if keep_scroll is not None:  # a toggle: what is above stays put, so the change opens downward in place
            bar = self.verticalScrollBar()
            bar.setValue(keep_scroll)
            call_soon(self, lambda: bar.setValue(keep_scroll))
        elif scroll_to:
            anchor = f"m-{link_token(scroll_to)}"
            self.scrollToAnchor(anchor)
            call_soon(self, lambda: self.scrollToAnchor(anchor))
        else:
            self._scroll_to_end()
            call_soon(self, self._scroll_to_end)

    def hideEvent(self, event: QHideEvent) -> None:
        """A window closed (or a column hidden) mid-reply: its reply stops holding the collector's objects, which
        may include the window itself, kept alive by a reference cycle until the collector gets them back."""
        super().hideEvent(event)
        # Also sent while a collected view is torn down, after the collector cleared its attributes.
        for reply in (vars(self).get("_streaming"), vars(self).get("_settling")):
            if reply is not None:
                reply.release_gc()

    def _first_screen(self) -> bool:
        return self._streaming is None and not (self._conversation and self._conversation.messages)

    def _clear_document(self) -> None:
        """Empties the view for the first message of a conversation; the reading width stays."""
        self.clear()
        self.cards.apply_margins()

    def empty_html(self) -> str:
        """What an empty conversation shows: the first screen, with its example prompts."""
        return parts_html.empty_state_html(self._colors())

    def _colors(self) -> parts_html.Palette:
        return self.renderer.colors()

    # -- the reply in flight ---------------------------------------------------------------------------

    def _at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 4

    def _scroll_to_end(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def append_message(self, message: Message) -> None:
        """Appends one finished message (a new prompt) without touching what is above it."""
        self._settle()
        if self._conversation is not None and len(self._conversation.messages) == 1:
            self._clear_document()
        follow = self._at_bottom()
        self.cards.keep_block_after_table()
        insert_html(new_block_cursor(self.document()), self.renderer.message_html(message))
        if follow:
            self._scroll_to_end()

    def begin_reply(self, message: Message) -> None:
        self._settle()
        if self._conversation is not None and len(self._conversation.messages) <= 1:
            self._clear_document()
        self.cards.keep_block_after_table()
        cursor = new_block_cursor(self.document())
        insert_html(cursor, self.renderer.header_html(message))
        cursor = end_cursor(self.document())
        # Plain formats for the streamed text: nothing inherited from the header's small, muted runs.
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        self._code_blocks[message.id] = []
        self._streaming = StreamingReply(self.document(), message, self._colors().muted,
                                         self.renderer.render_pieces, self._code_blocks[message.id])
        self._scroll_to_end()

    def append_reply(self, reasoning: str, text: str) -> None:
        """Appends at the end only: cost proportional to the new text, never to the reply so far."""
        streaming = self._streaming
        if streaming is None:
            return
        follow = self._at_bottom()
        streaming.append(reasoning, text, lambda: self.renderer.reasoning_html(streaming.message))
        if streaming.has_queued:
            self._schedule_render()
        if follow:
            self._scroll_to_end()

    @property
    def rendering(self) -> bool:
        """Text of the reply is still shown plain, waiting for its turn to be rendered."""
        return self._settling is not None or (self._streaming is not None and self._streaming.has_queued)

    def _render_queued(self) -> None:
        """Keeps rendering what settled while the frame budget was spent, between frames, until none is left."""
        target = self._streaming or self._settling
        if target is None:
            return
        follow = self._at_bottom()
        target.render_queued(RENDER_BUDGET_S)
        if target.has_queued:
            self._schedule_render()
        elif target is self._settling and target.settled:
            self._settling = None
        if follow:
            self._scroll_to_end()

    def _schedule_render(self) -> None:
        """While the reply streams, one render call per frame: the text is on screen plain already, and on a
        machine with few cores rendering flat out took the CPU the turn's decoding needed (bench/stream_render.py,
        gui_cpu_s). Once the reply has ended, what is left renders between frames without waiting."""
        if self._streaming is None:
            self._render_timer.start(1)
        elif not self._render_timer.isActive():
            self._render_timer.start(STREAMING_RENDER_INTERVAL_MS)

    def _settle(self) -> None:
        """Anything added to the document goes after the finished reply, so that must be complete first."""
        if self._settling is not None:
            self._settling.settle_now()
            self._settling = None

    def finish_reply(self, message: Message) -> None:
        """Renders the rest of the reply (its last block) and its status; earlier blocks are already rendered."""
        follow = self._at_bottom()
        streaming = self._streaming
        if streaming is None:
            self.append_message(message)
            return
        self._streaming = None
        if not streaming.finish(self.renderer.status_html(message), lambda: self.renderer.reply_body_html(message)):
            self._settling = streaming
            self._schedule_render()
        if follow:
            self._scroll_to_end()

    def scroll_to_message(self, message_id: str, query: str = "") -> None:
        """Shows a message (a search hit): scrolled into view, ``query`` highlighted in it until the next search.
        Again after the layout of a freshly opened conversation, which would otherwise end at the bottom."""
        messages = self._conversation.messages if self._conversation else []
        index = next((i for i, message in enumerate(messages) if message.id == message_id), None)
        if index is not None and index < self._hidden_count():
            self._shown = len(messages) - index
            self.render_all(scroll_to=message_id)
        self.cards.show_hit(message_id, query)
        call_soon(self, lambda: self.cards.show_hit(message_id, query))

    def clear_highlight(self) -> None:
        self.cards.clear_highlight()

    def set_font_size(self, points: int) -> None:
        font = QFont(self.font())
        font.setPointSize(points)
        self.setFont(font)
        self.document().setDefaultFont(font)

"""The conversation view: rendered messages, with the reply in flight appended at the end as it streams.

Model output is untrusted: Markdown is rendered without raw HTML, no resource is ever loaded, and links
are only reported (``link_requested``) for the window to confirm; nothing opens by itself.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role
from bedrock_chat.core.events import StopReason
from bedrock_chat.core.markdown_blocks import Piece
from bedrock_chat.core.safe_markdown import (
    COPY_SCHEME,
    DARK_CODE,
    LIGHT_CODE,
    RenderContext,
    RenderedMarkdown,
    is_safe_link,
    render_pieces,
    render_reply,
)
from bedrock_chat.core.transcript import stat_number
from bedrock_chat.ui.rich_text import insert_html, link_token
from bedrock_chat.ui.streaming_reply import RENDER_BUDGET_S, StreamingReply

TOGGLE_SCHEME = "toggle-reasoning"
MESSAGE_SCHEME = "message"  # message:ACTION:ID for edit, copy and regenerate
RETRY_URL = "action:retry"
EARLIER_URL = "action:earlier"
# Opening a long conversation renders only its latest messages; older ones come on request, a page at a time.
RENDER_WINDOW = 60
EARLIER_PAGE = 100


def _placeholder_image() -> QImage:
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    return image


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
        self._dark = False
        self._conversation: Conversation | None = None
        self._code_blocks: dict[str, list[str]] = {}
        self._expanded_reasoning: set[str] = set()
        self._streaming: StreamingReply | None = None
        self._settling: StreamingReply | None = None  # a finished reply whose last pieces still render
        self._shown = RENDER_WINDOW
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(1)
        self._render_timer.timeout.connect(self._render_queued)

    # -- resources and links --------------------------------------------------------------------------

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        """Nothing is ever fetched: not from the network, not from ``file:``, not from anywhere.

        The answer must not be None: QTextDocument then loads ``file:`` URLs itself. An empty image or empty
        text is a resource that was "found", so Qt looks no further."""
        if kind == QTextDocument.ResourceType.ImageResource.value:
            return _placeholder_image()
        return ""

    def _on_anchor(self, url: QUrl) -> None:
        text = url.toString()
        scheme = url.scheme().lower()
        if scheme == COPY_SCHEME:
            message_id, _, number = url.path().rpartition(":")  # an id may contain ":" itself
            blocks = self._code_blocks.get(message_id, [])
            if number.isdigit() and int(number) < len(blocks):
                QGuiApplication.clipboard().setText(blocks[int(number)])
                self.code_copied.emit(len(blocks[int(number)]))
        elif scheme == MESSAGE_SCHEME:
            action, _, message_id = url.path().partition(":")
            self.message_action.emit(action, message_id)
        elif scheme == TOGGLE_SCHEME:
            self._expanded_reasoning ^= {url.path()}
            self.render_all()
        elif text == EARLIER_URL:
            first_shown = self._first_shown_message()
            self._shown += EARLIER_PAGE
            self.render_all(scroll_to=first_shown)
        elif text == RETRY_URL:
            self.retry_requested.emit()
        elif is_safe_link(text):
            self.link_requested.emit(url)
        else:
            self.link_blocked.emit(scheme or text)

    # -- whole-document rendering ----------------------------------------------------------------------

    def set_dark(self, dark: bool) -> None:
        self._dark = dark
        self.render_all()

    def set_conversation(self, conversation: Conversation) -> None:
        self._conversation = conversation
        self._expanded_reasoning.clear()
        self._shown = RENDER_WINDOW
        self.render_all()

    def _hidden_count(self) -> int:
        return max(0, len(self._conversation.messages) - self._shown) if self._conversation else 0

    def _first_shown_message(self) -> str | None:
        if not self._conversation or not self._conversation.messages:
            return None
        return self._conversation.messages[self._hidden_count()].id

    def render_all(self, scroll_to: str | None = None) -> None:
        """Used when switching conversations or themes, or toggling reasoning; never per token.

        A reply in flight is drawn again as a fresh stream from the text it has so far, so the rest of it keeps
        arriving at the end (a toggle clicked mid-reply once dropped the rest and then showed the reply twice).
        """
        in_flight = self._streaming.message if self._streaming is not None else None
        self._code_blocks.clear()
        self._streaming = self._settling = None
        messages = self._conversation.messages if self._conversation else []
        hidden = self._hidden_count()
        parts = [self._message_html(message) for message in messages[hidden:] if message is not in_flight]
        if hidden:
            parts.insert(0, f'<p align="center"><a href="{EARLIER_URL}">▲ Show {min(hidden, EARLIER_PAGE)} earlier '
                            f"messages</a> <small>({hidden} not shown)</small></p>")
        self.setHtml("".join(parts) if parts or in_flight else self._empty_state())
        if in_flight is not None:
            self.begin_reply(in_flight)
            self.append_reply(in_flight.reasoning, in_flight.text)
        # Layout of a fresh document finishes on the next turn of the event loop; scroll after it too.
        if scroll_to:
            anchor = f"m-{link_token(scroll_to)}"
            self.scrollToAnchor(anchor)
            QTimer.singleShot(0, lambda: self.scrollToAnchor(anchor))
        else:
            self._scroll_to_end()
            QTimer.singleShot(0, self._scroll_to_end)

    def _empty_state(self) -> str:
        return (f'<div style="color:{self._muted()}"><p style="font-size:large"><b>Start a conversation</b></p>'
                "<p>Pick a model above, adjust the parameters on the right, type a prompt below and press "
                "<b>Ctrl+Enter</b>.</p></div>")

    def _muted(self) -> str:
        return "#9aa0a6" if self._dark else "#6b7280"

    def _header_html(self, message: Message) -> str:
        time = html.escape(message.created_at[11:16])
        if message.role == Role.USER:
            who, color = "You", ("#8ab4f8" if self._dark else "#1a56db")
        else:
            who = f"Assistant · {html.escape(message.model_id or '')}"
            color = "#81c995" if self._dark else "#047857"
        actions = ("edit", "copy") if message.role == Role.USER else ("copy", "regenerate")
        token = link_token(message.id)
        links = " ".join(f'<a href="{MESSAGE_SCHEME}:{action}:{token}">{action.title()}</a>' for action in actions)
        return (f'<p style="margin-top:14px; margin-bottom:2px"><a name="m-{token}"></a>'
                f'<b style="color:{color}">{who}</b> '
                f'<span style="color:{self._muted()}; font-size:small">{time} UTC &nbsp; {links}</span></p>')

    def _message_html(self, message: Message) -> str:
        parts = [self._header_html(message)]
        if message.role == Role.USER:
            text = html.escape(message.text).replace("\n", "<br>")
            return "".join(parts) + f"<p>{text}</p>"
        return "".join(parts) + self._reply_body_html(message)

    def _render(self, text: str) -> RenderedMarkdown:
        return render_reply(text, DARK_CODE if self._dark else LIGHT_CODE)

    def _render_pieces(self, pieces: list[Piece], context: RenderContext, message_id: str) -> str:
        """Pieces of a streaming reply, cut as ``_render`` cuts the whole one, with the message's Copy links."""
        fragment = render_pieces(pieces, context, DARK_CODE if self._dark else LIGHT_CODE)
        return fragment.replace(f'href="{COPY_SCHEME}:', f'href="{COPY_SCHEME}:{link_token(message_id)}:')

    def _reasoning_html(self, message: Message) -> str:
        if not message.reasoning:
            return ""
        expanded = message.id in self._expanded_reasoning
        arrow, verb = ("▾", "hide") if expanded else ("▸", "show")
        words = len(message.reasoning.split())
        href = f"{TOGGLE_SCHEME}:{link_token(message.id)}"
        link = (f'<p style="color:{self._muted()}"><a href="{href}">{arrow} Reasoning '
                f"({words} words) — {verb}</a></p>")
        if not expanded:
            return link
        reasoning = html.escape(message.reasoning).replace("\n", "<br>")
        return link + f'<blockquote style="color:{self._muted()}"><i>{reasoning}</i></blockquote>'

    def _reply_body_html(self, message: Message) -> str:
        rendered = self._render(message.text)
        self._code_blocks[message.id] = rendered.code_blocks
        body = rendered.html.replace(f'href="{COPY_SCHEME}:', f'href="{COPY_SCHEME}:{link_token(message.id)}:')
        return self._reasoning_html(message) + body + self._status_html(message)

    def _status_html(self, message: Message) -> str:
        notes = []
        stats = message.stats or {}
        if message.state == MessageState.STOPPED:
            notes.append("⏹ Stopped by you — the text above is what arrived.")
        elif message.state == MessageState.SUPERSEDED:
            notes.append("↻ Replaced by a regenerated reply below; no longer sent to the model.")
        elif message.state == MessageState.INTERRUPTED:
            notes.append("⚠ This reply was interrupted when the app closed.")
        elif stats.get("stopReason") == StopReason.MAX_TOKENS.value:
            notes.append("✂ Cut at the max tokens limit — raise Max tokens for a longer reply.")
        html_notes = "".join(
            f'<p style="color:#b45309; margin-top:4px">{html.escape(note)}</p>' for note in notes)
        if message.state == MessageState.FAILED and message.error:
            background = "#3b1d1d" if self._dark else "#fdecea"
            foreground = "#f28b82" if self._dark else "#b3261e"
            html_notes += (
                f'<table width="100%" cellpadding="8" bgcolor="{background}"><tr><td>'
                f'<span style="color:{foreground}">⚠ {html.escape(message.error)}</span> '
                f'&nbsp;<a href="{RETRY_URL}">Retry</a></td></tr></table>')
        if stats:
            pieces = []
            # Statistics may come from an imported file: only numbers are shown, and the line is escaped.
            if stat_number(stats, "outputTokens") is not None:
                tokens = (stat_number(stats, "inputTokens"), stat_number(stats, "outputTokens"))
                pieces.append(f"{tokens[0]} in · {tokens[1]} out tokens")
            if stat_number(stats, "timeToFirstTokenMs") is not None:
                pieces.append(f"first token {stat_number(stats, 'timeToFirstTokenMs')} ms")
            if stat_number(stats, "latencyMs") is not None:
                pieces.append(f"{stat_number(stats, 'latencyMs')} ms total")
            if stat_number(stats, "outputTokensPerSecond"):
                pieces.append(f"{stat_number(stats, 'outputTokensPerSecond')} tok/s")
            if pieces:
                line = html.escape(" · ".join(pieces))
                html_notes += f'<p style="color:{self._muted()}; font-size:small">{line}</p>'
        return html_notes

    # -- the reply in flight ---------------------------------------------------------------------------

    def _end_cursor(self) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        return cursor

    def _new_block_cursor(self) -> QTextCursor:
        """A cursor on a fresh, plainly formatted block at the end, so inserted HTML never merges upward."""
        cursor = self._end_cursor()
        if cursor.block().length() > 1:
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        else:
            cursor.setBlockFormat(QTextBlockFormat())
            cursor.setCharFormat(QTextCharFormat())
        return cursor

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
            self.clear()
        follow = self._at_bottom()
        insert_html(self._new_block_cursor(), self._message_html(message))
        if follow:
            self._scroll_to_end()

    def begin_reply(self, message: Message) -> None:
        self._settle()
        if self._conversation is not None and len(self._conversation.messages) <= 1:
            self.clear()
        cursor = self._new_block_cursor()
        insert_html(cursor, self._header_html(message))
        cursor = self._end_cursor()
        # Plain formats for the streamed text: nothing inherited from the header's small, muted runs.
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        self._code_blocks[message.id] = []
        self._streaming = StreamingReply(self.document(), message, self._muted(), self._render_pieces,
                                         self._code_blocks[message.id])
        self._scroll_to_end()

    def append_reply(self, reasoning: str, text: str) -> None:
        """Appends at the end only: cost proportional to the new text, never to the reply so far."""
        streaming = self._streaming
        if streaming is None:
            return
        follow = self._at_bottom()
        streaming.append(reasoning, text, lambda: self._reasoning_html(streaming.message))
        if streaming.has_queued:
            self._render_timer.start()
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
            self._render_timer.start()
        elif target is self._settling and target.settled:
            self._settling = None
        if follow:
            self._scroll_to_end()

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
        if not streaming.finish(self._status_html(message), lambda: self._reply_body_html(message)):
            self._settling = streaming
            self._render_timer.start()
        self._streaming = None
        if follow:
            self._scroll_to_end()

    def scroll_to_message(self, message_id: str) -> None:
        messages = self._conversation.messages if self._conversation else []
        index = next((i for i, message in enumerate(messages) if message.id == message_id), None)
        if index is not None and index < self._hidden_count():
            self._shown = len(messages) - index
            self.render_all(scroll_to=message_id)
        else:
            self.scrollToAnchor(f"m-{link_token(message_id)}")

    def set_font_size(self, points: int) -> None:
        font = QFont(self.font())
        font.setPointSize(points)
        self.setFont(font)
        self.document().setDefaultFont(font)

"""Shows a turn as the ``TurnController`` reports it: the reply on screen as it arrives, saved as it grows, the
statistics, and the error banner when it fails. The turn's lifecycle stays the controller's."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from bedrock_chat.core.catalog import Pricing
from bedrock_chat.core.conversation import Message, MessageState
from bedrock_chat.core.stats import ReplyStats
from bedrock_chat.ui.conversation_session import ConversationSession
from bedrock_chat.ui.history_actions import HistoryActions
from bedrock_chat.ui.stats_panel import StatsPanel
from bedrock_chat.ui.turn_controller import TurnController
from bedrock_chat.ui.window_layout import ChatColumn


class ReplyView(QObject):
    reply_finished = Signal(object)
    """A reply ended in any way and is on screen and saved; carries the assistant ``Message``."""

    def __init__(self, turns: TurnController, session: ConversationSession, column: ChatColumn, stats: StatsPanel,
                 history: HistoryActions, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._turns = turns
        self._session = session
        self._column = column
        self._stats = stats
        self._history = history
        turns.reply_started.connect(self._on_reply_started)
        turns.text_arrived.connect(column.chat.append_reply)
        turns.reply_progressed.connect(session.store_message)
        turns.stats_changed.connect(stats.show_reply)
        turns.reply_failed.connect(self._on_reply_failed)
        turns.reply_finished.connect(self._on_reply_finished)

    def _on_reply_started(self, reply: Message) -> None:
        self._column.error_banner.hide()
        self._column.chat.begin_reply(reply)
        self._session.store_message(reply)

    def _on_reply_failed(self, reply: Message, error: object) -> None:
        # An SSO session can expire mid-conversation: the same sign-in button as at connect time.
        retryable = self._session.conversation.last_user_message() is not None
        self._column.error_banner.show_message(str(error), retryable, False, getattr(error, "sso_profile", None),
                                               getattr(error, "details", ""), title="The reply failed")

    def _on_reply_finished(self, reply: Message, stats: ReplyStats, pricing: Pricing | None) -> None:
        self._stats.show_reply(stats, pricing)
        if reply.state != MessageState.FAILED:
            self._stats.show_session(self._turns.session_totals)
        self._column.chat.finish_reply(reply)
        self._session.store_message(reply)
        self._history.refresh_sidebar()
        self._column.prompt.setFocus()
        self.reply_finished.emit(reply)

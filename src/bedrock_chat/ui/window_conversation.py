"""How the conversation view and the sidebar reach the rest of the window (links confirmed before opening,
message actions, code copied, new/open/search/jump), and what the window resets when another conversation
comes on screen. Typed against a Protocol of the window, so a renamed part is a mypy error here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from bedrock_chat.core.conversation import Conversation
from bedrock_chat.ui import view_actions
from bedrock_chat.ui.history_actions import EDITING_NOTICE

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStatusBar, QWidget

    from bedrock_chat.ui.chat_view import ChatView
    from bedrock_chat.ui.error_banner import ErrorBanner
    from bedrock_chat.ui.history_actions import HistoryActions
    from bedrock_chat.ui.sidebar import Sidebar
    from bedrock_chat.ui.stats_panel import StatsPanel
    from bedrock_chat.ui.turn_controller import TurnController


class ConversationScreen(Protocol):
    """The parts of the main window around the conversation on screen."""

    @property
    def chat(self) -> ChatView: ...

    @property
    def sidebar(self) -> Sidebar: ...

    @property
    def history(self) -> HistoryActions: ...

    @property
    def error_banner(self) -> ErrorBanner: ...

    @property
    def stats(self) -> StatsPanel: ...

    @property
    def turns(self) -> TurnController: ...

    def window(self) -> QWidget: ...

    def statusBar(self) -> QStatusBar: ...

    def new_conversation(self) -> None: ...

    def schedule_preview(self) -> None: ...


def wire_chat_and_sidebar(screen: ConversationScreen) -> None:
    chat, sidebar, history = screen.chat, screen.sidebar, screen.history
    chat.link_requested.connect(lambda url: view_actions.confirm_link(screen.window(), url))
    chat.link_blocked.connect(
        lambda scheme: screen.statusBar().showMessage(f"Blocked a “{scheme}” link: only http(s) links open.", 6000))
    chat.message_action.connect(history.on_message_action)
    chat.code_copied.connect(lambda n: screen.statusBar().showMessage(f"Copied {n:,} characters of code.", 4000))
    sidebar.new_requested.connect(screen.new_conversation)
    sidebar.conversation_chosen.connect(history.open_conversation)
    sidebar.hit_chosen.connect(history.jump_to_message)
    sidebar.search_changed.connect(history.search)
    sidebar.search_changed.connect(lambda _query: chat.clear_highlight())  # a new search, a new mark
    sidebar.action_requested.connect(history.on_sidebar_action)


def show_switched(screen: ConversationScreen, conversation: Conversation) -> None:
    """Another conversation is on screen: no edit in progress (nor the notice saying Send starts a branch), no
    error, reply statistics or "Reply finished." of the one before, and none being opened that would replace it
    later."""
    screen.history.editing = None
    withdraw_status(screen.statusBar(), EDITING_NOTICE)
    screen.history.loader.cancel()
    screen.chat.set_conversation(conversation)
    screen.error_banner.hide()
    screen.stats.clear_reply()
    withdraw_status(screen.statusBar(), screen.turns.outcome_status)
    screen.schedule_preview()
    screen.history.refresh_sidebar()


def withdraw_status(status: QStatusBar, said: str) -> None:
    """Clears ``said`` (how a reply of the conversation just left ended) unless newer news replaced it."""
    if said and status.currentMessage() == said:
        status.clearMessage()

"""Where compare mode hooks into the window: the prompt's controls (Send, Stop, Esc), switching conversations,
the connection's clients and models, the status bar, and the Compare action in the menu and the toolbar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from bedrock_chat.core.catalog import Pricing
from bedrock_chat.core.conversation import Message, MessageState
from bedrock_chat.core.stats import ReplyStats
from bedrock_chat.ui import view_actions
from bedrock_chat.ui.compare_mode import CompareMode
from bedrock_chat.ui.window_conversation import withdraw_status

if TYPE_CHECKING:
    from bedrock_chat.ui.main_window import MainWindow


def install_compare(window: MainWindow) -> CompareMode:
    compare = CompareMode(window.session, window.chat, window.chat_splitter, window.connection_ctl,
                          window.parameters, window.settings, window)
    window.controls.other_turns = compare
    window.session.other_turns_busy = lambda: compare.busy
    compare.controller.busy_changed.connect(window.controls.update_controls)
    # Whose model the waiting attachments must suit changes with the mode: the toolbar's, or each column's.
    compare.active_changed.connect(lambda _on: window.controls.check_attachments())
    # The columns get the room they need: on a small window the sidebar and side panel step aside meanwhile.
    compare.active_changed.connect(lambda _on: _make_room(window, compare))
    compare.panel.count.valueChanged.connect(lambda _count: _make_room(window, compare))
    # Clients of an earlier connection close once no column's turn uses them either.
    compare.controller.runtime_released.connect(lambda _runtime: window.connection_ctl.release_unused())
    compare.status_changed.connect(window.statusBar().showMessage)
    window.session.switched.connect(lambda _conversation: withdraw_status(window.statusBar(), compare.outcome_status))
    compare.sidebar_changed.connect(window.history.refresh_sidebar)
    compare.compare_finished.connect(window.compare_finished)
    # The kept answer is part of the next request now: its estimate and its preview count it.
    compare.answer_kept.connect(window.token_estimator.schedule)
    compare.answer_kept.connect(lambda _reply: window.schedule_preview())
    window.connection_view.models_loaded.connect(lambda _count: compare.fill_models())
    for column in compare.panel.columns:  # a link in an answer opens only after the person confirms it
        column.chat.link_requested.connect(lambda url: view_actions.confirm_link(window, url))
        column.chat.code_copied.connect(
            lambda n: window.statusBar().showMessage(f"Copied {n:,} characters of code.", 4000))
        column.chat.message_action.connect(lambda action, message_id: _column_action(window, action, message_id))
    for turn in compare.controller.columns:
        turn.reply_finished.connect(lambda reply, stats, pricing: _count_in_session(window, reply, stats, pricing))
    return compare


def _make_room(window: MainWindow, compare: CompareMode) -> None:
    column = window.body.chat_column
    layout = column.layout()
    margins = layout.contentsMargins() if layout is not None else column.contentsMargins()
    wanted = compare.panel.wanted_width() + margins.left() + margins.right()
    window.body.panels.set_chat_minimum(wanted if compare.active else 0)


def _column_action(window: MainWindow, action: str, message_id: str) -> None:
    """Copy works as in the conversation; a column's answer is asked again with the whole compare (Retry)."""
    if action == "copy":
        window.history.on_message_action(action, message_id)
    else:
        window.statusBar().showMessage("To ask every column again, use Retry (Ctrl+R).", 6000)


def _count_in_session(window: MainWindow, reply: Message, stats: ReplyStats, pricing: Pricing | None) -> None:
    """Every column's tokens and cost count in the session's totals, as a single reply's do."""
    if reply.state != MessageState.FAILED:
        window.turns.session_totals.add(stats, pricing)
        window.stats.show_session(window.turns.session_totals)


def add_compare_button(window: MainWindow) -> None:
    """The Compare action of the menu, also as a checkable button at the end of the toolbar."""
    action = window.action_by_id["chat.compare"]
    window.compare.attach_action(action)
    window.connection_bar.addSeparator()
    window.connection_bar.addAction(action)
    button = window.connection_bar.widgetForAction(action)
    if isinstance(button, QToolButton):  # the icon and the word: a mode should say what it is
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setAccessibleName("Compare")
    button.setToolTip(f"{action.toolTip()} ({action.shortcut().toString()})")
    window.compare_button = button

"""Where compare mode hooks into the window: the prompt's controls (Send, Stop, Esc), switching conversations,
the connection's clients and models, the status bar, and the Compare action in the menu and the toolbar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from bedrock_chat.ui import view_actions
from bedrock_chat.ui.compare_mode import CompareMode

if TYPE_CHECKING:
    from bedrock_chat.ui.main_window import MainWindow


def install_compare(window: MainWindow) -> CompareMode:
    compare = CompareMode(window.session, window.chat, window.chat_splitter, window.connection_ctl,
                          window.parameters, window.settings, window)
    window.controls.other_turns = compare
    window.session.other_turns_busy = lambda: compare.busy
    compare.controller.busy_changed.connect(window.controls.update_controls)
    # Clients of an earlier connection close once no column's turn uses them either.
    compare.controller.runtime_released.connect(lambda _runtime: window.connection_ctl.release_unused())
    compare.status_changed.connect(window.statusBar().showMessage)
    compare.sidebar_changed.connect(window.history.refresh_sidebar)
    compare.compare_finished.connect(window.compare_finished)
    window.connection_view.models_loaded.connect(lambda _count: compare.fill_models())
    for column in compare.panel.columns:  # a link in an answer opens only after the person confirms it
        column.chat.link_requested.connect(lambda url: view_actions.confirm_link(window, url))
    return compare


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

"""Every command of the menus, declared once: id, menu, text, shortcut, tooltip and the slot it runs.

The menus and their shortcuts are built from this table and the tests iterate it, triggering each QAction
as a person would; a slot that is renamed on the window is a mypy error here, not a dead menu item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

if TYPE_CHECKING:
    from bedrock_chat.ui.main_window import MainWindow

Shortcut = QKeySequence.StandardKey | str


@dataclass(frozen=True)
class ActionSpec:
    id: str
    menu: str
    text: str
    tip: str
    slot: Callable[[], object]
    shortcut: Shortcut | None = None
    separator_before: bool = False
    # A toggle or a mode: its slot reads the action's new state, and the window keeps the check mark in step
    # with what it shows.
    checkable: bool = False


def _import_dialog(window: MainWindow) -> None:
    from bedrock_chat.ui.conversation_files import import_dialog  # file dialogs load on first use

    import_dialog(window)


def _export_all_dialog(window: MainWindow) -> None:
    from bedrock_chat.ui.conversation_files import export_all_dialog

    export_all_dialog(window)


def _open_log_folder(window: MainWindow) -> None:
    from bedrock_chat.ui.help_actions import open_log_folder

    open_log_folder(window)


def _getting_started(window: MainWindow) -> None:
    from bedrock_chat.ui.welcome_panel import show_welcome

    show_welcome(window)


def _theme_setter(window: MainWindow, theme: str) -> Callable[[], None]:
    return lambda: window.set_theme(theme)


def action_table(window: MainWindow) -> list[ActionSpec]:
    keys = QKeySequence.StandardKey
    history = window.history
    specs = [
        ActionSpec("file.new", "&File", "&New conversation", "Start a new, empty conversation.",
                   window.new_conversation, keys.New),
        ActionSpec("file.import", "&File", "&Import transcripts…", "Add conversations from JSON transcripts.",
                   lambda: _import_dialog(window), keys.Open),
        ActionSpec("file.save", "&File", "&Save transcript…", "Save this conversation as Markdown, JSON or HTML.",
                   window.save_transcript, keys.Save, separator_before=True),
        ActionSpec("file.export_all", "&File", "Export &all conversations…",
                   "Write every conversation as a JSON transcript into a folder.", lambda: _export_all_dialog(window)),
        ActionSpec("file.connection", "&File", "Co&nnection…",
                   "Region, profile, Bedrock API key and endpoint; test the connection.",
                   window.open_connection_dialog, separator_before=True),
        ActionSpec("file.quit", "&File", "&Quit", "Close Bedrock Chat; everything is already saved.",
                   window.close, keys.Quit, separator_before=True),
        ActionSpec("chat.send", "&Chat", "&Send", "Send the prompt.", window.send, "Ctrl+Return"),
        ActionSpec("chat.stop", "&Chat", "S&top", "Stop the reply; what arrived is kept.", window.stop, "Esc"),
        ActionSpec("chat.attach", "&Chat", "&Attach files…", "Attach images or documents to the next prompt.",
                   window.attachment_intake.choose_files, "Ctrl+Shift+A"),
        ActionSpec("chat.retry", "&Chat", "&Retry last prompt", "Send the last prompt again.", window.retry, "Ctrl+R"),
        ActionSpec("chat.copy_reply", "&Chat", "&Copy last reply", "Copy the last reply's text.",
                   window.session.copy_last_reply, "Ctrl+Shift+C"),
        ActionSpec("chat.regenerate", "&Chat", "Re&generate last reply", "Ask for the last reply again.",
                   history.regenerate_last, "Ctrl+Shift+R"),
        ActionSpec("chat.compare", "&Chat", "&Compare",
                   "Compare mode: send one prompt to two or three models (or settings) side by side.",
                   window.compare.on_action, "Ctrl+Shift+M", separator_before=True, checkable=True),
        ActionSpec("chat.undo_delete", "&Chat", "&Undo delete", "Bring back the last deleted conversation.",
                   history.undo_delete, keys.Undo),
        ActionSpec("chat.find", "&Chat", "&Find in conversations", "Search every message of every conversation.",
                   window.sidebar.search.setFocus, keys.Find),
    ]
    for number, theme in enumerate(("system", "light", "dark")):
        specs.append(ActionSpec(f"view.theme_{theme}", "&View", f"{theme.title()} theme",
                                f"Use the {theme} colour theme.", _theme_setter(window, theme),
                                separator_before=number == 0))
    specs += [
        ActionSpec("view.sidebar", "&View", "Conversation &list", "Show or hide the conversation list (Ctrl+Shift+L).",
                   lambda: window.body.toggle_panel("sidebar"), "Ctrl+Shift+L", separator_before=True,
                   checkable=True),
        ActionSpec("view.side_panel", "&View", "&Settings panel",
                   "Show or hide the parameters, request preview and statistics (Ctrl+Shift+P).",
                   lambda: window.body.toggle_panel("side_panel"), "Ctrl+Shift+P", checkable=True),
        ActionSpec("view.zoom_in", "&View", "Larger text", "Make the conversation's text larger.",
                   lambda: window.zoom(1), keys.ZoomIn, separator_before=True),
        ActionSpec("view.zoom_out", "&View", "Smaller text", "Make the conversation's text smaller.",
                   lambda: window.zoom(-1), keys.ZoomOut),
        ActionSpec("help.getting_started", "&Help", "&Getting started with AWS",
                   "How to sign in to AWS, pick a region and enable model access; or try the local endpoint.",
                   lambda: _getting_started(window)),
        ActionSpec("help.log_folder", "&Help", "Open &log folder",
                   "Open the folder of the log file (it holds no credentials or prompts).",
                   lambda: _open_log_folder(window)),
        ActionSpec("help.about", "&Help", "&About Bedrock Chat", "Version, connection, data and log folders.",
                   window.show_about, separator_before=True),
    ]
    return specs


def build_menus(window: QMainWindow, specs: list[ActionSpec]) -> dict[str, QAction]:
    """Adds one QAction per spec to its menu (menus in the table's order); returns them by id."""
    menus: dict[str, QMenu] = {}
    actions: dict[str, QAction] = {}
    for spec in specs:
        if spec.menu not in menus:
            menus[spec.menu] = window.menuBar().addMenu(spec.menu)
        menu = menus[spec.menu]
        if spec.separator_before and not menu.isEmpty():
            menu.addSeparator()
        action = QAction(spec.text, window)
        action.setObjectName(spec.id)
        action.setToolTip(spec.tip)
        action.setStatusTip(spec.tip)
        action.setCheckable(spec.checkable)
        if spec.shortcut is not None:
            action.setShortcut(QKeySequence(spec.shortcut))
        action.triggered.connect(lambda _checked=False, slot=spec.slot: slot())
        menu.addAction(action)
        actions[spec.id] = action
    return actions

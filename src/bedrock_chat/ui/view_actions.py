"""The View menu items and the link question: theme, text size, opening a link from a reply."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from bedrock_chat.ui import icons, message_boxes
from bedrock_chat.ui.chat_view import ChatView
from bedrock_chat.ui.settings_store import SettingsStore
from bedrock_chat.ui.theme import apply_theme

MIN_POINT_SIZE, MAX_POINT_SIZE = 8, 28


def set_theme(chat: ChatView, settings: SettingsStore, theme: str, save: bool = True) -> None:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        chat.set_dark(apply_theme(app, theme))
        icons.recolour(chat.window())  # the bundled icons are drawn in the theme's text colour
    if save:
        settings.set_theme(theme)


def zoom(chat: ChatView, step: int) -> None:
    font = QFont(chat.font())
    chat.set_font_size(max(MIN_POINT_SIZE, min(MAX_POINT_SIZE, font.pointSize() + step)))


def confirm_link(parent: QWidget, url: QUrl) -> None:
    """A link in model output opens only after the person has seen the whole address and said yes."""
    answer = message_boxes.ask(
        parent, "Open link?", f"Open this address in your browser?\n\n{url.toString()}",
        QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
    if answer == QMessageBox.StandardButton.Open:
        QDesktopServices.openUrl(url)

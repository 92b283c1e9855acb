"""Message boxes whose text is always plain: QMessageBox's static functions guess rich text from the first line,
so a path, a file name or an error naming a file called ``<img src=…>.json`` would be rendered as HTML (loading
the image) instead of shown as it is."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from bedrock_chat.ui.focus_return import focus_returns

Button = QMessageBox.StandardButton


def _show(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
          buttons: Button = Button.Ok, default: Button = Button.NoButton) -> Button:
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if default != Button.NoButton:
        box.setDefaultButton(default)
    with focus_returns(box):
        answer = box.exec()
    return Button(answer)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    _show(parent, QMessageBox.Icon.Warning, title, text)


def alert(parent: QWidget | None, title: str, text: str) -> None:
    _show(parent, QMessageBox.Icon.Critical, title, text)


def inform(parent: QWidget | None, title: str, text: str) -> None:
    _show(parent, QMessageBox.Icon.Information, title, text)


def ask(parent: QWidget | None, title: str, text: str, buttons: Button, default: Button) -> Button:
    """The button the person pressed (Escape or closing the box answers as Cancel would)."""
    return _show(parent, QMessageBox.Icon.Question, title, text, buttons, default)


def about(parent: QWidget | None, title: str, text: str) -> None:
    """QMessageBox.about's box (the window's icon, one OK button), with its text shown as it is."""
    box = QMessageBox(QMessageBox.Icon.NoIcon, title, text, Button.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    icon = parent.windowIcon() if parent is not None else QApplication.windowIcon()
    if not icon.isNull():
        box.setIconPixmap(icon.pixmap(64, 64))
    with focus_returns(box):
        box.exec()

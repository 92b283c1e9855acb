"""The prompt box: Ctrl+Enter sends, Esc stops."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget


class PromptEditor(QPlainTextEdit):
    send_requested = Signal()
    """Ctrl+Enter (or Cmd+Enter) was pressed."""
    stop_requested = Signal()
    """Esc was pressed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Prompt")
        self.setToolTip("Type your message. Ctrl+Enter sends, Esc stops a reply.")
        self.setPlaceholderText("Message the model…  (Ctrl+Enter to send)")
        self.setTabChangesFocus(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.send_requested.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.stop_requested.emit()
            return
        super().keyPressEvent(event)

"""The prompt box: Ctrl+Enter sends, Esc stops; pasted or dropped files and images become attachments."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget


def offers_attachments(mime: QMimeData) -> bool:
    """Local files, or an image that comes without text: what the prompt takes as attachments rather than as text.
    Spreadsheets and word processors put a picture of the copied cells or paragraphs beside their text; that
    paste is the text (taking the picture dropped what the person meant to paste)."""
    if mime.hasUrls() and any(url.isLocalFile() for url in mime.urls()):
        return True
    return mime.hasImage() and not mime.text().strip()


class PromptEditor(QPlainTextEdit):
    send_requested = Signal()
    """Ctrl+Enter (or Cmd+Enter) was pressed."""
    stop_requested = Signal()
    """Esc was pressed."""
    attachments_offered = Signal(QMimeData)
    """Files or an image were pasted or dropped into the prompt (handle it at once: the data is the clipboard's)."""

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

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return offers_attachments(source) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        if offers_attachments(source):  # a file's path or an image is no text to type
            self.attachments_offered.emit(source)
            return
        super().insertFromMimeData(source)

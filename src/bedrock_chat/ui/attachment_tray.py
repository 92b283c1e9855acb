"""The attachments waiting above the prompt: one chip each (thumbnail or icon, name, a remove button), and a line
saying why a file was not attached, and how far reading the files just offered has come. Chips are buttons, so Tab
reaches them; Delete or Backspace removes one."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QScrollArea, QToolButton, QVBoxLayout, QWidget

from bedrock_chat.core.attachments import Attachment
from bedrock_chat.ui import icons
from bedrock_chat.ui.attachment_thumbnails import Key, icon_from, thumbnails
from bedrock_chat.ui.rich_text import verbatim


class AttachmentChip(QWidget):
    remove_requested = Signal()
    """The person asked to remove this attachment (its × button, or Delete on the chip)."""

    def __init__(self, attachment: Attachment, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.attachment = attachment
        self.setObjectName("attachment-chip")
        self.label = QToolButton()
        self._key = thumbnails().key(attachment, 32)
        self.label.setIcon(icon_from(thumbnails().cached(attachment, 32)))
        thumbnails().ready.connect(self._on_thumbnail)
        self.label.setIconSize(QSize(32, 32))
        self.label.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        shown = attachment.name if len(attachment.name) <= 28 else attachment.name[:27] + "…"
        self.label.setText(shown)
        self.label.setAccessibleName(f"Attachment {attachment.name}")
        self.label.setToolTip(verbatim(f"{attachment.describe()}\nDelete removes it."))
        self.label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.label.installEventFilter(self)
        self.remove_button = QToolButton()
        self.remove_button.setText("×")
        icons.set_icon(self.remove_button, "close")
        self.remove_button.setAccessibleName(f"Remove {attachment.name}")
        self.remove_button.setToolTip(verbatim(f"Remove {attachment.name}"))
        self.remove_button.clicked.connect(self.remove_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.label)
        layout.addWidget(self.remove_button)

    def _on_thumbnail(self, key: Key) -> None:
        if key == self._key:
            self.label.setIcon(icon_from(thumbnails().cached(self.attachment, 32)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.label and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)):
            self.remove_requested.emit()
            return True
        return super().eventFilter(watched, event)


class AttachmentTray(QWidget):
    changed = Signal()
    """The attachments waiting to be sent were added to, removed from or cleared."""
    shown_changed = Signal()
    """Chips or a problem line appeared or went: the tray needs a different height."""
    reading_changed = Signal(bool)
    """Files offered began (True) or finished (False) being read; Send waits for them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Attachments")
        self.setToolTip("Images and documents sent with the next prompt.")
        self._items: list[Attachment] = []
        self._problems = {"intake": "", "request": ""}  # why a file was refused; why the request cannot go
        self.chips: list[AttachmentChip] = []
        self._row = QWidget()
        self._row_layout = QHBoxLayout(self._row)
        self._row_layout.setContentsMargins(0, 0, 0, 0)
        self._row_layout.addStretch(1)
        self._scroll = QScrollArea()
        self._scroll.setAccessibleName("Attached files")  # it takes the focus, to scroll a long row by keys
        self._scroll.setWidget(self._row)
        self._scroll.setWidgetResizable(True)
        self._scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setFixedHeight(54)
        self._scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.problem = QLabel()
        self.problem.setObjectName("attachment-problem")
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setStyleSheet("color: #b3261e")
        self.problem.setAccessibleName("Attachment problem")
        self.reading = QProgressBar()
        self.reading.setAccessibleName("Reading attachments")
        self.reading.setToolTip("The files just offered are being read and checked; Send waits for them.")
        self.reading.setFormat("Reading files: %v of %m")
        self._reading = False
        # Shown only when reading lasts: a file or two is ready before a bar would be seen, and would only flicker.
        self._reveal = QTimer(self)
        self._reveal.setSingleShot(True)
        self._reveal.setInterval(300)
        self._reveal.timeout.connect(self._refresh)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.addWidget(self._scroll)
        layout.addWidget(self.reading)
        layout.addWidget(self.problem)
        self._refresh()

    def attachments(self) -> tuple[Attachment, ...]:
        return tuple(self._items)

    def add(self, attachments: list[Attachment]) -> None:
        for attachment in attachments:
            self._items.append(attachment)
            chip = AttachmentChip(attachment)
            chip.remove_requested.connect(lambda chip=chip: self._remove(chip))
            self.chips.append(chip)
            self._row_layout.insertWidget(self._row_layout.count() - 1, chip)
        self._refresh()
        if attachments:
            self.changed.emit()

    def _remove(self, chip: AttachmentChip) -> None:
        index = self.chips.index(chip)
        del self._items[index]
        del self.chips[index]
        chip.hide()
        chip.deleteLater()
        if self.chips:  # keyboard focus stays in the tray, on the neighbouring chip
            self.chips[min(index, len(self.chips) - 1)].label.setFocus()
        self._refresh()
        self.changed.emit()

    def clear(self) -> None:
        for chip in self.chips:
            chip.hide()
            chip.deleteLater()
        had = bool(self._items)
        self._items.clear()
        self.chips.clear()
        self._problems = {"intake": "", "request": ""}
        self._refresh()
        if had:
            self.changed.emit()

    def show_problem(self, text: str, about: str = "request") -> None:
        """``about``: "intake" (files just refused) or "request" (what the model or Bedrock would refuse)."""
        self._problems[about] = text
        self.problem.setText(" ".join(problem for problem in self._problems.values() if problem))
        self._refresh()

    @property
    def is_reading(self) -> bool:
        return self._reading

    def show_reading(self, done: int | None, total: int = 0) -> None:
        """``done`` of ``total`` files offered are read; None: reading ended."""
        reading = done is not None
        if reading:
            self.reading.setRange(0, total)
            self.reading.setValue(done or 0)
        if reading == self._reading:
            return
        self._reading = reading
        if reading:
            self._reveal.start()
        else:
            self._reveal.stop()
        self._refresh()
        self.reading_changed.emit(reading)

    def _refresh(self) -> None:
        reading_shown = self._reading and not self._reveal.isActive()
        self._scroll.setVisible(bool(self._items))
        self.reading.setVisible(reading_shown)
        self.problem.setVisible(bool(self.problem.text()))
        self.setVisible(bool(self._items) or bool(self.problem.text()) or reading_shown)
        self.shown_changed.emit()

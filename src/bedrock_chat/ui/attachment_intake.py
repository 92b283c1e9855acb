"""Where attachments come in: the Attach button's file dialog, files or an image dropped on the window, and a
paste into the prompt (an image on the clipboard, or copied files). Each file is checked (size before it is read,
then type and dimensions from its bytes); what passes goes to the tray, what does not is named with the reason."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QMimeData, QObject
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QImage, QImageWriter
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from bedrock_chat.core.attachments import (
    MAX_DOCUMENTS,
    MAX_IMAGE_SIDE,
    MAX_IMAGES,
    Attachment,
    AttachmentError,
    check_size_before_reading,
    make_attachment,
)
from bedrock_chat.ui.attachment_tray import AttachmentTray
from bedrock_chat.ui.prompt_editor import PromptEditor, offers_attachments

FILE_FILTER = ("Images and documents (*.png *.jpg *.jpeg *.gif *.webp *.pdf *.csv *.doc *.docx *.xls *.xlsx "
               "*.html *.htm *.txt *.md);;All files (*)")
PASTED_IMAGE_NAME = "pasted image.png"


def read_attachment(path: Path) -> Attachment:
    """One file from disk, refused by its size before a byte is read (a 2 GB file is never loaded)."""
    try:
        check_size_before_reading(path.name, path.stat().st_size)
        if not path.is_file():
            raise AttachmentError(f"“{path.name}” is not a file (a folder cannot be attached).")
        data = path.read_bytes()
    except OSError as error:
        raise AttachmentError(f"“{path.name}” cannot be read ({error.strerror or error}).") from error
    return make_attachment(path.name, data)


def _png_bytes(image: QImage) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    QImageWriter(buffer, QByteArray(b"png")).write(image)
    return bytes(QByteArray(buffer.data()).data())


class AttachmentIntake(QObject):
    """Feeds the tray from the button, the window's drops and the prompt's pastes."""

    def __init__(self, tray: AttachmentTray, button: QPushButton, prompt: PromptEditor, window: QWidget,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tray = tray
        self._window = window
        self.last_directory = str(Path.home())
        button.clicked.connect(self.choose_files)
        prompt.attachments_offered.connect(self.add_mime)
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self._window, "Attach images or documents", self.last_directory,
                                                FILE_FILTER)
        if paths:
            self.last_directory = str(Path(paths[0]).parent)
            self.add_paths([Path(path) for path in paths])

    def add_paths(self, paths: list[Path]) -> None:
        accepted: list[Attachment] = []
        problems: list[str] = []
        # Files are read here, on the GUI thread: a folder's worth dropped at once (hundreds of photos, gigabytes)
        # would freeze the window and fill memory for a prompt Bedrock refuses anyway. One prompt carries at most
        # this many, so reading stops there.
        room = MAX_IMAGES + MAX_DOCUMENTS - len(self._tray.attachments())
        for index, path in enumerate(paths):
            if len(accepted) >= room:
                left = len(paths) - index
                problems.append(f"{left:,} more file{'s were' if left != 1 else ' was'} not attached: a prompt "
                                f"carries at most {MAX_IMAGES} images and {MAX_DOCUMENTS} documents.")
                break
            try:
                accepted.append(read_attachment(path))
            except AttachmentError as error:
                problems.append(str(error))
        self._deliver(accepted, problems)

    def add_mime(self, mime: QMimeData) -> None:
        files = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []
        if files:
            self.add_paths(files)
            return
        if mime.hasImage():
            image = mime.imageData()
            if not isinstance(image, QImage) or image.isNull():
                self._deliver([], ["The pasted image could not be read."])
                return
            if image.width() > MAX_IMAGE_SIDE or image.height() > MAX_IMAGE_SIDE:
                # Refused before it is encoded: a PNG of a screenshot of several monitors takes the GUI thread
                # seconds to write, only to be refused for its size afterwards.
                self._deliver([], [f"The pasted image is {image.width()}×{image.height()} pixels; Bedrock takes "
                                   f"images of at most {MAX_IMAGE_SIDE:,} pixels on each side. Paste a smaller "
                                   "part of it, or resize it first."])
                return
            try:
                self._deliver([make_attachment(PASTED_IMAGE_NAME, _png_bytes(image))], [])
            except AttachmentError as error:
                self._deliver([], [str(error)])

    def _deliver(self, accepted: list[Attachment], problems: list[str]) -> None:
        self._tray.show_problem(" ".join(problems), about="intake")
        self._tray.add(accepted)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window:
            if isinstance(event, QDragEnterEvent | QDragMoveEvent) and offers_attachments(event.mimeData()):
                event.acceptProposedAction()
                return True
            if isinstance(event, QDropEvent) and event.type() == QEvent.Type.Drop \
                    and offers_attachments(event.mimeData()):
                self.add_mime(event.mimeData())
                event.acceptProposedAction()
                return True
        return super().eventFilter(watched, event)

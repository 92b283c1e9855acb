"""Where attachments come in: the Attach button's file dialog, files or an image dropped on the window, and a
paste into the prompt (an image on the clipboard, or copied files). Each file is checked (size before it is read,
then type and dimensions from its bytes); what passes goes to the tray, what does not is named with the reason.

Reading, checking and storing run on a worker (25 files of 4.5 MB, or a pasted screenshot to encode, held the GUI
thread for seconds): the tray shows how far it is, and the files once they are ready. Each file's bytes are stored
in the conversation store as it comes in (``stage_attachment``), so that Send writes only small rows."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QMimeData, QObject, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QImage, QImageWriter
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from bedrock_chat.core.attachment_rows import stage_attachment
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
from bedrock_chat.ui.gui_thread import deliver, prepare_relay
from bedrock_chat.ui.prompt_editor import PromptEditor, offers_attachments

FILE_FILTER = ("Images and documents (*.png *.jpg *.jpeg *.gif *.webp *.pdf *.csv *.doc *.docx *.xls *.xlsx "
               "*.html *.htm *.txt *.md);;All files (*)")
PASTED_IMAGE_NAME = "pasted image.png"

log = logging.getLogger(__name__)


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


@dataclass
class _Batch:
    """Files offered at once (a dialog's choice, a drop, a paste), read in order."""

    sources: list[Path | QImage]
    accepted: list[Attachment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class AttachmentIntake(QObject):
    """Feeds the tray from the button, the window's drops and the prompt's pastes. Batches are read one after
    another on a worker thread; ``staging_database`` names the store file their bytes go into ahead of Send (None:
    the store cannot be written from another thread, so Send writes them)."""

    finished = Signal()
    """Everything offered so far was read: in the tray, or refused with its reason."""

    def __init__(self, tray: AttachmentTray, button: QPushButton, prompt: PromptEditor, window: QWidget,
                 parent: QObject | None = None, staging_database: Callable[[], Path | None] = lambda: None) -> None:
        super().__init__(parent)
        self._tray = tray
        self._window = window
        self._staging_database = staging_database
        self.last_directory = str(Path.home())
        self._waiting: list[_Batch] = []
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        prepare_relay()  # the worker hands its progress and its files over through it
        button.clicked.connect(self.choose_files)
        prompt.attachments_offered.connect(self.add_mime)
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    @property
    def busy(self) -> bool:
        return self._thread is not None or bool(self._waiting)

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self._window, "Attach images or documents", self.last_directory,
                                                FILE_FILTER)
        if paths:
            self.last_directory = str(Path(paths[0]).parent)
            self.add_paths([Path(path) for path in paths])

    def add_paths(self, paths: list[Path]) -> None:
        self._offer(_Batch(list(paths)))

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
                # Refused before it is encoded: a PNG of a screenshot of several monitors takes seconds to write,
                # only to be refused for its size afterwards.
                self._deliver([], [f"The pasted image is {image.width()}×{image.height()} pixels; Bedrock takes "
                                   f"images of at most {MAX_IMAGE_SIDE:,} pixels on each side. Paste a smaller "
                                   "part of it, or resize it first."])
                return
            self._offer(_Batch([image]))

    def shutdown(self) -> None:
        """The window is closing: drop what waits, stop the worker before its next file and wait for it (it writes
        through its own connection, so this comes before the store closes)."""
        self._waiting.clear()
        self._cancel.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _offer(self, batch: _Batch) -> None:
        self._waiting.append(batch)
        if self._thread is None:
            self._start_next()

    def _start_next(self) -> None:
        batch = self._waiting.pop(0)
        # A folder's worth dropped at once (hundreds of photos, gigabytes) would fill memory for a prompt Bedrock
        # refuses anyway. One prompt carries at most this many, so reading stops there.
        room = MAX_IMAGES + MAX_DOCUMENTS - len(self._tray.attachments())
        self._cancel.clear()
        self._tray.show_reading(0, len(batch.sources))
        self._thread = threading.Thread(target=self._read, args=(batch, room, self._staging_database()),
                                        name="attachment-intake")
        self._thread.start()

    # -- the worker thread ---------------------------------------------------------------------------

    def _read(self, batch: _Batch, room: int, database: Path | None) -> None:
        total = len(batch.sources)
        for index, source in enumerate(batch.sources):
            if self._cancel.is_set():
                break
            if len(batch.accepted) >= room:
                left = total - index
                batch.problems.append(f"{left:,} more file{'s were' if left != 1 else ' was'} not attached: a "
                                      f"prompt carries at most {MAX_IMAGES} images and {MAX_DOCUMENTS} documents.")
                break
            try:
                attachment = read_attachment(source) if isinstance(source, Path) \
                    else make_attachment(PASTED_IMAGE_NAME, _png_bytes(source))
            except AttachmentError as error:
                batch.problems.append(str(error))
                continue
            if database is not None:
                try:
                    attachment = stage_attachment(database, attachment)
                except (sqlite3.Error, OSError) as error:  # a full disk now: Send writes the bytes (or says why not)
                    log.info("attachment bytes not stored ahead of Send: %s", error)
                    database = None
            batch.accepted.append(attachment)
            deliver(self, self._tray.show_reading, index + 1, total)
        deliver(self, self._on_read, batch)

    # -- back on the GUI thread ----------------------------------------------------------------------

    def _on_read(self, batch: _Batch) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._cancel.is_set():  # the window is closing
            return
        self._deliver(batch.accepted, batch.problems)
        if self._waiting:
            self._start_next()
            return
        self._tray.show_reading(None)
        self.finished.emit()

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

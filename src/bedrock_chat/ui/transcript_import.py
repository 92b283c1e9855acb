"""Importing transcripts off the GUI thread, with a progress dialog that can cancel.

Reading, checking and storing a 50 MB transcript takes seconds; a worker thread does it (storing through its
own database connection) while the window stays responsive. One bad file never stops the others: each one
that does not come in is named with one sentence.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog

from bedrock_chat.core.conversation import Conversation
from bedrock_chat.core.storage import StoreError, import_in_background
from bedrock_chat.core.transfer import ImportCancelled, describe_failure, read_transcript
from bedrock_chat.ui.gui_thread import deliver, prepare_relay
from bedrock_chat.ui.window_api import ChatWindow

log = logging.getLogger(__name__)

PROGRESS_STEPS = 1000


@dataclass
class ImportReport:
    files: int
    imported: list[Conversation] = field(default_factory=list)  # as stored, with their fresh ids
    errors: list[str] = field(default_factory=list)  # one sentence per file that did not come in
    cancelled: bool = False

    def summary(self) -> str:
        text = f"Imported {len(self.imported)} of {self.files} file{'s' if self.files != 1 else ''}."
        return text + (" The import was cancelled." if self.cancelled else "")


class TranscriptImporter(QObject):
    progressed = Signal(int)
    """Work done so far, out of PROGRESS_STEPS."""
    finished = Signal(object)
    """An import ended (completely, with failures, or cancelled); carries its ``ImportReport``."""

    def __init__(self, window: ChatWindow) -> None:
        super().__init__()
        self._window = window
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._dialog: QProgressDialog | None = None
        self._closed = False
        self._store_path: Path | None = None
        self.progressed.connect(self._show_progress)
        prepare_relay()  # the worker hands its progress and its report over through it

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, paths: list[Path]) -> bool:
        """Starts importing ``paths``; False (with a status message) if an import is already running."""
        if self._thread is not None:
            self._window.statusBar().showMessage("An import is already running.", 6000)
            return False
        self._cancel.clear()
        store = self._window.store
        database = store.path if store.background_writable else None
        self._store_path = store.path  # read here: the worker names it in its messages
        self._dialog = dialog = QProgressDialog("Importing transcripts…", "Cancel", 0, PROGRESS_STEPS,
                                                self._window.window())
        dialog.setWindowTitle("Import transcripts")
        dialog.setAccessibleName("Import progress")
        dialog.setToolTip("Reading, checking and storing the chosen transcripts.")
        # Not modal: the window stays usable (a reply can stream) while the worker imports.
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setMinimumDuration(400)  # a small import finishes before any dialog appears
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)
        dialog.setValue(0)
        self._thread = threading.Thread(target=self._run, args=(paths, database), name="transcript-import")
        self._thread.start()
        return True

    def cancel(self) -> None:
        self._cancel.set()

    def shutdown(self) -> None:
        """The window is closing: stop the worker between two steps and wait for it, before the store closes."""
        self._closed = True
        self._cancel.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    # -- the worker thread ---------------------------------------------------------------------------

    def _run(self, paths: list[Path], database: Path | None) -> None:
        report = ImportReport(files=len(paths))
        for_gui: list[tuple[Path, Conversation]] = []
        sizes = [_size(path) for path in paths]
        total, done = max(1, sum(sizes)), 0
        last = -1

        def advance(position: float) -> None:
            nonlocal last
            step = int(PROGRESS_STEPS * min(1.0, position / total))
            if step != last:
                last = step
                deliver(self, self.progressed.emit, step)

        for path, size in zip(paths, sizes, strict=True):
            if self._cancel.is_set():
                report.cancelled = True
                break
            def on_read(read: int, base: int = done, size: int = size) -> None:
                advance(base + min(read, size) / 2)  # half a file's share of the bar for reading it

            def on_stored(part: float, base: int = done, size: int = size) -> None:
                advance(base + size * (1 + part) / 2)  # and half for storing it

            try:
                conversation = read_transcript(path, on_read, self._cancel.is_set)
                if database is None:
                    for_gui.append((path, conversation))
                else:
                    stored = import_in_background(database, conversation, on_stored, self._cancel.is_set)
                    if stored is None:
                        report.cancelled = True
                        break
                    report.imported.append(stored)
            except ImportCancelled:
                report.cancelled = True
                break
            except Exception as error:  # one bad file never stops the others
                log.info("transcript %s not imported: %s", path.name, type(error).__name__)
                report.errors.append(describe_failure(path, error, self._store_path))
            done += size
            advance(done)
        deliver(self, self._on_worker_done, report, for_gui)

    # -- back on the GUI thread ----------------------------------------------------------------------

    def _show_progress(self, step: int) -> None:
        if self._dialog is not None:
            self._dialog.setValue(step)

    def _on_worker_done(self, report: ImportReport, for_gui: list[tuple[Path, Conversation]]) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._closed:
            return
        if self._dialog is not None:
            self._dialog.canceled.disconnect(self.cancel)
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
        window = self._window
        for path, conversation in for_gui:  # an in-memory store is only reachable from this thread
            try:
                report.imported.append(window.store.import_conversation(conversation))
            except Exception as error:
                report.errors.append(describe_failure(path, error, self._store_path))
        try:
            if report.imported and window.can_switch():
                window.show_conversation(window.store.load(report.imported[-1].id))
            elif report.imported:  # a reply is streaming: the imports only join the list
                window.sidebar.search.clear()
                window.sidebar.show_conversations(window.store.summaries(), window.conversation.id)
        except (sqlite3.Error, OSError, StoreError) as error:  # imported, but the history cannot be read back
            report.errors.append(f"The imported conversations are stored, but the history could not be read "
                                 f"back to show them: {error}.")
        if report.errors:
            count = len(report.errors)
            window.show_error(f"{count} file{'s were' if count != 1 else ' was'} not imported:\n"
                              + "\n".join(report.errors), retryable=False)
        window.statusBar().showMessage(report.summary(), 10000)
        self.finished.emit(report)


def _size(path: Path) -> int:
    try:
        return max(1, path.stat().st_size)
    except OSError:
        return 1

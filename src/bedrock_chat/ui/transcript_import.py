"""Importing transcripts off the GUI thread, with a progress dialog that can cancel.

Reading, checking and storing a 50 MB transcript takes seconds; a worker thread does it (storing through its
own database connection) while the window stays responsive. One bad file never stops the others: each one
that does not come in is named with one sentence.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from bedrock_chat.core.conversation import Conversation
from bedrock_chat.core.store_errors import StoreError
from bedrock_chat.core.store_writing import import_in_background
from bedrock_chat.core.transfer import ImportCancelled, describe_failure, read_transcript
from bedrock_chat.ui.progress_job import ProgressJob
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
        self._job = ProgressJob("transcript-import", self)
        self._job.progressed.connect(self.progressed)
        self._store_path: Path | None = None
        # Files chosen while an import runs (the Import dialog answered again meanwhile): each set starts in turn.
        self._waiting: list[list[Path]] = []

    @property
    def running(self) -> bool:
        return self._job.running

    def start(self, paths: list[Path]) -> bool:
        """Starts importing ``paths``, or once the import under way ends (with a status message saying so)."""
        if self._job.running:
            self._waiting.append(list(paths))
            self._window.statusBar().showMessage("These files are imported when the import under way ends.", 6000)
            return True
        store = self._window.store
        database = store.path if store.background_writable else None
        self._store_path = store.path  # read here: the worker names it in its messages
        self._job.start(self._window.window(), "Import transcripts", "Importing transcripts…", "Import progress",
                        "Reading, checking and storing the chosen transcripts.", PROGRESS_STEPS,
                        lambda: self._run(paths, database), self._on_worker_done)
        return True

    def cancel(self) -> None:
        self._job.cancel()

    def shutdown(self) -> None:
        """The window is closing: stop the worker between two steps and wait for it, before the store closes."""
        self._waiting.clear()
        self._job.shutdown()

    # -- the worker thread ---------------------------------------------------------------------------

    def _run(self, paths: list[Path], database: Path | None) -> tuple[ImportReport, list[tuple[Path, Conversation]]]:
        report = ImportReport(files=len(paths))
        for_gui: list[tuple[Path, Conversation]] = []
        try:
            self._import(paths, database, report, for_gui)
        except Exception as error:  # said in the window, and the files waiting still get their turn
            log.exception("the import stopped")
            report.errors.append(f"The import stopped unexpectedly ({type(error).__name__}); the log has the "
                                 "details.")
        return report, for_gui

    def _import(self, paths: list[Path], database: Path | None, report: ImportReport,
                for_gui: list[tuple[Path, Conversation]]) -> None:
        cancelled = self._job.cancelled
        sizes = [_size(path) for path in paths]
        total, done = max(1, sum(sizes)), 0
        last = -1

        def advance(position: float) -> None:
            nonlocal last
            step = int(PROGRESS_STEPS * min(1.0, position / total))
            if step != last:
                last = step
                self._job.report(step)

        for path, size in zip(paths, sizes, strict=True):
            if cancelled():
                report.cancelled = True
                break
            def on_read(read: int, base: int = done, size: int = size) -> None:
                advance(base + min(read, size) / 2)  # half a file's share of the bar for reading it

            def on_stored(part: float, base: int = done, size: int = size) -> None:
                advance(base + size * (1 + part) / 2)  # and half for storing it

            try:
                conversation = read_transcript(path, on_read, cancelled)
                if database is None:
                    for_gui.append((path, conversation))
                else:
                    stored = import_in_background(database, conversation, on_stored, cancelled)
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

    # -- back on the GUI thread ----------------------------------------------------------------------

    def _on_worker_done(self, result: tuple[ImportReport, list[tuple[Path, Conversation]]]) -> None:
        report, for_gui = result
        window = self._window
        for path, conversation in for_gui:  # an in-memory store is only reachable from this thread
            try:
                report.imported.append(window.store.import_conversation(conversation))
            except Exception as error:
                report.errors.append(describe_failure(path, error, self._store_path))
        try:
            if report.imported and window.can_switch():  # read on a worker, like a click in the sidebar
                window.history.open_conversation(report.imported[-1].id)
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
        if self._waiting and not self._job.running:
            self.start(self._waiting.pop(0))


def _size(path: Path) -> int:
    try:
        return max(1, path.stat().st_size)
    except OSError:
        return 1

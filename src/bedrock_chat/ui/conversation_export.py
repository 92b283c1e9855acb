"""Exporting conversations off the GUI thread: reading them from the store, encoding them (JSON with every image
in base64, HTML) and writing each file atomically take seconds for a long history, so a worker does it, reading
through its own database connection, with a progress dialog that can cancel.

One conversation that cannot be read (a damaged row) is named and left out; the others are exported. A disk that
refuses a file (full, read-only) stops the export, since every later file would fail the same way. Every file is
written whole or not at all: nothing half-written is ever left under its final name.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from bedrock_chat.core.atomic import atomic_write_text
from bedrock_chat.core.conversation import Conversation
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.core.store_reading import open_reader, read_conversation, read_summaries
from bedrock_chat.core.transcript import to_markdown
from bedrock_chat.core.transfer import FORMATS, FolderNames
from bedrock_chat.ui.progress_job import ProgressJob
from bedrock_chat.ui.window_api import ChatWindow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Item:
    source: Conversation | str  # a snapshot taken on the GUI thread, or the id to read on the worker
    title: str
    path: Path


@dataclass
class ExportReport:
    target: Path  # the file of one conversation, or the folder of all
    everything: bool  # Export all (a folder) rather than one conversation
    total: int = 0
    written: list[Path] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # one sentence per conversation left out
    failure: str | None = None  # why the export stopped (the history unreadable, the disk refusing a file)
    cancelled: bool = False

    def summary(self) -> str:
        if not self.everything:
            return f"Saved {self.target}" if self.written else f"{self.target.name} was not saved."
        text = f"Exported {len(self.written)} conversations to {self.target}"
        if self.cancelled:
            return f"{text}; the export was cancelled."
        return text if len(self.written) == self.total else f"{text} (of {self.total})."


class ConversationExporter(QObject):
    finished = Signal(object)
    """An export ended (completely, with conversations left out, failed or cancelled); carries its ``ExportReport``."""

    def __init__(self, window: ChatWindow) -> None:
        super().__init__()
        self._window = window
        self._job = ProgressJob("conversation-export", self)
        # Exports asked for while one runs (a file chosen in the Save dialog meanwhile): each starts in turn.
        self._waiting: list[Callable[[], object]] = []

    @property
    def running(self) -> bool:
        return self._job.running

    def export_one(self, conversation_id: str, title: str, target: Path) -> bool:
        """The conversation on screen is exported as it is shown (with any message still waiting to be saved);
        another one is read from the store on the worker."""
        window = self._window
        report = ExportReport(target, everything=False)
        source: Conversation | str = conversation_id
        if conversation_id == window.conversation.id:
            source = _snapshot(window.conversation)
        elif not _readable_elsewhere(window.store):
            try:
                source = window.store.load(conversation_id)
            except Exception as error:
                report.failure = f"Could not read “{title}” from the history to export it: {error}."
                self._finish(report)
                return False
        return self._start(report, [_Item(source, title, target)], None, "Export conversation",
                           f"Writing {target.name}…", 0)

    def export_all(self, directory: Path) -> bool:
        store = self._window.store
        report = ExportReport(directory, everything=True)
        if _readable_elsewhere(store):
            return self._start(report, None, directory, "Export all", "Exporting conversations…", 0)
        try:  # a session-only store lives in this thread's connection alone: read here, encode on the worker
            names = FolderNames(directory, ".json")
            items = [_Item(conversation, conversation.title, names.path(conversation.title, conversation.id))
                     for conversation in (store.load(summary.id) for summary in store.summaries())]
        except Exception as error:
            report.failure = f"Could not read the history to export it: {error}."
            self._finish(report)
            return False
        return self._start(report, items, None, "Export all", "Exporting conversations…", len(items))

    def shutdown(self) -> None:
        self._waiting.clear()
        self._job.shutdown()

    def _start(self, report: ExportReport, items: list[_Item] | None, directory: Path | None, title: str, label: str,
               maximum: int) -> bool:
        if self._job.running:
            self._waiting.append(functools.partial(self._start, report, items, directory, title, label, maximum))
            self._window.statusBar().showMessage(f"{title} starts when the export under way ends.", 6000)
            return True
        store = self._window.store
        database = (store.path, store.read_only) if _readable_elsewhere(store) else None
        self._job.start(self._window.window(), title, label, "Export progress",
                        "Reading, encoding and writing the conversations.", maximum,
                        lambda: self._run(report, items, directory, database), self._finish)
        return True

    # -- the worker thread ---------------------------------------------------------------------------

    def _run(self, report: ExportReport, items: list[_Item] | None, directory: Path | None,
             database: tuple[Path, bool] | None) -> ExportReport:
        db: sqlite3.Connection | None = None
        try:
            if database is not None:
                db = open_reader(*database)
            if items is None:  # Export all: the list is read here too
                assert db is not None and directory is not None
                names = FolderNames(directory, ".json")
                items = [_Item(summary.id, summary.title, names.path(summary.title, summary.id))
                         for summary in read_summaries(db)]
            report.total = len(items)
            self._export(report, items, db)
        except (sqlite3.Error, OSError) as error:
            report.failure = f"Could not read the history to export it: {error}."
        except Exception as error:  # said in the window, and the next export waiting still starts
            log.exception("the export stopped")
            report.failure = (f"The export stopped unexpectedly ({type(error).__name__}). The files written before "
                              "it stopped are whole; the log has the details.")
        finally:
            if db is not None:
                db.close()
        return report

    def _export(self, report: ExportReport, items: list[_Item], db: sqlite3.Connection | None) -> None:
        job = self._job
        if report.everything:
            job.report_maximum(len(items))
        for index, item in enumerate(items):
            if job.cancelled():
                report.cancelled = True
                return
            try:
                conversation = item.source if isinstance(item.source, Conversation) else \
                    read_conversation(_connection(db), item.source)
            except Exception as error:  # one damaged conversation never stops the others
                log.warning("conversation %s not exported: %s", item.title, type(error).__name__)
                report.unreadable.append(f"“{item.title}” could not be read from the history ({error}), so it "
                                         "was left out.")
                continue
            text = FORMATS.get(item.path.suffix.lower(), to_markdown)(conversation)
            if job.cancelled():  # before the file appears: a cancelled export adds nothing more
                report.cancelled = True
                return
            try:
                atomic_write_text(item.path, text)
            except UnicodeEncodeError as error:  # text no file can hold (a lone surrogate from a model): this one only
                report.unreadable.append(f"“{item.title}” holds text that cannot be written as UTF-8 ({error.reason}"
                                         "), so it was left out.")
                continue
            except OSError as error:  # a full or read-only disk: every later file would fail too
                report.failure = _write_failure(report, item.path, error)
                return
            report.written.append(item.path)
            job.report(index + 1)

    # -- back on the GUI thread ----------------------------------------------------------------------

    def _finish(self, report: ExportReport) -> None:
        window = self._window
        problems = ([report.failure] if report.failure else []) + report.unreadable
        if problems:
            window.show_error("\n".join(problems), retryable=False)
        window.statusBar().showMessage(report.summary(), 8000)
        self.finished.emit(report)
        if self._waiting and not self._job.running:
            self._waiting.pop(0)()


def _snapshot(conversation: Conversation) -> Conversation:
    """A copy the worker can read while a reply keeps growing in the original (attachments are shared: immutable)."""
    return Conversation(title=conversation.title, id=conversation.id, created_at=conversation.created_at,
                        messages=[dataclasses.replace(message) for message in conversation.messages],
                        pinned=conversation.pinned)


def _readable_elsewhere(store: ConversationStore) -> bool:
    """An in-memory store is only reachable through its own connection, on this thread."""
    return str(store.path) != ":memory:"


def _connection(db: sqlite3.Connection | None) -> sqlite3.Connection:
    if db is None:
        raise RuntimeError("the history cannot be read from this thread")
    return db


def _write_failure(report: ExportReport, path: Path, error: OSError) -> str:
    reason = error.strerror or str(error)
    if not report.everything:
        return f"Could not write {path}: {reason}. Choose another folder or free some disk space."
    done = f" {len(report.written)} of {report.total} conversations were exported before." if report.written else ""
    return (f"Could not write to {path.parent}: {reason}. Choose another folder or free some disk space."
            + done)

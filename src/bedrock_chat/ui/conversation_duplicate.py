"""Duplicating a conversation (the sidebar's right-click › Duplicate) without freezing the window: a conversation
with a hundred megabytes of images takes seconds to read and write again, so a worker does both through its own
database connections, with a progress dialog that can cancel; the copy is then opened through the loader.

The copy is written as an import is (``import_in_background``): fresh ids, hidden until its last message is in,
in batches so the window's own saves never wait long. A session-only (in-memory) or read-only history is only
written through the window's own connection, so there the copy is made on the GUI thread as before (small, or
rare).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from bedrock_chat.core.conversation import Conversation
from bedrock_chat.core.store_errors import StoreError, StoreProblemKind
from bedrock_chat.core.store_reading import open_reader, read_conversation
from bedrock_chat.core.store_writing import import_in_background
from bedrock_chat.ui.progress_job import ProgressJob
from bedrock_chat.ui.store_guard import reports_store_failure
from bedrock_chat.ui.window_api import ChatWindow

PROGRESS_STEPS = 1000


class ConversationDuplicator(QObject):
    finished = Signal(object)
    """A duplicate ended; carries the copy as stored (``Conversation``), or None (cancelled or failed)."""

    def __init__(self, window: ChatWindow) -> None:
        super().__init__()
        self._window = window
        self._job = ProgressJob("conversation-duplicate", self)

    @property
    def running(self) -> bool:
        return self._job.running

    @reports_store_failure("duplicate the conversation")
    def duplicate(self, conversation_id: str) -> None:
        window = self._window
        store = window.store
        if not store.background_writable:
            self._open(store.duplicate(conversation_id))
            return
        if self._job.running:
            window.statusBar().showMessage("A conversation is already being duplicated.", 6000)
            return
        self._job.start(window.window(), "Duplicate conversation", "Duplicating the conversation…",
                        "Duplicate progress", "Copying the conversation and its attachments.", PROGRESS_STEPS,
                        lambda: self._run(store.path, conversation_id), self._done)

    def shutdown(self) -> None:
        """The window is closing: stop between two batches (a cancelled copy leaves nothing) and wait."""
        self._job.shutdown()

    # -- the worker thread ---------------------------------------------------------------------------

    def _run(self, path: Path, conversation_id: str) -> Conversation | Exception | None:
        try:
            reader = open_reader(path, False)
            try:
                source = read_conversation(reader, conversation_id)
            finally:
                reader.close()
            # The same title and fresh ids as ``ConversationStore.duplicate``; the import gives the fresh ids.
            copy = Conversation(title=f"{source.title} (copy)", messages=source.messages)
            return import_in_background(path, copy, lambda part: self._job.report(int(PROGRESS_STEPS * part)),
                                        self._job.cancelled)
        except Exception as error:  # said in the window by ``_done``, on the GUI thread
            return error

    # -- back on the GUI thread ----------------------------------------------------------------------

    def _done(self, result: Conversation | Exception | None) -> None:
        try:
            self._show(result)
        finally:
            self.finished.emit(result if isinstance(result, Conversation) else None)

    @reports_store_failure("duplicate the conversation")
    def _show(self, result: Conversation | Exception | None) -> None:
        window = self._window
        if result is None:
            window.statusBar().showMessage("The duplicate was cancelled.", 6000)
        elif isinstance(result, KeyError):
            window.show_error("Could not duplicate the conversation: it is no longer in the history.",
                              retryable=False)
        elif isinstance(result, ValueError):  # a row no longer holding what was written: damage, as at startup
            raise StoreError(str(result), StoreProblemKind.CORRUPT) from result
        elif isinstance(result, (sqlite3.Error, OSError, StoreError)):
            raise result  # a full disk, a damaged page: the same sentence as any history action's
        elif isinstance(result, Exception):
            window.show_error(f"Could not duplicate the conversation: {result}", retryable=False)
        else:
            self._open(result)

    def _open(self, copy: Conversation) -> None:
        window = self._window
        window.history.refresh_sidebar()  # listed even if a streaming reply keeps the window where it is
        window.history.open_conversation(copy.id)

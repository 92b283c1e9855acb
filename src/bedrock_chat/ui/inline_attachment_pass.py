"""The pass, a few seconds after the window shows, that moves attachment bytes older rows still hold themselves into
the store's ``attachment_blobs`` (``move_inline_attachments``), on a worker through its own connection: after it,
a branch or a duplicate of an older conversation writes small rows instead of its images again.

Skipped for a history kept in memory or opened read-only (another connection could not write it). Closing the
window stops it between two batches and waits for that batch, before the store closes."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from bedrock_chat.core.inline_attachments import move_inline_attachments
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.ui.call_soon import call_soon
from bedrock_chat.ui.gui_thread import deliver, prepare_relay

log = logging.getLogger(__name__)

# After startup's own work (the first conversation shown, the connection, the model list), off its way.
START_DELAY_MS = 4000


class InlineAttachmentPass(QObject):
    finished = Signal(int)
    """The pass ended (all moved, stopped by a close, or refused by the disk); carries how many rows it moved."""

    def __init__(self, store: Callable[[], ConversationStore], parent: QObject | None = None) -> None:
        super().__init__(parent)
        prepare_relay()
        self._store = store  # read when the pass starts: the window's store, as it is then
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start_later(self) -> None:
        call_soon(self, self.start, START_DELAY_MS)

    def start(self) -> None:
        store = self._store()
        if self._stop.is_set() or self._thread is not None or not store.background_writable:
            return
        self._thread = threading.Thread(target=self._run, args=(store.path,), name="inline-attachments",
                                        daemon=True)
        self._thread.start()

    def shutdown(self) -> None:
        """The window is closing: no pass starts any more, and one under way stops after its batch."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self, database: Path) -> None:
        moved = 0
        try:
            moved = move_inline_attachments(database, self._stop.is_set)
        except (sqlite3.Error, OSError) as error:  # a full or busy disk: the rows keep their bytes, moved next time
            log.info("attachment bytes not moved apart yet: %s", error)
        except Exception:  # never a traceback in the window; the rows keep their bytes
            log.exception("the pass moving attachment bytes apart stopped")
        deliver(self, self.finished.emit, moved)

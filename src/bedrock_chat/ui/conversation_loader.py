"""Opening a stored conversation without freezing the window: a worker reads it (every message and every
attachment's bytes, which for a conversation of many images is a hundred megabytes) through its own database
connection, and the GUI thread only shows it.

The last conversation asked for wins: a read that a later choice superseded is interrupted and its result never
shown. Whether the window may switch (no reply streaming) is checked before the read and again before showing,
since a reply may have started meanwhile. A read that lasts says "Opening the conversation…" in the status bar;
nothing modal, so typing in the prompt goes on; a message said meanwhile (an import's summary) is not replaced
by it. A conversation renamed while it is read is shown (and saved again) with its new title.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from bedrock_chat.core.conversation import Conversation
from bedrock_chat.core.store_errors import StoreError, StoreProblemKind
from bedrock_chat.core.store_reading import open_reader, read_conversation
from bedrock_chat.ui.gui_thread import deliver, prepare_relay
from bedrock_chat.ui.store_guard import reports_store_failure
from bedrock_chat.ui.window_api import ChatWindow

log = logging.getLogger(__name__)

NOTICE_AFTER_MS = 150  # a read that ends sooner shows no notice at all: it would only flicker
OPENING_NOTICE = "Opening the conversation…"
_JOIN_AT_CLOSE_S = 10


@dataclass(eq=False)
class _Load:
    """One conversation asked for; the worker reading it and the GUI thread share it under ``lock``."""

    conversation_id: str
    message_id: str | None  # a search hit's message, to scroll to once shown
    title: str | None = None  # renamed while it was read: the worker's copy has the title from before
    status_before: str = ""  # the status bar's message when it was asked for: what the notice may replace
    dropped: bool = False  # superseded (or the window closed): the result is never shown
    db: sqlite3.Connection | None = None  # the worker's connection while it reads, so dropping can interrupt it
    lock: threading.Lock = field(default_factory=threading.Lock)


class ConversationLoader(QObject):
    opened = Signal(str)
    """A conversation asked for is on screen (its id)."""

    def __init__(self, window: ChatWindow) -> None:
        super().__init__(window.window())
        self._window = window
        self._pending: _Load | None = None
        self._threads: list[threading.Thread] = []
        self._closed = False
        self._notice = QTimer(self)
        self._notice.setSingleShot(True)
        self._notice.setInterval(NOTICE_AFTER_MS)
        self._notice.timeout.connect(self._show_notice)
        prepare_relay()  # the worker hands its result over through it

    @property
    def loading(self) -> bool:
        return self._pending is not None

    def open(self, conversation_id: str, message_id: str | None = None) -> None:
        """Shows the conversation (scrolled to ``message_id`` if given) once read; a later ``open`` supersedes it."""
        window = self._window
        pending = self._pending
        if pending is not None and pending.conversation_id == conversation_id:
            pending.message_id = message_id  # the same one again (a click and its activation, another hit in it)
            return
        if conversation_id == window.conversation.id:
            self.cancel()  # chosen again while another was being read: this one stays, the other never comes
            if message_id is not None:
                window.chat.scroll_to_message(message_id, window.sidebar.search.text().strip())
            return
        if not window.can_switch():  # says why in the status bar
            window.sidebar.mark_current(window.conversation.id)
            return
        self.cancel()
        load = _Load(conversation_id, message_id, status_before=window.statusBar().currentMessage())
        store = window.store
        if str(store.path) == ":memory:":  # only this thread's connection reaches an in-memory history (small)
            self._show(load, self._read_here(load))
            return
        self._pending = load
        thread = threading.Thread(target=self._read, args=(load, store.path, store.read_only),
                                  name="conversation-open")
        self._threads = [running for running in self._threads if running.is_alive()] + [thread]
        thread.start()
        self._notice.start()

    def renamed(self, conversation_id: str, title: str) -> None:
        """The conversation was renamed: if it is being read, it is shown with this title (and saved with it)."""
        if self._pending is not None and self._pending.conversation_id == conversation_id:
            self._pending.title = title

    def shutdown(self) -> None:
        """The window is closing: stop any read and wait for it, before the history closes."""
        self._closed = True
        self.cancel()
        for thread in self._threads:
            thread.join(timeout=_JOIN_AT_CLOSE_S)
        self._threads.clear()

    # -- the worker thread ---------------------------------------------------------------------------

    def _read(self, load: _Load, path: Path, read_only: bool) -> None:
        result: Conversation | Exception
        try:
            db = open_reader(path, read_only)
        except (sqlite3.Error, OSError) as error:
            deliver(self, self._arrived, load, error)
            return
        try:
            with load.lock:
                if load.dropped:
                    return
                load.db = db
            result = read_conversation(db, load.conversation_id)
        except Exception as error:  # shown as a sentence in the window (or dropped with the load)
            result = error
        finally:
            with load.lock:
                load.db = None
            db.close()
        deliver(self, self._arrived, load, result)

    # -- the GUI thread ------------------------------------------------------------------------------

    def _read_here(self, load: _Load) -> Conversation | Exception:
        try:
            return self._window.store.load(load.conversation_id)
        except Exception as error:
            return error

    def _arrived(self, load: _Load, result: Conversation | Exception) -> None:
        if load is not self._pending or self._closed:
            return  # superseded by a later choice: never shown
        self._pending = None
        self._end_notice()
        self._show(load, result)

    @reports_store_failure("open the conversation")
    def _show(self, load: _Load, result: Conversation | Exception) -> None:
        window = self._window
        if isinstance(result, Exception):
            window.sidebar.mark_current(window.conversation.id)
            if isinstance(result, KeyError):
                window.show_error("Could not open the conversation: it is no longer in the history.",
                                  retryable=False)
                return
            if isinstance(result, ValueError):  # a row no longer holding what was written: damage, as at startup
                raise StoreError(str(result), StoreProblemKind.CORRUPT) from result
            raise result  # a damaged page, an unreadable file: the same sentence as any history action's
        if not window.can_switch():  # a reply started while it was read
            window.sidebar.mark_current(window.conversation.id)
            return
        if load.title is not None:
            result.title = load.title
        window.show_conversation(result)
        if load.message_id is not None:
            window.chat.scroll_to_message(load.message_id, window.sidebar.search.text().strip())
        self.opened.emit(result.id)

    def cancel(self) -> None:
        """Another conversation came on screen another way (New, a branch, a delete): nothing being read replaces
        it."""
        load, self._pending = self._pending, None
        if load is not None:
            with load.lock:
                load.dropped = True
                if load.db is not None:
                    load.db.interrupt()  # its result would be ignored: stop reading now
        self._end_notice()

    def _show_notice(self) -> None:
        status = self._window.statusBar()
        # A message said since the open was asked for (an import's summary) is newer news: it stays.
        if self._pending is not None and status.currentMessage() in ("", self._pending.status_before):
            status.showMessage(OPENING_NOTICE)

    def _end_notice(self) -> None:
        self._notice.stop()
        status = self._window.statusBar()
        if status.currentMessage() == OPENING_NOTICE:
            status.clearMessage()

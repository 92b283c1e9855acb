"""Saves messages through the store and keeps every one whose save failed until a later save succeeds.

A failed save (full or read-only disk) is not dropped: the message stays pending, the next save writes it first
(in the same transaction), and a timer retries meanwhile, so a prompt whose save failed is on disk as soon as the
disk allows, before the reply that followed it is.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from bedrock_chat.core.conversation import Conversation, Message
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.core.store_errors import StoreError, describe_save_failure

log = logging.getLogger(__name__)

RETRY_INTERVAL_MS = 5000


class SaveTracker(QObject):
    save_failed = Signal(str)
    """A save failed (again); the sentence says why. Messages stay pending."""
    saves_recovered = Signal()
    """Everything that was pending is on disk now (after failures, or the first save of a read-only history)."""

    def __init__(self, store: ConversationStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        # Keyed by message id, in the order first seen: a reply saved every second stays one entry.
        self._pending: dict[str, tuple[Conversation, Message]] = {}
        self.reason: str | None = None  # why the last save failed, while anything is pending
        self._retry = QTimer(self)
        self._retry.setInterval(RETRY_INTERVAL_MS)
        self._retry.timeout.connect(self.retry)

    @property
    def unsaved(self) -> bool:
        return bool(self._pending)

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def unsaved_version(self, conversation: Conversation) -> Conversation:
        """The conversation as shown, if some of its messages are still pending: a copy loaded from disk lacks
        them, and continuing in it would save later turns at the positions the pending ones are due to take."""
        for pending, _ in self._pending.values():
            if pending.id == conversation.id:
                return pending
        return conversation

    def set_retry_interval(self, milliseconds: int) -> None:
        self._retry.setInterval(milliseconds)

    def save(self, conversation: Conversation, message: Message) -> bool:
        """Writes ``message`` and everything still pending; False (and pending) when the disk refuses."""
        self._pending[message.id] = (conversation, message)
        return self.retry()

    def retry(self) -> bool:
        if not self._pending:
            return True
        was_read_only = self.store.read_only
        try:
            self.store.save_messages(list(self._pending.values()))
        except (sqlite3.Error, OSError, StoreError) as error:  # never ends the session; the window says so
            reason = describe_save_failure(error, self.store.path)
            if reason != self.reason:  # a reply in flight retries every second: log each new reason once
                log.error("cannot save %d message(s): %s", len(self._pending), error)
            self.reason = reason
            if not self._retry.isActive():
                self._retry.start()
            self.save_failed.emit(self.reason)
            return False
        self._pending.clear()
        if self.reason is not None or was_read_only:  # a read-only history that just became writable counts too
            self.reason = None
            self._retry.stop()
            self.saves_recovered.emit()
        return True

    def stop(self) -> None:
        self._retry.stop()

    def rescue(self, folders: list[Path], also: list[Conversation] | None = None) -> list[Path]:
        """At close, with saves still failing: each affected conversation (and ``also``) as a JSON transcript in
        the first of ``folders`` that takes it (File › Import transcripts brings it back)."""
        from bedrock_chat.core.transfer import export_conversation, file_name

        conversations = {conversation.id: conversation for conversation in also or []}
        conversations.update({conversation.id: conversation for conversation, _ in self._pending.values()})
        written = []
        stamp = time.strftime("%Y%m%d-%H%M%S")
        taken: set[str] = set()  # two conversations with one title and ids that begin alike: never one name
        for conversation in conversations.values():
            stem = f"bedrock-chat-unsaved-{stamp}-{file_name(conversation.title, conversation.id)}"
            name, number = f"{stem}.json", 1
            while name.casefold() in taken:
                number += 1
                name = f"{stem}-{number}.json"
            taken.add(name.casefold())
            for folder in folders:
                try:
                    export_conversation(conversation, folder / name)
                except OSError:
                    continue
                written.append(folder / name)
                log.warning("saved the unsaved conversation “%s” as %s", conversation.title, folder / name)
                break
            else:
                log.error("could not keep the unsaved conversation “%s” anywhere", conversation.title)
        return written

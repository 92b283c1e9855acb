"""The conversation store: one SQLite file in WAL mode, opened (and upgraded, see ``store_schema``) with a guard
that turns every failure into a StoreError, and the changes the window makes to it, one transaction each.

Messages are upserted as they grow, so a reply in flight survives a crash. Rows are read and written by
``store_reading`` and ``store_writing``, which a worker uses through connections of its own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from bedrock_chat.core.attachment_rows import sweep_unused_blobs, with_stored_digests
from bedrock_chat.core.conversation import Conversation, Message, MessageState, utc_now
from bedrock_chat.core.store_errors import StoreError, StoreProblemKind, classify, describe_open_failure
from bedrock_chat.core.store_reading import (
    ConversationSummary,
    SearchHit,
    open_reader,
    read_conversation,
    read_summaries,
    search_messages,
)
from bedrock_chat.core.store_schema import SCHEMA_VERSION, migrate, schema_version
from bedrock_chat.core.store_transactions import immediate_transaction
from bedrock_chat.core.store_writing import fresh_import, upsert_conversation, upsert_message, with_new_ids

# PRAGMA quick_check reads every page: ~30 ms for 10 MB (20,000 messages) but ~250 ms for 54 MB, a visible delay
# at startup (bench/store_open.py). So only files up to this size are checked; a larger one is still read (the
# conversation list and the latest conversation) inside the same guard, and a later damaged read is reported.
QUICK_CHECK_MAX_BYTES = 16 * 1024 * 1024


class ConversationStore:
    """``read_only`` opens an existing file without writing to it (a read-only disk): the history shows, and
    a write first tries to reopen the file writable, so saving resumes once the folder is writable again."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        # Called before a read-only store reopens writable; raises StoreError to refuse (the window uses it to
        # take the folder's lock first, so two copies never both start writing once the folder is writable).
        self.before_reopening_writable: Callable[[], None] | None = None
        # One guard around everything that touches the file at startup: a damaged page, a read-only or full
        # disk surface here as a StoreError with its kind, never later as a bare sqlite3 error.
        try:
            self._db: sqlite3.Connection = self._connect_read_only() if read_only else self._connect()
            self._check()
            if not read_only:
                self._mark_interrupted()
        except StoreError:
            self._close_quietly()
            raise
        except (sqlite3.Error, OSError) as error:
            self._close_quietly()
            kind = classify(error, self.path)
            raise StoreError(describe_open_failure(kind, error, self.path), kind) from error

    def _connect(self) -> sqlite3.Connection:
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    def _connect_read_only(self) -> sqlite3.Connection:
        if not self.path.is_file():
            raise sqlite3.OperationalError("unable to open database file")
        db = open_reader(self.path, read_only=True)
        version = schema_version(db)
        if version != SCHEMA_VERSION:
            db.close()
            raise StoreError(f"The conversation database {self.path} has schema {version} and its folder is "
                             "read-only, so it cannot be upgraded; make the folder writable.",
                             StoreProblemKind.READ_ONLY if version < SCHEMA_VERSION
                             else StoreProblemKind.NEWER_SCHEMA)
        return db

    def _check(self) -> None:
        """PRAGMA quick_check where it is cheap; a larger file gets a read of the conversations table here and of
        the latest conversation in ``history_open``, inside the same guard."""
        db = self._db
        try:
            size = self.path.stat().st_size
        except (OSError, ValueError):
            size = 0
        if 0 < size <= QUICK_CHECK_MAX_BYTES:
            problems = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
            if problems != ["ok"]:
                raise StoreError(describe_open_failure(StoreProblemKind.CORRUPT,
                                                       sqlite3.DatabaseError(problems[0]), self.path))
        db.execute("SELECT COUNT(*) FROM conversations").fetchone()

    def _close_quietly(self) -> None:
        db = getattr(self, "_db", None)  # absent when the first connect failed
        if db is not None:
            with suppress(sqlite3.Error):
                db.close()

    def close(self) -> None:
        self._close_quietly()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            self._reopen_writable()
        with immediate_transaction(self._db) as db:
            yield db

    def _reopen_writable(self) -> None:
        """Raises StoreError (READ_ONLY, FULL, BUSY) while writing is still refused; swaps connections once not."""
        if self.before_reopening_writable is not None:
            self.before_reopening_writable()
        writable = ConversationStore(self.path)  # raises StoreError (with its kind) while still read-only
        self._close_quietly()
        self._db = writable._db
        self.read_only = False

    @property
    def schema_version(self) -> int:
        return schema_version(self._db)

    def _mark_interrupted(self) -> None:
        with self._transaction() as db:
            db.execute("UPDATE messages SET state = ? WHERE state = ?",
                       (MessageState.INTERRUPTED.value, MessageState.STREAMING.value))

    # -- writing ----------------------------------------------------------------------------------

    def save_conversation(self, conversation: Conversation) -> None:
        """Writes the conversation and all its messages in one transaction."""
        with self._transaction() as db:
            upsert_conversation(db, conversation)
            for position, message in enumerate(conversation.messages):
                upsert_message(db, conversation.id, position, message)

    def save_message(self, conversation: Conversation, message: Message) -> None:
        """Writes one message (a new prompt, or a reply as it grows) and touches its conversation."""
        position = next(index for index, item in enumerate(conversation.messages) if item is message)
        with self._transaction() as db:
            upsert_conversation(db, conversation)
            upsert_message(db, conversation.id, position, message)

    def save_messages(self, items: list[tuple[Conversation, Message]]) -> None:
        """Writes several messages (those whose earlier save failed, then the new one) in one transaction.
        A message no longer part of its conversation is skipped."""
        with self._transaction() as db:
            touched: set[str] = set()
            for conversation, message in items:
                position = next((index for index, item in enumerate(conversation.messages) if item is message),
                                None)
                if position is None:
                    continue
                if conversation.id not in touched:
                    upsert_conversation(db, conversation)
                    touched.add(conversation.id)
                upsert_message(db, conversation.id, position, message)

    def rename(self, conversation_id: str, title: str) -> None:
        with self._transaction() as db:
            db.execute("UPDATE conversations SET title = ? WHERE id = ?",
                       (title.strip() or "Untitled", conversation_id))

    def set_pinned(self, conversation_id: str, pinned: bool) -> None:
        with self._transaction() as db:
            db.execute("UPDATE conversations SET pinned = ? WHERE id = ?", (int(pinned), conversation_id))

    def delete(self, conversation_id: str) -> None:
        """Hides the conversation; ``restore`` brings it back until ``purge_deleted`` removes it for good."""
        with self._transaction() as db:
            db.execute("UPDATE conversations SET deleted_at = ? WHERE id = ?", (utc_now(), conversation_id))

    def restore(self, conversation_id: str) -> None:
        with self._transaction() as db:
            db.execute("UPDATE conversations SET deleted_at = NULL WHERE id = ?", (conversation_id,))

    def purge_deleted(self) -> int:
        """At close: deleted conversations go for good, and with them staged attachment bytes nothing names."""
        with self._transaction() as db:
            purged = db.execute("DELETE FROM conversations WHERE deleted_at IS NOT NULL").rowcount
            sweep_unused_blobs(db)
            return purged

    def duplicate(self, conversation_id: str, upto_message: str | None = None,
                  title: str | None = None) -> Conversation:
        """A copy with fresh ids, optionally only up to (not including) one message: a branch point."""
        return self.save_copy(self.load(conversation_id), upto_message, title)

    def save_copy(self, source: Conversation, upto_message: str | None = None,
                  title: str | None = None) -> Conversation:
        """``duplicate`` of a conversation already in memory (the one on screen, just saved), without reading it
        back. The copy's rows only name attachment bytes stored apart (as attaching, an import or the background
        pass stores them); a row that still carries its bytes itself is written again."""
        messages = source.messages
        if upto_message is not None:
            cut = next((index for index, message in enumerate(messages) if message.id == upto_message), len(messages))
            messages = messages[:cut]
        self.name_stored_attachments(source)  # on screen since before the pass: its rows may name them by now
        copy = Conversation(title=title or f"{source.title} (copy)", messages=with_new_ids(messages))
        self.save_conversation(copy)
        return copy

    def name_stored_attachments(self, conversation: Conversation) -> None:
        """Gives the attachments of a conversation in memory the digests their saved rows name now (it was read
        before the background pass moved their bytes apart), so a branch, or a prompt sent again with them, names
        those bytes instead of writing them again. Reads only small rows: those whose bytes are apart."""
        for message in conversation.messages:
            if message.attachments:
                message.attachments = with_stored_digests(self._db, message.id, message.attachments)

    def import_conversation(self, conversation: Conversation) -> Conversation:
        """Stores an imported transcript as a new conversation: fresh message ids always, and a fresh
        conversation id when the file's is taken, so an import can never change what is already here."""
        with self._transaction() as db:
            fresh = fresh_import(db, conversation)
            upsert_conversation(db, fresh)
            for position, message in enumerate(fresh.messages):
                upsert_message(db, fresh.id, position, message)
        return fresh

    # -- reading ----------------------------------------------------------------------------------

    @property
    def background_writable(self) -> bool:
        """Whether ``import_in_background`` may write this store's file through a second connection: not for an
        in-memory store (another connection would not see it), nor for one opened read-only (its writes must go
        through ``_transaction``, which reopens it writable only after the folder's lock is taken)."""
        return str(self.path) != ":memory:" and not self.read_only

    def summaries(self) -> list[ConversationSummary]:
        return read_summaries(self._db)

    def load(self, conversation_id: str) -> Conversation:
        return read_conversation(self._db, conversation_id)

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        return search_messages(self._db, text, limit)

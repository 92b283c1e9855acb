"""The conversation store: SQLite in WAL mode, a versioned schema with migrations, full-text search (FTS5).

One transaction per change. Messages are upserted as they grow, so a reply in flight survives a crash.
"""

from __future__ import annotations

import json
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bedrock_chat.core.attachment_rows import load_attachments, save_attachments, sweep_unused_blobs
from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role, new_id, utc_now
from bedrock_chat.core.reasoning import ReasoningBlock, blocks_from_list, blocks_to_list
from bedrock_chat.core.store_errors import StoreProblemKind, classify, describe_open_failure

HIGHLIGHT_START, HIGHLIGHT_END = "\x02", "\x03"

_V1 = """
CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    reasoning TEXT NOT NULL DEFAULT '',
    model_id TEXT,
    api TEXT,
    parameters TEXT,
    stats TEXT,
    state TEXT NOT NULL,
    error TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX messages_by_conversation ON messages(conversation_id, position);
"""

_V2 = """
ALTER TABLE conversations ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN deleted_at TEXT;
CREATE INDEX conversations_by_update ON conversations(pinned DESC, updated_at DESC);
CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='rowid');
INSERT INTO messages_fts(rowid, text) SELECT rowid, text FROM messages;
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO messages_fts(rowid, text) VALUES (new.rowid, new.text);
END;
"""

# Compare mode: the answers of one compare turn share a group; those not kept are alternatives (not sent back).
_V3 = """
ALTER TABLE messages ADD COLUMN compare_group TEXT;
ALTER TABLE messages ADD COLUMN alternative INTEGER NOT NULL DEFAULT 0;
"""

# Reasoning blocks as the model signed them (JSON list), sent back unchanged on later turns.
_V4_REASONING_BLOCKS = """
ALTER TABLE messages ADD COLUMN reasoning_blocks TEXT;
"""

# Attachments are stored as bytes with their message (a path could vanish before the next turn resends them),
# in a table of their own so growing replies never rewrite them and old databases gain it empty.
_V5_ATTACHMENTS = """
CREATE TABLE attachments (
    message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    format TEXT NOT NULL,
    name TEXT NOT NULL,
    width INTEGER,
    height INTEGER,
    data BLOB NOT NULL,
    PRIMARY KEY (message_id, position)
);
"""

# Attachment bytes staged when the file is attached (by a worker, through its own connection), named by their
# SHA-256 from the attachment row, so sending a prompt writes only small rows. Rows from before keep their bytes.
_V6_STAGED_ATTACHMENTS = """
CREATE TABLE attachment_blobs (
    digest TEXT PRIMARY KEY,
    data BLOB NOT NULL
);
ALTER TABLE attachments ADD COLUMN blob TEXT;
CREATE INDEX attachments_by_blob ON attachments(blob) WHERE blob IS NOT NULL;
"""

# Versioned: migration N brings a database from user_version N to N + 1. Only ever append (one entry per change,
# each branch's in the order it reached main); never edit one that has shipped, so every old database opens.
MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4_REASONING_BLOCKS, _V5_ATTACHMENTS, _V6_STAGED_ATTACHMENTS)
SCHEMA_VERSION = len(MIGRATIONS)
# PRAGMA quick_check reads every page: ~30 ms for 10 MB (20,000 messages) but ~250 ms for 54 MB, a visible delay
# at startup (bench/store_open.py). So only files up to this size are checked; a larger one is still read (the
# conversation list and the latest conversation) inside the same guard, and a later damaged read is reported.
QUICK_CHECK_MAX_BYTES = 16 * 1024 * 1024


class StoreError(RuntimeError):
    """The database cannot be used (damaged, read-only, full, newer schema); the message says what to do."""

    def __init__(self, message: str, kind: StoreProblemKind = StoreProblemKind.CORRUPT) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class ConversationSummary:
    id: str
    title: str
    created_at: str
    updated_at: str
    pinned: bool
    model_id: str | None
    message_count: int


@dataclass(frozen=True)
class SearchHit:
    conversation_id: str
    message_id: str
    title: str
    role: Role
    snippet: str  # matched words wrapped in HIGHLIGHT_START / HIGHLIGHT_END


def fts_query(text: str) -> str | None:
    """A user's words as an FTS5 query: every word must match, the last one as a prefix."""
    words = [word.replace('"', '""') for word in text.split() if any(ch.isalnum() for ch in word)]
    if not words:
        return None
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _json_or_none(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _blocks_json(message: Message) -> str | None:
    return json.dumps(blocks_to_list(message.reasoning_blocks)) if message.reasoning_blocks else None


def _blocks_loaded(raw: str | None) -> list[ReasoningBlock]:
    """A damaged column loses only the blocks (the next turn is sent without them), never the conversation."""
    if not raw:
        return []
    try:
        return blocks_from_list(json.loads(raw))
    except ValueError:
        return []


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
            self._db = db
            self._migrate()
        except BaseException:
            db.close()
            raise
        return db

    def _connect_read_only(self) -> sqlite3.Connection:
        if not self.path.is_file():
            raise sqlite3.OperationalError("unable to open database file")
        # A WAL database cannot be opened with mode=ro on a read-only mount (SQLite must create the -shm
        # file); immutable=1 reads the main file as it is, which after a clean close holds everything.
        uri = f"file:{urllib.parse.quote(str(self.path))}?immutable=1"
        db = sqlite3.connect(uri, uri=True, isolation_level=None)
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
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
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        try:
            db.execute("COMMIT")
        except BaseException:
            # A COMMIT that fails (disk full) can leave the transaction open; end it so the next save starts clean.
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

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
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(f"The conversation database was written by a newer bedrock-chat (schema {version}); "
                             "update bedrock-chat to open it.", StoreProblemKind.NEWER_SCHEMA)
        for number in range(version, SCHEMA_VERSION):
            with self._transaction() as db:
                for statement in _statements(MIGRATIONS[number]):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number + 1}")

    def _mark_interrupted(self) -> None:
        with self._transaction() as db:
            db.execute("UPDATE messages SET state = ? WHERE state = ?",
                       (MessageState.INTERRUPTED.value, MessageState.STREAMING.value))

    # -- writing ----------------------------------------------------------------------------------

    def save_conversation(self, conversation: Conversation) -> None:
        """Writes the conversation and all its messages in one transaction."""
        with self._transaction() as db:
            self._upsert_conversation(db, conversation)
            for position, message in enumerate(conversation.messages):
                self._upsert_message(db, conversation.id, position, message)

    def save_message(self, conversation: Conversation, message: Message) -> None:
        """Writes one message (a new prompt, or a reply as it grows) and touches its conversation."""
        position = next(index for index, item in enumerate(conversation.messages) if item is message)
        with self._transaction() as db:
            self._upsert_conversation(db, conversation)
            self._upsert_message(db, conversation.id, position, message)

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
                    self._upsert_conversation(db, conversation)
                    touched.add(conversation.id)
                self._upsert_message(db, conversation.id, position, message)

    @staticmethod
    def _upsert_conversation(db: sqlite3.Connection, conversation: Conversation) -> None:
        db.execute(
            "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET title = excluded.title, updated_at = excluded.updated_at",
            (conversation.id, conversation.title, conversation.created_at, utc_now()),
        )

    @staticmethod
    def _upsert_message(db: sqlite3.Connection, conversation_id: str, position: int, message: Message) -> None:
        db.execute(
            "INSERT INTO messages (id, conversation_id, position, role, text, reasoning, model_id, api, parameters,"
            " stats, state, error, created_at, finished_at, compare_group, alternative, reasoning_blocks)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET position = excluded.position, text = excluded.text,"
            " reasoning = excluded.reasoning, parameters = excluded.parameters, stats = excluded.stats,"
            " state = excluded.state, error = excluded.error, finished_at = excluded.finished_at,"
            " alternative = excluded.alternative, reasoning_blocks = excluded.reasoning_blocks",
            (message.id, conversation_id, position, message.role.value, message.text, message.reasoning,
             message.model_id, message.api, _json_or_none(message.parameters), _json_or_none(message.stats),
             message.state.value, message.error, message.created_at, message.finished_at, message.compare_group,
             int(message.alternative), _blocks_json(message)),
        )
        if message.attachments:  # a prompt's attachments never change; replies (which grow) have none
            save_attachments(db, message.id, message.attachments)

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
        source = self.load(conversation_id)
        messages = source.messages
        if upto_message is not None:
            cut = next((index for index, message in enumerate(messages) if message.id == upto_message), len(messages))
            messages = messages[:cut]
        copy = Conversation(title=title or f"{source.title} (copy)", messages=_with_new_ids(messages))
        self.save_conversation(copy)
        return copy

    # -- reading ----------------------------------------------------------------------------------

    def import_conversation(self, conversation: Conversation) -> Conversation:
        """Stores an imported transcript as a new conversation: fresh message ids always, and a fresh
        conversation id when the file's is taken, so an import can never change what is already here."""
        with self._transaction() as db:
            fresh = _fresh_import(db, conversation)
            self._upsert_conversation(db, fresh)
            for position, message in enumerate(fresh.messages):
                self._upsert_message(db, fresh.id, position, message)
        return fresh

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
        query = fts_query(text)
        if query is None:
            return []
        rows = self._db.execute(
            "SELECT m.conversation_id, m.id, c.title, m.role,"
            f" snippet(messages_fts, 0, '{HIGHLIGHT_START}', '{HIGHLIGHT_END}', '…', 12)"
            " FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid"
            " JOIN conversations c ON c.id = m.conversation_id"
            # Newest first: FTS5 walks rowids in order and stops at the limit, where ranking would score
            # every match (hundreds of milliseconds for a common word over 200,000 messages).
            " WHERE messages_fts MATCH ? AND c.deleted_at IS NULL ORDER BY messages_fts.rowid DESC LIMIT ?",
            (query, limit),
        ).fetchall()
        return [SearchHit(row[0], row[1], row[2], Role(row[3]), row[4]) for row in rows]


def read_summaries(db: sqlite3.Connection) -> list[ConversationSummary]:
    """The conversation list, through any connection (the store's, or a worker's ``open_reader``)."""
    rows = db.execute(
        "SELECT c.id, c.title, c.created_at, c.updated_at, c.pinned,"
        " (SELECT model_id FROM messages m WHERE m.conversation_id = c.id AND m.model_id IS NOT NULL"
        "  ORDER BY position DESC LIMIT 1),"
        " (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id)"
        " FROM conversations c WHERE c.deleted_at IS NULL ORDER BY c.pinned DESC, c.updated_at DESC"
    ).fetchall()
    return [ConversationSummary(row[0], row[1], row[2], row[3], bool(row[4]), row[5], row[6]) for row in rows]


def read_conversation(db: sqlite3.Connection, conversation_id: str) -> Conversation:
    """One conversation, through any connection. KeyError when there is none of this id; a damaged row raises
    ValueError (or sqlite3.DatabaseError for a damaged page)."""
    head = db.execute("SELECT title, created_at FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
    if head is None:
        raise KeyError(conversation_id)
    rows = db.execute(
        "SELECT id, role, text, reasoning, model_id, api, parameters, stats, state, error, created_at,"
        " finished_at, compare_group, alternative, reasoning_blocks FROM messages WHERE conversation_id = ?"
        " ORDER BY position",
        (conversation_id,)
    ).fetchall()
    messages = [
        Message(role=Role(row[1]), text=row[2], id=row[0], reasoning=row[3], model_id=row[4], api=row[5],
                parameters=json.loads(row[6]) if row[6] else None, stats=json.loads(row[7]) if row[7] else None,
                state=MessageState(row[8]), error=row[9], created_at=row[10], finished_at=row[11],
                compare_group=row[12], alternative=bool(row[13]), reasoning_blocks=_blocks_loaded(row[14]))
        for row in rows
    ]
    attached = load_attachments(db, conversation_id)
    for message in messages:
        message.attachments = attached.get(message.id, ())
    return Conversation(title=head[0], id=conversation_id, created_at=head[1], messages=messages)


def open_reader(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """A connection of its own for reading on a worker thread (a connection belongs to the thread that opened
    it). ``read_only``: the store was opened read-only, so the file is read as it is, like the store reads it."""
    if read_only:
        return sqlite3.connect(f"file:{urllib.parse.quote(str(path))}?immutable=1", uri=True, isolation_level=None)
    return sqlite3.connect(f"file:{urllib.parse.quote(str(path))}?mode=ro", uri=True, isolation_level=None,
                           timeout=30)


def _fresh_import(db: sqlite3.Connection, conversation: Conversation) -> Conversation:
    taken = db.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation.id,)).fetchone()
    return Conversation(title=conversation.title, id=new_id() if taken else conversation.id,
                        created_at=conversation.created_at, messages=_with_new_ids(conversation.messages))


@contextmanager
def _immediate(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


IMPORT_BATCH_CHARS = 2_000_000


def import_in_background(path: Path, conversation: Conversation, progress: Callable[[float], None] | None = None,
                         cancelled: Callable[[], bool] | None = None) -> Conversation | None:
    """Stores an imported conversation through its own connection, for a worker thread (a 50 MB transcript
    takes seconds to index). Like ``import_conversation`` it always gets fresh ids. It stays hidden (as if
    deleted, so a close purges a half-written one) until its last message is in, and is written in batches
    so the window's own saves never wait long for the lock. Returns None when cancelled, leaving nothing."""
    db = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        with _immediate(db):
            fresh = _fresh_import(db, conversation)
            ConversationStore._upsert_conversation(db, fresh)
            db.execute("UPDATE conversations SET deleted_at = ? WHERE id = ?", (utc_now(), fresh.id))
        position, total = 0, max(1, len(fresh.messages))
        while position < len(fresh.messages):
            if cancelled is not None and cancelled():
                with _immediate(db):
                    db.execute("DELETE FROM conversations WHERE id = ?", (fresh.id,))
                return None
            with _immediate(db):
                size = 0
                while position < len(fresh.messages) and size < IMPORT_BATCH_CHARS:
                    message = fresh.messages[position]
                    ConversationStore._upsert_message(db, fresh.id, position, message)
                    size += len(message.text) + len(message.reasoning) + 200 + \
                        sum(item.size for item in message.attachments)
                    position += 1
            if progress is not None:
                progress(position / total)
        with _immediate(db):
            db.execute("UPDATE conversations SET deleted_at = NULL, updated_at = ? WHERE id = ?", (utc_now(), fresh.id))
        return fresh
    finally:
        db.close()


def _with_new_ids(messages: list[Message]) -> list[Message]:
    return [Message(**{**message.__dict__, "id": new_id()}) for message in messages]


def _statements(script: str) -> list[str]:
    """Splits a migration into statements, keeping trigger bodies whole."""
    statements, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        joined = "\n".join(current).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            statements.append(joined)
            current = []
    return statements


"""The conversation store's schema: one migration per version, applied in order when a file is opened."""

from __future__ import annotations

import sqlite3

from bedrock_chat.core.store_errors import StoreError, StoreProblemKind
from bedrock_chat.core.store_transactions import immediate_transaction

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


def schema_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection) -> None:
    """Brings the file up to ``SCHEMA_VERSION``, one transaction per migration; refuses a newer file."""
    version = schema_version(db)
    if version > SCHEMA_VERSION:
        raise StoreError(f"The conversation database was written by a newer bedrock-chat (schema {version}); "
                         "update bedrock-chat to open it.", StoreProblemKind.NEWER_SCHEMA)
    for number in range(version, SCHEMA_VERSION):
        with immediate_transaction(db):
            for statement in migration_statements(MIGRATIONS[number]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {number + 1}")


def migration_statements(script: str) -> list[str]:
    """Splits a migration into statements, keeping trigger bodies whole."""
    statements, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        joined = "\n".join(current).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            statements.append(joined)
            current = []
    return statements

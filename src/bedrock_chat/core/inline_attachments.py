"""Moving attachment bytes still held in their own rows (rows written before schema 6) into ``attachment_blobs``,
for a worker thread after the history opens, so a branch or a duplicate of an older conversation names its
images instead of writing them again.

Each batch is one short transaction through the worker's own connection (the window's saves never wait long for
the lock), and a row is switched to its blob only in the transaction that stored the bytes: stopped at any point
(a close, a crash), every row still holds or names its bytes, and the next run goes on where this one stopped.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

from bedrock_chat.core.store_transactions import immediate_transaction, open_writer

# About one large image per transaction: writing it takes tens of milliseconds, the longest a save then waits.
BATCH_BYTES = 4_000_000


def move_inline_attachments(database: Path, cancelled: Callable[[], bool] | None = None,
                            batch_bytes: int = BATCH_BYTES) -> int:
    """Moves every attachment row's own bytes into ``attachment_blobs``, a batch per transaction, checking
    ``cancelled`` between batches; returns how many rows now name their bytes. Rows whose bytes are not a
    non-empty blob (an edited or damaged database) are left as they are, for the reader's checks to judge.
    Raises sqlite3.Error or OSError when the file refuses (a full disk: the rows left are moved another time)."""
    db = open_writer(database)
    moved, after = 0, 0
    try:
        while cancelled is None or not cancelled():
            with immediate_transaction(db):
                after, count = _move_batch(db, after, batch_bytes)
            if count == 0:
                break
            moved += count
    finally:
        db.close()
    return moved


def _move_batch(db: sqlite3.Connection, after: int, batch_bytes: int) -> tuple[int, int]:
    """Moves rows after rowid ``after`` until ``batch_bytes`` are moved or none is left; returns the last rowid
    moved and how many were. (A row the window writes meanwhile gets a higher rowid, so a later batch sees it.)"""
    count, size = 0, 0
    while size < batch_bytes:
        row = db.execute("SELECT rowid, data FROM attachments WHERE rowid > ? AND blob IS NULL"
                         " AND typeof(data) = 'blob' AND length(data) > 0 ORDER BY rowid LIMIT 1",
                         (after,)).fetchone()
        if row is None:
            break
        after, data = int(row[0]), bytes(row[1])
        digest = hashlib.sha256(data).hexdigest()
        db.execute("INSERT OR IGNORE INTO attachment_blobs (digest, data) VALUES (?, ?)", (digest, data))
        db.execute("UPDATE attachments SET blob = ?, data = x'' WHERE rowid = ?", (digest, after))
        count, size = count + 1, size + len(data)
    return after, count

"""How the conversation store's file is written: one shape of transaction for every writer, and the connection a
worker opens of its own to write beside the window's store (a connection belongs to the thread that opened it)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def immediate_transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE (the write lock up front, so a busy file fails here, not halfway) ... COMMIT.

    On failure it rolls back only a transaction still open: SQLite ends one itself on some errors (a full disk),
    and a second ROLLBACK would then hide the error that says what happened."""
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
        # A COMMIT that fails (disk full) can leave the transaction open; end it so the next write starts clean.
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def open_writer(path: Path) -> sqlite3.Connection:
    """A worker's own connection for writing: it waits up to 30 s for the window's writes to finish, and every
    commit is on disk before it returns (synchronous=FULL), as with the store's own connection."""
    db = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
    except BaseException:
        db.close()
        raise
    return db

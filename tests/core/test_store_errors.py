"""Each disk problem gets its own name and advice: errno and SQLite's result codes, then a look at the folder."""

from __future__ import annotations

import errno
import sqlite3

import pytest

from bedrock_chat.core.store_errors import StoreProblemKind, classify, describe_open_failure


def _sqlite_error(kind: type[sqlite3.Error], code: int) -> sqlite3.Error:
    error = kind("from SQLite")
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(("error", "kind"), [
    (OSError(errno.ENOSPC, "No space left on device"), StoreProblemKind.FULL),
    (OSError(errno.EROFS, "Read-only file system"), StoreProblemKind.READ_ONLY),
    (OSError(errno.EACCES, "Permission denied"), StoreProblemKind.READ_ONLY),
    (_sqlite_error(sqlite3.OperationalError, 13), StoreProblemKind.FULL),  # SQLITE_FULL
    (_sqlite_error(sqlite3.OperationalError, 8 | (3 << 8)), StoreProblemKind.READ_ONLY),  # READONLY_DBMOVED
    (_sqlite_error(sqlite3.DatabaseError, 11), StoreProblemKind.CORRUPT),  # SQLITE_CORRUPT
    (_sqlite_error(sqlite3.DatabaseError, 26), StoreProblemKind.CORRUPT),  # SQLITE_NOTADB
    (_sqlite_error(sqlite3.OperationalError, 5), StoreProblemKind.BUSY),
    (_sqlite_error(sqlite3.OperationalError, 14), StoreProblemKind.CANNOT_OPEN),  # CANTOPEN, writable folder
])
def test_errors_are_told_apart(tmp_path, error, kind):
    assert classify(error, tmp_path / "conversations.sqlite3") is kind


def test_advice_fits_the_problem(tmp_path):
    path = tmp_path / "conversations.sqlite3"
    read_only = describe_open_failure(StoreProblemKind.READ_ONLY, OSError(errno.EROFS, "Read-only file system"),
                                      path)
    assert "is read-only (Read-only file system)" in read_only and "--data-dir" in read_only
    assert "damaged" not in read_only and "aside" not in read_only
    full = describe_open_failure(StoreProblemKind.FULL, _sqlite_error(sqlite3.OperationalError, 13), path)
    assert "is full" in full and "Free some disk space" in full
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    in_the_way = describe_open_failure(StoreProblemKind.CANNOT_OPEN, OSError(errno.EEXIST, "File exists"),
                                       blocker / "conversations.sqlite3")
    assert "is a file, not a folder" in in_the_way

"""What went wrong with the history on disk, in words a person can act on.

A full disk, a read-only folder and a damaged file need different advice; SQLite's result codes and the
OS's errno tell them apart, and a look at the folder itself settles the cases SQLite reports vaguely
(it says "unable to open database file" for a read-only mount and for a missing folder alike).
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from enum import Enum
from pathlib import Path

# SQLite primary result codes (https://www.sqlite.org/rescode.html); extended codes keep these in the low byte.
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 10, 11, 13, 14, 26
_SQLITE_AUTH = 23
# Below this much free space a failing write is put down to a full disk even if SQLite only said "I/O error".
_NEARLY_FULL_BYTES = 64 * 1024


class StoreProblemKind(Enum):
    CORRUPT = "corrupt"
    READ_ONLY = "read-only"
    FULL = "full"
    CANNOT_OPEN = "cannot-open"
    BUSY = "busy"
    NEWER_SCHEMA = "newer-schema"


class StoreError(RuntimeError):
    """The database cannot be used (damaged, read-only, full, newer schema); the message says what to do."""

    def __init__(self, message: str, kind: StoreProblemKind = StoreProblemKind.CORRUPT) -> None:
        super().__init__(message)
        self.kind = kind


def folder_is_read_only(folder: Path) -> bool:
    """A read-only mount, or a folder this user may not write to (root ignores permissions, not mounts)."""
    probe = _existing_ancestor(folder)
    if hasattr(os, "statvfs"):  # POSIX: the mount's own flag
        try:
            if os.statvfs(probe).f_flag & os.ST_RDONLY:
                return True
        except OSError:
            return False
    return not os.access(probe, os.W_OK)


def folder_is_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(_existing_ancestor(folder)).free < _NEARLY_FULL_BYTES
    except OSError:
        return False


def _existing_ancestor(folder: Path) -> Path:
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate
    return folder


def _is_a_file(folder: Path) -> bool:
    return any(candidate.exists() and not candidate.is_dir() for candidate in (folder, *folder.parents))


def classify(error: BaseException, path: Path) -> StoreProblemKind:
    """The kind of problem behind ``error`` from opening, reading or writing the database at ``path``."""
    folder = path.parent
    known = getattr(error, "kind", None)  # a StoreError already says what it is
    if isinstance(known, StoreProblemKind):
        return known
    if isinstance(error, OSError):
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            return StoreProblemKind.FULL
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM) or folder_is_read_only(folder):
            return StoreProblemKind.READ_ONLY
        return StoreProblemKind.CANNOT_OPEN
    if isinstance(error, sqlite3.Error):
        code = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
        if code == _SQLITE_FULL:
            return StoreProblemKind.FULL
        if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            return StoreProblemKind.CORRUPT
        if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return StoreProblemKind.BUSY
        if code in (_SQLITE_READONLY, _SQLITE_PERM, _SQLITE_AUTH):
            return StoreProblemKind.READ_ONLY
        if code in (_SQLITE_CANTOPEN, _SQLITE_IOERR):
            if folder_is_read_only(folder):
                return StoreProblemKind.READ_ONLY
            if folder_is_full(folder):
                return StoreProblemKind.FULL
            return StoreProblemKind.CANNOT_OPEN
        if isinstance(error, sqlite3.DatabaseError) and not isinstance(error, sqlite3.OperationalError):
            return StoreProblemKind.CORRUPT  # "file is not a database", "malformed": damage, not the disk
        if "decode to UTF-8" in str(error):
            return StoreProblemKind.CORRUPT  # a flipped bit in stored text: the pages are sound, the bytes not
        if folder_is_full(folder):
            return StoreProblemKind.FULL
        return StoreProblemKind.CANNOT_OPEN
    return StoreProblemKind.CANNOT_OPEN


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def describe_open_failure(kind: StoreProblemKind, error: BaseException, path: Path) -> str:
    folder = path.parent
    if kind is StoreProblemKind.READ_ONLY:
        return (f"The data folder {folder} is read-only ({_reason(error)}), so the conversation history cannot "
                "be saved there. Make it writable, or start with --data-dir pointing to a writable folder.")
    if kind is StoreProblemKind.FULL:
        return (f"The disk holding {folder} is full, so the conversation history cannot be saved. Free some "
                "disk space; saving resumes by itself.")
    if kind is StoreProblemKind.BUSY:
        return (f"The conversation database {path} is locked by another program ({_reason(error)}). Close it "
                "and start Bedrock Chat again.")
    if kind is StoreProblemKind.CORRUPT:
        return f"The conversation database {path} is damaged ({_reason(error)})."
    if _is_a_file(folder):
        return (f"The data folder {folder} is a file, not a folder, so the conversation history cannot be kept "
                "there. Start with --data-dir pointing to a folder.")
    return (f"The conversation database {path} cannot be opened ({_reason(error)}). Check that {folder} is a "
            "folder you can write to, or start with --data-dir pointing to another folder.")


def describe_save_failure(error: BaseException, path: Path) -> str:
    """One sentence for a failed save; the caller adds that it will be retried."""
    kind = classify(error, path)
    if kind is StoreProblemKind.FULL:
        return f"The disk holding {path.parent} is full. Free some disk space."
    if kind is StoreProblemKind.READ_ONLY:
        return f"The data folder {path.parent} is read-only. Make it writable."
    if kind is StoreProblemKind.BUSY:
        if getattr(error, "kind", None) is kind:
            return str(error)  # already says who holds it
        return "The conversation database is locked by another program."
    if kind is StoreProblemKind.CORRUPT:
        return f"The conversation database {path} is damaged ({_reason(error)}). Restart Bedrock Chat to set it aside."
    return f"The conversation database {path} cannot be used ({_reason(error)})."

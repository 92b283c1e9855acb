"""The attachments table of the conversation store: rows in and out, every stored value checked on the way out.

An attachment's bytes are either in its row (``data``) or, when they were staged as the file was attached, in
``attachment_blobs`` under their SHA-256, which the row names (``blob``). Staging runs on a worker through its own
connection, so sending a prompt with 75 MB of images writes only small rows on the GUI thread."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import sqlite3
from pathlib import Path

from bedrock_chat.core.attachments import Attachment, AttachmentError, AttachmentKind, display_name, make_attachment
from bedrock_chat.core.store_transactions import immediate_transaction, open_writer

log = logging.getLogger(__name__)


def save_attachments(db: sqlite3.Connection, message_id: str, attachments: tuple[Attachment, ...]) -> None:
    """Writes a prompt's attachment rows with its first save; later saves of the same prompt leave them as they
    are, since a prompt's attachments never change. So saving a conversation again (as a branch does first) never
    writes its images again, nor turns rows the background pass moved into ``attachment_blobs`` back inline."""
    if db.execute("SELECT 1 FROM attachments WHERE message_id = ? LIMIT 1", (message_id,)).fetchone():
        return
    staged = _staged(db, {item.digest for item in attachments if item.digest is not None})
    db.executemany(
        "INSERT INTO attachments (message_id, position, kind, format, name, width, height, data, blob)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(message_id, position, item.kind.value, item.format, item.name, item.width, item.height,
          b"" if item.digest in staged else item.data, item.digest if item.digest in staged else None)
         for position, item in enumerate(attachments)],
    )


def _staged(db: sqlite3.Connection, digests: set[str]) -> set[str]:
    """Those of ``digests`` whose bytes are in the store (checked in the writing transaction: a blob swept at a
    close, or never staged because the disk was full then, makes the row carry its bytes itself)."""
    if not digests:
        return set()
    marks = ", ".join("?" * len(digests))
    rows = db.execute(f"SELECT digest FROM attachment_blobs WHERE digest IN ({marks})", tuple(digests))
    return {str(row[0]) for row in rows}


def with_digest(attachment: Attachment) -> Attachment:
    """The attachment carrying the SHA-256 of its bytes, the name ``attachment_blobs`` stores them under (hashed
    before a transaction opens, so the lock is never held for it)."""
    if attachment.digest is not None:
        return attachment
    return dataclasses.replace(attachment, digest=hashlib.sha256(attachment.data).hexdigest())


def store_blobs(db: sqlite3.Connection, attachments: tuple[Attachment, ...]) -> None:
    """Puts the bytes of those ``attachments`` that carry a digest into ``attachment_blobs`` (bytes stored already
    under that digest are the same bytes, and stay), inside the caller's transaction."""
    db.executemany("INSERT OR IGNORE INTO attachment_blobs (digest, data) VALUES (?, ?)",
                   [(item.digest, item.data) for item in attachments if item.digest is not None])


def with_stored_digests(db: sqlite3.Connection, message_id: str,
                        attachments: tuple[Attachment, ...]) -> tuple[Attachment, ...]:
    """``attachments`` of a saved prompt, each carrying the digest its row names when it has none (read before the
    background pass moved that row's bytes apart), so a copy of the prompt names those bytes too. Rows whose
    bytes are apart are small, so this reads little; a row that does not match in size is left alone."""
    if all(item.digest is not None for item in attachments):
        return attachments
    named = {int(position): (str(blob), size) for position, blob, size in db.execute(
        # A row naming its bytes holds none itself (length(a.data) comes from the row's header, read cheaply).
        "SELECT a.position, a.blob, length(b.data) FROM attachments a JOIN attachment_blobs b ON b.digest = a.blob"
        " WHERE a.message_id = ? AND length(a.data) = 0", (message_id,))}
    return tuple(dataclasses.replace(item, digest=named[position][0])
                 if item.digest is None and named.get(position, ("", -1))[1] == item.size else item
                 for position, item in enumerate(attachments))


def stage_attachment(database: Path, attachment: Attachment) -> Attachment:
    """Stores an attachment's bytes ahead of the prompt that will carry them, for a worker thread; returns it
    with its ``digest``, which ``save_attachments`` then writes instead of the bytes. One short transaction, so
    the window's own saves never wait long for the lock. Raises sqlite3.Error or OSError when the disk refuses."""
    hashed = with_digest(attachment)
    db = open_writer(database)  # synchronous=FULL: on disk before the chip shows, as Send then relies on it
    try:
        with immediate_transaction(db):
            store_blobs(db, (hashed,))
    finally:
        db.close()
    return hashed


def sweep_unused_blobs(db: sqlite3.Connection) -> int:
    """Removes staged bytes no attachment names (files attached but never sent, or of purged conversations). A
    row and the bytes it names are always committed together (``store_blobs`` and the row in one transaction, or
    staged first), so this never takes bytes a committed row names."""
    return db.execute("DELETE FROM attachment_blobs WHERE digest NOT IN"
                      " (SELECT blob FROM attachments WHERE blob IS NOT NULL)").rowcount


def load_attachments(db: sqlite3.Connection, conversation_id: str) -> dict[str, tuple[Attachment, ...]]:
    """Each message's attachments, in order. A row that no longer passes the checks (an edited or damaged
    database, or one naming bytes that are gone) is left out and logged, never shown or sent as it is."""
    rows = db.execute(
        "SELECT a.message_id, a.kind, a.format, a.name, COALESCE(b.data, a.data), a.blob FROM attachments a"
        " JOIN messages m ON m.id = a.message_id LEFT JOIN attachment_blobs b ON b.digest = a.blob"
        " WHERE m.conversation_id = ? ORDER BY a.message_id, a.position",
        (conversation_id,),
    ).fetchall()
    found: dict[str, list[Attachment]] = {}
    for message_id, kind, fmt, name, data, blob in rows:
        try:
            attachment = attachment_from_row(kind, fmt, name, data, blob)
        except AttachmentError as error:
            log.warning("left out a stored attachment of message %s: %s", message_id, error)
            continue
        found.setdefault(message_id, []).append(attachment)
    return {message_id: tuple(items) for message_id, items in found.items()}


def attachment_from_row(kind: object, fmt: object, name: object, data: object, blob: object) -> Attachment:
    """An attachment from its stored row (``data`` being the bytes, whether in the row or named by ``blob``),
    through the checks of ``_checked``; AttachmentError, saying why, when it does not pass them."""
    if not isinstance(data, bytes | bytearray | memoryview) or not all(isinstance(value, str)
                                                                       for value in (kind, fmt, name)):
        raise AttachmentError("its row does not hold the values an attachment is stored as")
    if isinstance(blob, str) and not data:
        raise AttachmentError("its stored bytes are missing")
    try:
        attachment = _checked(str(kind), str(fmt), str(name), bytes(data))
    except (TypeError, ValueError) as error:  # AttachmentError is a ValueError
        raise AttachmentError(str(error)) from error
    if isinstance(blob, str):  # sent again (an edited prompt, a branch), it names the same stored bytes
        attachment = dataclasses.replace(attachment, digest=blob)
    return attachment


def _checked(kind: str, fmt: str, name: str, data: bytes) -> Attachment:
    """Rebuilt through the same checks as a new file: the format and size come from the bytes again, and the name
    is made safe to show again (an edited database could hold a path, control characters or a megabyte of it)."""
    shown = display_name(name)
    if kind == AttachmentKind.DOCUMENT.value:
        suffix = f".{fmt}"
        attachment = make_attachment(name if name.lower().endswith(suffix) else f"{name}{suffix}", data)
        return Attachment(attachment.kind, attachment.format, shown, attachment.data)
    attachment = make_attachment(name, data)
    return Attachment(attachment.kind, attachment.format, shown, attachment.data, attachment.width, attachment.height)

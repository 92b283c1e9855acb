"""The attachments table of the conversation store: rows in and out, every stored value checked on the way out."""

from __future__ import annotations

import logging
import sqlite3

from bedrock_chat.core.attachments import Attachment, AttachmentError, AttachmentKind, display_name, make_attachment

log = logging.getLogger(__name__)


def save_attachments(db: sqlite3.Connection, message_id: str, attachments: tuple[Attachment, ...]) -> None:
    db.execute("DELETE FROM attachments WHERE message_id = ?", (message_id,))
    db.executemany(
        "INSERT INTO attachments (message_id, position, kind, format, name, width, height, data)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(message_id, position, item.kind.value, item.format, item.name, item.width, item.height, item.data)
         for position, item in enumerate(attachments)],
    )


def load_attachments(db: sqlite3.Connection, conversation_id: str) -> dict[str, tuple[Attachment, ...]]:
    """Each message's attachments, in order. A row that no longer passes the checks (an edited or damaged
    database) is left out and logged, never shown or sent as it is."""
    rows = db.execute(
        "SELECT a.message_id, a.kind, a.format, a.name, a.data FROM attachments a"
        " JOIN messages m ON m.id = a.message_id WHERE m.conversation_id = ? ORDER BY a.message_id, a.position",
        (conversation_id,),
    ).fetchall()
    found: dict[str, list[Attachment]] = {}
    for message_id, kind, fmt, name, data in rows:
        try:
            attachment = _checked(str(kind), str(fmt), str(name), bytes(data))
        except (AttachmentError, TypeError, ValueError) as error:
            log.warning("left out a stored attachment of message %s: %s", message_id, error)
            continue
        found.setdefault(message_id, []).append(attachment)
    return {message_id: tuple(items) for message_id, items in found.items()}


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

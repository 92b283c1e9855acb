"""Reading the conversation store through any connection: the store's own, or one a worker opens with
``open_reader`` (the conversation list, one conversation, full-text search)."""

from __future__ import annotations

import json
import sqlite3
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bedrock_chat.core.attachment_rows import load_attachments
from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role
from bedrock_chat.core.reasoning import ReasoningBlock, blocks_from_list

HIGHLIGHT_START, HIGHLIGHT_END = "\x02", "\x03"


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


def open_reader(path: Path, read_only: bool = False) -> sqlite3.Connection:
    """A connection of its own for reading on a worker thread (a connection belongs to the thread that opened
    it). ``read_only``: the store was opened read-only, so the file is read as it is, like the store reads it."""
    if read_only:
        # A WAL database cannot be opened with mode=ro on a read-only mount (SQLite must create the -shm
        # file); immutable=1 reads the main file as it is, which after a clean close holds everything.
        return sqlite3.connect(f"file:{urllib.parse.quote(str(path))}?immutable=1", uri=True, isolation_level=None)
    return sqlite3.connect(f"file:{urllib.parse.quote(str(path))}?mode=ro", uri=True, isolation_level=None,
                           timeout=30)


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


# A message row's columns, in the order ``message_from_row`` reads them. Those added by later schema versions
# have the value a row of an older file stands for, so a salvage of any version decodes rows as this reader does.
MESSAGE_COLUMNS = ("id", "role", "text", "reasoning", "model_id", "api", "parameters", "stats", "state", "error",
                   "created_at", "finished_at", "compare_group", "alternative", "reasoning_blocks")
LATER_MESSAGE_COLUMNS = {"reasoning": "''", "compare_group": "NULL", "alternative": "0", "reasoning_blocks": "NULL"}


def read_conversation(db: sqlite3.Connection, conversation_id: str) -> Conversation:
    """One conversation, through any connection. KeyError when there is none of this id; a damaged row raises
    ValueError (or sqlite3.DatabaseError for a damaged page)."""
    head = db.execute("SELECT title, created_at, pinned FROM conversations WHERE id = ?",
                      (conversation_id,)).fetchone()
    if head is None:
        raise KeyError(conversation_id)
    rows = db.execute(
        f"SELECT {', '.join(MESSAGE_COLUMNS)} FROM messages WHERE conversation_id = ? ORDER BY position",
        (conversation_id,)
    ).fetchall()
    messages = [message_from_row(row) for row in rows]
    attached = load_attachments(db, conversation_id)
    for message in messages:
        message.attachments = attached.get(message.id, ())
    return Conversation(title=head[0], id=conversation_id, created_at=head[1], messages=messages,
                        pinned=bool(head[2]))


def message_from_row(row: Sequence[Any]) -> Message:
    """A message from its row (``MESSAGE_COLUMNS``), every value checked: the file is outside input, and a value
    of the wrong kind (a damaged or edited row) raises ValueError rather than reaching the window or an export."""
    return Message(
        role=Role(row[1]), text=_text(row[2], "text"), id=_text(row[0], "id"), reasoning=_text(row[3], "reasoning"),
        model_id=_optional_text(row[4], "model_id"), api=_optional_text(row[5], "api"),
        parameters=_json_map(row[6], "parameters"), stats=_json_map(row[7], "stats"), state=MessageState(row[8]),
        error=_optional_text(row[9], "error"), created_at=_text(row[10], "created_at"),
        finished_at=_optional_text(row[11], "finished_at"), compare_group=_optional_text(row[12], "compare_group"),
        alternative=bool(row[13]), reasoning_blocks=_blocks_loaded(row[14]))


def _text(value: Any, column: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"its {column} is not text")
    return value


def _optional_text(value: Any, column: str) -> str | None:
    return None if value is None else _text(value, column)


def _json_map(raw: Any, column: str) -> dict[str, Any] | None:
    if not raw:
        return None
    try:
        value = json.loads(_text(raw, column))
    except RecursionError as error:
        raise ValueError(f"its {column} nest too deeply") from error
    if not isinstance(value, dict):  # json.JSONDecodeError is a ValueError too
        raise ValueError(f"its {column} are not a JSON object")
    return value


def _blocks_loaded(raw: Any) -> list[ReasoningBlock]:
    """A damaged column loses only the blocks (the next turn is sent without them), never the conversation."""
    if not raw or not isinstance(raw, str):
        return []
    try:
        return blocks_from_list(json.loads(raw))
    except (ValueError, RecursionError):
        return []


def fts_query(text: str) -> str | None:
    """A user's words as an FTS5 query: every word must match, the last one as a prefix."""
    words = [word.replace('"', '""') for word in text.split() if any(ch.isalnum() for ch in word)]
    if not words:
        return None
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def search_messages(db: sqlite3.Connection, text: str, limit: int = 50) -> list[SearchHit]:
    """Messages of conversations not deleted that hold every word of ``text``, newest first."""
    query = fts_query(text)
    if query is None:
        return []
    rows = db.execute(
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

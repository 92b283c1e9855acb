"""Writing conversations into the store's tables: rows upserted as messages grow, copies and imports under fresh
ids, and a large import written in batches through a worker's own connection."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bedrock_chat.core.attachment_rows import save_attachments, store_blobs, with_digest
from bedrock_chat.core.conversation import Conversation, Message, new_id, utc_now
from bedrock_chat.core.reasoning import blocks_to_list
from bedrock_chat.core.store_transactions import immediate_transaction, open_writer

IMPORT_BATCH_CHARS = 2_000_000


def upsert_conversation(db: sqlite3.Connection, conversation: Conversation) -> None:
    db.execute(
        # A new row takes the pin (an imported transcript's); an existing one keeps its own, which the sidebar sets.
        "INSERT INTO conversations (id, title, created_at, updated_at, pinned) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET title = excluded.title, updated_at = excluded.updated_at",
        (conversation.id, conversation.title, conversation.created_at, utc_now(), int(conversation.pinned)),
    )


def upsert_message(db: sqlite3.Connection, conversation_id: str, position: int, message: Message) -> None:
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


def _json_or_none(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _blocks_json(message: Message) -> str | None:
    return json.dumps(blocks_to_list(message.reasoning_blocks)) if message.reasoning_blocks else None


def _with_digests(message: Message) -> Message:
    """An imported message whose attachments carry their digests, so their rows name bytes stored once in
    ``attachment_blobs``: a branch or a duplicate of it then writes small rows, not the images again."""
    if not message.attachments:
        return message
    return Message(**{**message.__dict__, "attachments": tuple(with_digest(item) for item in message.attachments)})


def with_new_ids(messages: list[Message]) -> list[Message]:
    return [Message(**{**message.__dict__, "id": new_id()}) for message in messages]


def fresh_import(db: sqlite3.Connection, conversation: Conversation) -> Conversation:
    """The conversation as an import stores it: fresh message ids always, and a fresh conversation id when the
    file's is taken, so an import can never change what is already here."""
    taken = db.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation.id,)).fetchone()
    return Conversation(title=conversation.title, id=new_id() if taken else conversation.id,
                        created_at=conversation.created_at, messages=with_new_ids(conversation.messages),
                        pinned=conversation.pinned)


def import_in_background(path: Path, conversation: Conversation, progress: Callable[[float], None] | None = None,
                         cancelled: Callable[[], bool] | None = None) -> Conversation | None:
    """Stores an imported conversation through its own connection, for a worker thread (a 50 MB transcript
    takes seconds to index). Like ``ConversationStore.import_conversation`` it always gets fresh ids. It stays
    hidden (as if deleted, so a close purges a half-written one) until its last message is in, and is written in
    batches so the window's own saves never wait long for the lock. Attachment bytes go into ``attachment_blobs``
    (hashed outside the transaction), so the returned conversation's attachments carry their digests. Returns
    None when cancelled, leaving nothing."""
    db = open_writer(path)
    try:
        with immediate_transaction(db):
            fresh = fresh_import(db, conversation)
            upsert_conversation(db, fresh)
            db.execute("UPDATE conversations SET deleted_at = ? WHERE id = ?", (utc_now(), fresh.id))
        position, total = 0, max(1, len(fresh.messages))
        while position < len(fresh.messages):
            if cancelled is not None and cancelled():
                with immediate_transaction(db):
                    db.execute("DELETE FROM conversations WHERE id = ?", (fresh.id,))
                return None
            batch, size = [], 0
            while position < len(fresh.messages) and size < IMPORT_BATCH_CHARS:
                message = fresh.messages[position] = _with_digests(fresh.messages[position])
                batch.append((position, message))
                size += len(message.text) + len(message.reasoning) + 200 + \
                    sum(item.size for item in message.attachments)
                position += 1
            with immediate_transaction(db):
                for at, message in batch:
                    store_blobs(db, message.attachments)  # in the transaction of the rows that name them
                    upsert_message(db, fresh.id, at, message)
            if progress is not None:
                progress(position / total)
        with immediate_transaction(db):
            db.execute("UPDATE conversations SET deleted_at = NULL, updated_at = ? WHERE id = ?", (utc_now(), fresh.id))
        return fresh
    finally:
        db.close()

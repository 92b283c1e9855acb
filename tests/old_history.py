"""A history as bedrock-chat wrote it before schema 6: every attachment row carries its bytes itself."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from bedrock_chat.core.attachments import make_attachment
from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role
from bedrock_chat.core.store_schema import MIGRATIONS, migration_statements
from tests.attachment_files import PDF, png

ATTACHMENTS_SCHEMA = 5  # attachments in their own table, bytes in the row; ``attachment_blobs`` came with 6


def old_conversation(title: str, prompts: int = 2, images: int = 2, image_bytes: int = 200_000) -> Conversation:
    """Prompts with images (the same picture twice in a prompt, as a person may attach it) and a document."""
    conversation = Conversation(title=title)
    for turn in range(prompts):
        picture = png(6, 4, extra=image_bytes + turn)
        attached = [make_attachment(f"{title}-{turn}-{n}.png", picture) for n in range(images)]
        prompt = Message(Role.USER, f"{title}: what is in set {turn}?",
                         attachments=(*attached, make_attachment("plan.pdf", PDF)))
        conversation.messages += [prompt, Message(Role.ASSISTANT, f"{title}: red squares ({turn}).",
                                                  model_id="amazon.nova-lite-v1:0", state=MessageState.COMPLETE)]
    return conversation


def write_schema5_history(path: Path, conversations: list[Conversation]) -> None:
    """The file as schema 5 wrote it: the ``ConversationStore`` that opens it next upgrades it to the latest."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("BEGIN")
        for script in MIGRATIONS[:ATTACHMENTS_SCHEMA]:
            for statement in migration_statements(script):
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {ATTACHMENTS_SCHEMA}")
        for conversation in conversations:
            db.execute("INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
                       (conversation.id, conversation.title, conversation.created_at, conversation.created_at))
            for position, message in enumerate(conversation.messages):
                db.execute("INSERT INTO messages (id, conversation_id, position, role, text, model_id, state,"
                           " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           (message.id, conversation.id, position, message.role.value, message.text,
                            message.model_id, message.state.value, message.created_at))
                db.executemany("INSERT INTO attachments (message_id, position, kind, format, name, width, height,"
                               " data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               [(message.id, number, item.kind.value, item.format, item.name, item.width,
                                 item.height, item.data) for number, item in enumerate(message.attachments)])
        db.execute("COMMIT")
    finally:
        db.close()


def inline_rows(path: Path, conversation_id: str | None = None) -> int:
    """Attachment rows (of one conversation, or all) that carry their bytes themselves."""
    query = ("SELECT COUNT(*) FROM attachments a JOIN messages m ON m.id = a.message_id"
             " WHERE (a.blob IS NULL OR length(a.data) > 0)")
    arguments: tuple[str, ...] = ()
    if conversation_id is not None:
        query, arguments = query + " AND m.conversation_id = ?", (conversation_id,)
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute(query, arguments).fetchone()[0])


def database_bytes(path: Path) -> int:
    """The database file's size as SQLite sees it: its pages, those still in the WAL included (the file itself
    reaches that size at the next checkpoint)."""
    with closing(sqlite3.connect(path)) as db:
        pages = int(db.execute("PRAGMA page_count").fetchone()[0])
        return pages * int(db.execute("PRAGMA page_size").fetchone()[0])

"""A history with everything a salvage must bring back (attachments in their rows and staged apart, signed
reasoning, a compare group with an alternative, a pin), then damaged: one staged file's bytes deleted with
SQLite and another's overwritten on disk, as a failing disk would."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bedrock_chat.core.attachment_rows import stage_attachment
from bedrock_chat.core.attachments import make_attachment
from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role
from bedrock_chat.core.reasoning import ReasoningBlock
from bedrock_chat.core.storage import ConversationStore
from tests.attachment_files import PDF, png

LOST_BLOB, DAMAGED_BLOB = "photo.png", "scan.png"


@dataclass
class DamagedHistory:
    saved: dict[str, Conversation]  # as the normal reader read them back before the damage
    pinned_id: str
    compare_id: str
    damaged_id: str  # the conversation whose two staged files are lost


def history_with_everything(path: Path) -> DamagedHistory:
    store = ConversationStore(path)
    inline = make_attachment("inline.png", png(6, 4, extra=3_000))  # not staged: its row carries the bytes
    staged = stage_attachment(path, make_attachment("staged.png", png(8, 5, extra=20_000)))
    lost = stage_attachment(path, make_attachment(LOST_BLOB, png(5, 5, extra=9_000)))
    damaged = stage_attachment(path, make_attachment(DAMAGED_BLOB, png(7, 7, extra=30_000)))

    pinned = Conversation(title="Trip plans")
    pinned.add_user_message("What do these show?", (inline, staged, make_attachment("plan.pdf", PDF)))
    reply = pinned.start_reply("anthropic.claude-sonnet-4", "converse", {"temperature": 1.0, "reasoning": True})
    reply.text, reply.reasoning, reply.state = "A map and a plan.", "Looking at both…", MessageState.COMPLETE
    reply.reasoning_blocks = [ReasoningBlock(text="Looking at both…", signature="c2lnbmVk"),
                              ReasoningBlock(redacted="cmVkYWN0ZWQ=")]
    reply.stats = {"inputTokens": 1200, "outputTokens": 40, "stopReason": "end_turn"}

    compared = Conversation(title="Which model?")
    compared.add_user_message("Name a river.")
    for model, text, alternative in (("amazon.nova-micro-v1:0", "The Ganges.", False),
                                     ("amazon.nova-lite-v1:0", "The Nile.", True)):
        compared.messages.append(Message(Role.ASSISTANT, text, model_id=model, api="converse",
                                         compare_group="group-1", alternative=alternative))

    broken = Conversation(title="Scans")
    broken.add_user_message("Two scans", (lost, damaged))
    answer = broken.start_reply("amazon.nova-micro-v1:0", "converse", {})
    answer.text, answer.state = "Both are blurry.", MessageState.COMPLETE

    for conversation in (pinned, compared, broken):
        store.save_conversation(conversation)
    store.set_pinned(pinned.id, True)
    saved = {summary.id: store.load(summary.id) for summary in store.summaries()}
    store.close()

    with sqlite3.connect(path) as db:  # a blob row gone: the attachment names bytes that are not there
        db.execute("DELETE FROM attachment_blobs WHERE digest = ?", (lost.digest,))
    db.close()
    _overwrite_first_overflow_page_of_last_blob(path)
    return DamagedHistory(saved, pinned.id, compared.id, broken.id)


def _overwrite_first_overflow_page_of_last_blob(path: Path) -> None:
    """Garbage over the first page of the last staged file's bytes (rows are in insertion order, so the last
    cell of the table holds the file staged last); its chain then points nowhere, as on a failing disk."""
    db = sqlite3.connect(path)
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    pages = db.execute("SELECT pageno, path FROM dbstat WHERE name = 'attachment_blobs' AND pagetype = 'overflow'"
                       " AND path LIKE '%+000000'").fetchall()
    db.close()
    victim = max(pages, key=lambda row: row[1])[0]
    with open(path, "r+b") as handle:  # noqa: PTH123
        handle.seek((victim - 1) * page_size)
        handle.write(bytes((n * 37 + 11) % 256 for n in range(page_size)))

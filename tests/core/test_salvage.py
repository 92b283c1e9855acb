"""The salvage of a damaged history brings back everything the normal reader would (attachments, signed reasoning,
compare groups and alternatives, pins), from a file of any schema version, and names each piece it lost."""

from __future__ import annotations

import json
import sqlite3
import tracemalloc

from bedrock_chat.core.attachment_rows import stage_attachment
from bedrock_chat.core.attachments import make_attachment
from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role
from bedrock_chat.core.history_salvage import export_what_remains, read_what_remains
from bedrock_chat.core.reasoning import ReasoningBlock
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.core.store_schema import MIGRATIONS, migration_statements
from bedrock_chat.core.transcript import from_json
from tests.attachment_files import png
from tests.disk_helpers import database_with_a_damaged_page, digest
from tests.salvage_history import DAMAGED_BLOB, LOST_BLOB, history_with_everything


def test_everything_readable_comes_back_and_each_lost_attachment_is_named(tmp_path):
    path = tmp_path / "damaged.sqlite3"
    history = history_with_everything(path)
    before = digest(path)

    salvage = read_what_remains(path)

    assert digest(path) == before  # only read
    recovered = {conversation.id: conversation for conversation in salvage.conversations}
    assert set(recovered) == set(history.saved)
    pinned = recovered[history.pinned_id]
    assert pinned == history.saved[history.pinned_id] and pinned.pinned
    assert [item.name for item in pinned.messages[0].attachments] == ["inline.png", "staged.png", "plan.pdf"]
    assert pinned.messages[1].reasoning_blocks == [ReasoningBlock(text="Looking at both…", signature="c2lnbmVk"),
                                                   ReasoningBlock(redacted="cmVkYWN0ZWQ=")]
    compared = recovered[history.compare_id]
    assert compared == history.saved[history.compare_id]
    assert [(m.compare_group, m.alternative) for m in compared.messages[1:]] == [("group-1", False),
                                                                                 ("group-1", True)]
    damaged, saved = recovered[history.damaged_id], history.saved[history.damaged_id]
    assert damaged.messages[0].attachments == ()  # both of its files are lost, and only they
    assert damaged.messages[0].text == saved.messages[0].text and damaged.messages[1] == saved.messages[1]
    assert len(salvage.unreadable) == 2
    lost_blob, damaged_page = sorted(salvage.unreadable, key=lambda line: LOST_BLOB not in line)
    assert lost_blob.startswith(f"“Scans”: attachment {LOST_BLOB} of message 1 could not be read")
    assert "bytes are missing" in lost_blob
    assert damaged_page.startswith(f"“Scans”: attachment {DAMAGED_BLOB} of message 1 could not be read")


def test_the_exported_transcripts_carry_what_was_salvaged(tmp_path):
    path = tmp_path / "damaged.sqlite3"
    history = history_with_everything(path)
    out = tmp_path / "out"
    out.mkdir()

    written, unreadable = export_what_remains(path, out)

    assert len(written) == 3 and len(unreadable) == 2
    exported = {c.id: c for c in (from_json(file.read_text(encoding="utf-8")) for file in written)}
    pinned = exported[history.pinned_id]
    assert pinned.pinned and not exported[history.compare_id].pinned
    assert pinned.messages[0].attachments == history.saved[history.pinned_id].messages[0].attachments
    assert pinned.messages[1].reasoning_blocks == history.saved[history.pinned_id].messages[1].reasoning_blocks
    assert [m.alternative for m in exported[history.compare_id].messages] == [False, False, True]
    fresh = ConversationStore(tmp_path / "fresh.sqlite3")  # File › Import transcripts brings the pin back too
    for conversation in exported.values():
        fresh.import_conversation(conversation)
    assert [summary.pinned for summary in fresh.summaries()] == [True, False, False]
    fresh.close()


def test_a_damaged_message_page_loses_only_the_messages_on_it(tmp_path):
    path = tmp_path / "damaged.sqlite3"
    written = database_with_a_damaged_page(path)

    salvage = read_what_remains(path)

    assert len(salvage.conversations) == len(written)  # every conversation, with what of it can be read
    originals = {conversation.id: conversation for conversation in written}
    lost = 0
    for conversation in salvage.conversations:
        texts = {message.text for message in originals[conversation.id].messages}
        assert {message.text for message in conversation.messages} <= texts
        lost += len(texts) - len(conversation.messages)
    assert lost == len(salvage.unreadable) > 0
    assert all("message" in line and "could not be read" in line for line in salvage.unreadable)


def _old_file(path, version: int) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:version]:
        for statement in migration_statements(script):
            db.execute(statement)
    db.execute(f"PRAGMA user_version = {version}")
    return db


def test_files_of_older_schemas_are_read_as_they_are_and_never_migrated(tmp_path):
    picture = png(9, 9, extra=500)
    schema_5 = tmp_path / "schema5.sqlite3"
    db = _old_file(schema_5, 5)
    db.execute("INSERT INTO conversations VALUES ('c5', 'Before staging', '2026-01-01T00:00:00Z', "
               "'2026-01-02T00:00:00Z', 1, NULL)")
    db.executemany("INSERT INTO messages (id, conversation_id, position, role, text, state, created_at,"
                   " compare_group, alternative, reasoning_blocks) VALUES (?, 'c5', ?, ?, ?, 'complete',"
                   " '2026-01-01T00:00:00Z', ?, 0, ?)",
                   [("u", 0, "user", "Look", None, None),
                    ("a", 1, "assistant", "Red.", "g", json.dumps([{"text": "hm", "signature": "s"}]))])
    db.executemany("INSERT INTO attachments VALUES ('u', ?, 'image', 'png', ?, 9, 9, ?)",
                   [(0, "red.png", picture), (1, "fake.png", b"<html>not a picture</html>")])
    db.commit()
    db.close()
    schema_1 = tmp_path / "schema1.sqlite3"
    db = _old_file(schema_1, 1)
    db.execute("INSERT INTO conversations VALUES ('c1', 'The first', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')")
    db.execute("INSERT INTO messages (id, conversation_id, position, role, text, state, created_at) VALUES"
               " ('m', 'c1', 0, 'user', 'Hello', 'complete', '2025-01-01T00:00:00Z')")
    db.commit()
    db.close()
    before = {path: digest(path) for path in (schema_5, schema_1)}

    old, oldest = read_what_remains(schema_5), read_what_remains(schema_1)

    assert {path: digest(path) for path in before} == before
    assert all(sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == version
               for path, version in ((schema_5, 5), (schema_1, 1)))
    [conversation] = old.conversations
    assert conversation.pinned and conversation.title == "Before staging"
    assert conversation.messages[0].attachments == (make_attachment("red.png", picture),)
    assert conversation.messages[1].compare_group == "g"
    assert conversation.messages[1].reasoning_blocks == [ReasoningBlock(text="hm", signature="s")]
    assert old.unreadable == ["“Before staging”: attachment fake.png of message 1 could not be read "
                              "(“fake.png” is not a readable PNG image (it is damaged, cut short, or holds "
                              "something else), so it is not attached)."]
    expected = Conversation(title="The first", id="c1", created_at="2025-01-01T00:00:00Z", messages=[
        Message(Role.USER, "Hello", id="m", state=MessageState.COMPLETE, created_at="2025-01-01T00:00:00Z")])
    assert oldest.conversations == [expected] and oldest.unreadable == []


def test_a_large_history_is_exported_one_conversation_at_a_time(tmp_path):
    """Hundreds of megabytes of images are never held at once: each conversation is written before the next is
    read, as the normal export does (here 12 pictures of 3 MB; the peak stays near one of them, encoded)."""
    path = tmp_path / "large.sqlite3"
    store = ConversationStore(path)
    for number in range(12):
        conversation = Conversation(title=f"Picture {number}")
        picture = stage_attachment(path, make_attachment(f"p{number}.png", png(4, 4, extra=3_000_000 + number)))
        conversation.add_user_message("this one", (picture,))
        store.save_conversation(conversation)
    store.close()
    out = tmp_path / "out"
    out.mkdir()

    tracemalloc.start()
    try:
        written, unreadable = export_what_remains(path, out)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert len(written) == 12 and unreadable == []
    assert all(len(from_json(file.read_text(encoding="utf-8")).messages[0].attachments) == 1 for file in written)
    assert peak < 20_000_000, f"{peak:,} bytes held at once"

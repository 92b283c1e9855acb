"""The SQLite store: round trips, migrations from every earlier schema, FTS search, soft delete, branches."""

from __future__ import annotations

import sqlite3
import time

import pytest

from bedrock_chat.core.conversation import Conversation, MessageState, Role
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.core.store_errors import StoreError, StoreProblemKind
from bedrock_chat.core.store_reading import HIGHLIGHT_END, HIGHLIGHT_START, fts_query
from bedrock_chat.core.store_schema import MIGRATIONS, SCHEMA_VERSION, migration_statements


def _conversation(prompt: str = "What is the capital of Nepal?",
                  reply: str = "Kathmandu, in the valley.") -> Conversation:
    conversation = Conversation()
    conversation.add_user_message(prompt)
    answer = conversation.start_reply("amazon.nova-micro-v1:0", "converse", {"temperature": 0.5})
    answer.text, answer.state = reply, MessageState.COMPLETE
    answer.stats = {"outputTokens": 5, "stopReason": "end_turn"}
    answer.reasoning = "thinking about Nepal"
    return conversation


def test_round_trip(tmp_path):
    store = ConversationStore(tmp_path / "c.db")
    original = _conversation()
    store.save_conversation(original)
    store.close()
    loaded = ConversationStore(tmp_path / "c.db").load(original.id)
    assert loaded == original
    assert store.path.exists()


def test_wal_mode_and_schema_version(tmp_path):
    store = ConversationStore(tmp_path / "c.db")
    assert store.schema_version == SCHEMA_VERSION
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("start_version", range(SCHEMA_VERSION))
def test_migrations_from_every_earlier_version(tmp_path, start_version):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    for number in range(start_version + 1):
        for statement in migration_statements(MIGRATIONS[number]):
            db.execute(statement)
    db.execute(f"PRAGMA user_version = {start_version + 1}")
    db.execute("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 'Old', 't', 't')")
    db.execute("INSERT INTO messages (id, conversation_id, position, role, text, state, created_at)"
               " VALUES ('m1', 'c1', 0, 'user', 'an old zeppelin question', 'complete', 't')")
    db.commit()
    db.close()
    store = ConversationStore(path)
    assert store.schema_version == SCHEMA_VERSION
    assert [hit.message_id for hit in store.search("zeppelin")] == ["m1"]
    assert store.load("c1").messages[0].text == "an old zeppelin question"


def test_newer_schema_and_corrupt_files_are_refused_clearly(tmp_path):
    newer = tmp_path / "newer.db"
    db = sqlite3.connect(newer)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer bedrock-chat"):
        ConversationStore(newer)
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="is damaged") as raised:
        ConversationStore(corrupt)
    assert raised.value.kind is StoreProblemKind.CORRUPT


def test_reply_in_flight_is_interrupted_on_reopen_and_continues(tmp_path):
    store = ConversationStore(tmp_path / "c.db")
    conversation = Conversation()
    conversation.add_user_message("tell me")
    reply = conversation.start_reply("m", "converse", {})
    reply.text = "partial text"
    store.save_message(conversation, conversation.messages[0])
    store.save_message(conversation, reply)
    store.close()
    reopened = ConversationStore(tmp_path / "c.db").load(conversation.id)
    assert reopened.messages[-1].state == MessageState.INTERRUPTED
    assert reopened.messages[-1].text == "partial text"
    reopened.add_user_message("go on")
    assert reopened.history() == [(Role.USER, "tell me"), (Role.ASSISTANT, "partial text"), (Role.USER, "go on")]


def test_search_highlights_and_prefixes(tmp_path):
    store = ConversationStore(tmp_path / "c.db")
    store.save_conversation(_conversation())
    store.save_conversation(_conversation("Tell me about Lisbon", "Lisbon has trams and pastéis de nata."))
    hits = store.search("kathm")
    assert len(hits) == 1 and hits[0].role == Role.ASSISTANT
    assert f"{HIGHLIGHT_START}Kathmandu{HIGHLIGHT_END}" in hits[0].snippet
    assert {hit.title for hit in store.search("lisbon")} == {"Tell me about Lisbon"}
    assert store.search('"; DROP TABLE messages; --') == []
    assert store.search("   ") == []
    assert fts_query('say "hi" now') == '"say" """hi""" "now"*'


def test_summaries_order_pin_rename_delete_restore_purge(tmp_path):
    store = ConversationStore(tmp_path / "c.db")
    first, second = _conversation("first"), _conversation("second")
    store.save_conversation(first)
    time.sleep(0.01)
    store.save_conversation(second)
    assert [s.title for s in store.summaries()] == ["second", "first"]
    store.set_pinned(first.id, True)
    assert [s.title for s in store.summaries()] == ["first", "second"]
    store.rename(first.id, "  Renamed  ")
    assert store.summaries()[0].title == "Renamed" and store.summaries()[0].model_id == "amazon.nova-micro-v1:0"
    store.delete(first.id)
    assert [s.title for s in store.summaries()] == ["second"]
    assert store.search("first") == []
    store.restore(first.id)
    assert len(store.summaries()) == 2
    store.delete(first.id)
    assert store.purge_deleted() == 1
    with pytest.raises(KeyError):
        store.load(first.id)
    assert store._db.execute("SELECT COUNT(*) FROM messages WHERE conversation_id = ?", (first.id,)).fetchone()[0] == 0


def test_duplicate_and_branch(tmp_path):
    store = ConversationStore(tmp_path / "c.db")
    original = _conversation()
    original.add_user_message("second question")
    store.save_conversation(original)
    copy = store.duplicate(original.id)
    assert [m.text for m in copy.messages] == [m.text for m in original.messages]
    assert not {m.id for m in copy.messages} & {m.id for m in original.messages}
    branch = store.duplicate(original.id, upto_message=original.messages[2].id, title="branch")
    assert [m.text for m in branch.messages] == [m.text for m in original.messages[:2]]
    assert len(store.load(original.id).messages) == 3  # later turns stay in the original


def test_import_of_a_known_id_comes_in_as_a_copy(tmp_path):
    store = ConversationStore(tmp_path / "c.db")
    conversation = _conversation()
    store.save_conversation(conversation)
    imported = store.import_conversation(conversation)
    assert imported.id != conversation.id and len(store.summaries()) == 2


def test_a_thousand_messages_load_in_order(tmp_path):
    store = ConversationStore(tmp_path / "c.db")
    conversation = Conversation()
    for index in range(500):
        conversation.add_user_message(f"question {index}")
        reply = conversation.start_reply("m", "converse", {})
        reply.text, reply.state = f"answer {index}", MessageState.COMPLETE
    store.save_conversation(conversation)
    loaded = store.load(conversation.id)
    assert len(loaded.messages) == 1000
    assert loaded.messages[-1].text == "answer 499"

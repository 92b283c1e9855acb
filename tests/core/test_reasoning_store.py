"""Signed reasoning stays with its reply in the database, exactly, and aligns with the history it goes back in."""

from __future__ import annotations

import sqlite3

import pytest

from bedrock_chat.core.conversation import Conversation, MessageState, Role
from bedrock_chat.core.reasoning import ReasoningBlock
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.core.store_schema import MIGRATIONS, migration_statements

SIGNED = ReasoningBlock("Let me think… “quoted” ✓", "c2lnbmF0dXJl+/=")
REDACTED = ReasoningBlock(redacted="ZW5jcnlwdGVk")


def _conversation() -> Conversation:
    conversation = Conversation()
    conversation.add_user_message("first")
    reply = conversation.start_reply("m", "converse", {})
    reply.text, reply.state, reply.reasoning_blocks = "answer", MessageState.COMPLETE, [SIGNED, REDACTED]
    conversation.add_user_message("second")
    return conversation


def test_blocks_survive_a_save_and_load_byte_for_byte(tmp_path):
    store = ConversationStore(tmp_path / "c.db")
    conversation = _conversation()
    store.save_conversation(conversation)
    loaded = store.load(conversation.id)
    assert loaded.messages[1].reasoning_blocks == [SIGNED, REDACTED]
    assert loaded.reasoning_history() == [(), (SIGNED, REDACTED), ()]
    assert [role for role, _ in loaded.history()] == [Role.USER, Role.ASSISTANT, Role.USER]
    assert store.duplicate(conversation.id).messages[1].reasoning_blocks == [SIGNED, REDACTED]


def test_a_database_from_before_reasoning_blocks_opens_and_keeps_its_messages(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    for number in range(2):
        for statement in migration_statements(MIGRATIONS[number]):
            db.execute(statement)
    db.execute("PRAGMA user_version = 2")
    db.execute("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 'Old', 't', 't')")
    db.execute("INSERT INTO messages (id, conversation_id, position, role, text, reasoning, state, created_at)"
               " VALUES ('m1', 'c1', 0, 'assistant', 'old reply', 'old thoughts', 'complete', 't')")
    db.commit()
    db.close()
    store = ConversationStore(path)
    message = store.load("c1").messages[0]
    assert message.reasoning == "old thoughts" and message.reasoning_blocks == []


def test_a_damaged_blocks_column_loses_only_the_blocks(tmp_path):
    store = ConversationStore(tmp_path / "c.db")
    conversation = _conversation()
    store.save_conversation(conversation)
    for damaged in ("{not json", '[{"text": 3}, "x", {"redactedContent": 5}]', '{"a": 1}'):
        store._db.execute("UPDATE messages SET reasoning_blocks = ?", (damaged,))
        loaded = store.load(conversation.id)
        assert loaded.messages[1].text == "answer" and loaded.messages[1].reasoning_blocks == []


def test_merged_turns_keep_every_block_in_order():
    conversation = _conversation()
    extra = conversation.start_reply("m", "converse", {})  # two replies in a row (one regenerated and kept)
    conversation.messages.pop(2)
    extra.text, extra.state, extra.reasoning_blocks = "more", MessageState.COMPLETE, [ReasoningBlock("b", "s")]
    conversation.add_user_message("third")
    assert conversation.reasoning_history() == [(), (SIGNED, REDACTED, ReasoningBlock("b", "s")), ()]


def test_a_transcript_keeps_signed_reasoning_and_guardrail_figures():
    from bedrock_chat.core.transcript import TranscriptError, from_json, to_json

    conversation = _conversation()
    conversation.messages[1].stats = {"stopReason": "guardrail_intervened", "guardrailAction": "Guardrail blocked.",
                                      "guardrailFindings": ["Word policy: “x” in the prompt (blocked)"],
                                      "servedLatency": "optimized", "servedServiceTier": None}
    back = from_json(to_json(conversation))
    assert back.messages[1].reasoning_blocks == [SIGNED, REDACTED]
    assert back.messages[1].stats == conversation.messages[1].stats
    text = to_json(conversation).replace('"signature": "c2lnbmF0dXJl+/="', '"signature": 5')
    with pytest.raises(TranscriptError, match="reasoning block"):
        from_json(text)

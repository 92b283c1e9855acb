"""Compare mode without Qt: remembered columns (untrusted settings), overrides, the stats row, keeping an answer,
and the alternatives in storage, transcripts and exports."""

from __future__ import annotations

import json
import sqlite3

from bedrock_chat.core.catalog import Pricing
from bedrock_chat.core.compare import (
    ColumnSpec,
    columns_from_json,
    columns_to_json,
    group_answers,
    keep_answer,
    kept_answer,
    stats_cells,
)
from bedrock_chat.core.conversation import Conversation, MessageState, Role
from bedrock_chat.core.events import StopReason, Usage
from bedrock_chat.core.html_export import to_html
from bedrock_chat.core.params import GenerationParams
from bedrock_chat.core.stats import ReplyStats
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.core.store_schema import MIGRATIONS, migration_statements
from bedrock_chat.core.transcript import from_json, to_json, to_markdown


def _compare_turn(answers: int = 3) -> tuple[Conversation, str]:
    conversation = Conversation()
    conversation.add_user_message("Which is the tallest mountain?")
    for number in range(answers):
        reply = conversation.start_reply(f"model-{number}", "converse", {"temperature": 0.1 * number})
        reply.text, reply.state = f"Answer {number}: Everest.", MessageState.COMPLETE
        reply.compare_group, reply.alternative = "group-1", True
    return conversation, "group-1"


def test_columns_round_trip_through_settings():
    columns = [ColumnSpec("amazon.nova-micro-v1:0"),
               ColumnSpec("amazon.nova-micro-v1:0", temperature=0.1, top_p=0.5, max_tokens=300,
                          system_prompt="Be terse.")]
    assert columns_from_json(columns_to_json(columns)) == columns


def test_hostile_or_damaged_settings_give_fewer_columns_never_an_error():
    assert columns_from_json(None) == [] and columns_from_json("{not json") == []
    assert columns_from_json(json.dumps({"model": "x"})) == []
    assert columns_from_json("[" * 100_000 + "]" * 100_000) == []
    raw = json.dumps([{"model": "a", "temperature": "hot", "topP": 7, "maxTokens": True, "systemPrompt": 5},
                      {"model": ""}, 12, {"model": "b", "temperature": 9.0},
                      {"model": "c"}, {"model": "d"}])
    # At most three entries are read; bad values fall back to "as set", entries without a model are dropped.
    assert columns_from_json(raw) == [ColumnSpec("a")]
    assert columns_from_json(json.dumps([{"model": "a", "systemPrompt": "x" * 50_000}])) == [ColumnSpec("a")]


def test_overrides_apply_over_the_models_parameters():
    base = GenerationParams(temperature=0.7, top_p=0.9, max_tokens=1024, system_prompt="base")
    assert ColumnSpec("m").apply(base) == base
    changed = ColumnSpec("m", temperature=0.0, max_tokens=64, system_prompt="own").apply(base)
    assert (changed.temperature, changed.top_p, changed.max_tokens, changed.system_prompt) == (0.0, 0.9, 64, "own")
    assert ColumnSpec("m", temperature=0.2, max_tokens=64).describe() == "temperature 0.2, max 64 tokens"


def test_stats_cells_live_and_ended():
    stats = ReplyStats(started_at=10.0)
    assert stats_cells(stats, None, 10.5, ended=False) == ("—", "—", "— / —", "—", "waiting…")
    stats.note_text("x" * 40, 10.2)
    live = stats_cells(stats, None, 11.2, ended=False)
    assert live[0] == "200 ms" and live[1] == "10.0" and live[2] == "— / ~10" and live[4] == "streaming…"
    stats.usage = Usage(input_tokens=1000, output_tokens=20)
    stats.stop_reason, stats.finished_at = StopReason.END_TURN, 12.2
    done = stats_cells(stats, Pricing(input_per_1k=0.001, output_per_1k=0.002), 20.0, ended=True)
    assert done == ("200 ms", "10.0", "1,000 / 20", "$0.001", "finished")


def test_keeping_an_answer_makes_it_the_reply_and_the_others_alternatives():
    conversation, group = _compare_turn()
    answers = group_answers(conversation, group)
    assert kept_answer(conversation, group) is None
    # Before one is kept, no answer is sent back.
    assert conversation.history(draft="next") == [(Role.USER, "Which is the tallest mountain?\n\nnext")]
    changed = keep_answer(conversation, answers[1].id)
    assert changed == [answers[1]] and kept_answer(conversation, group) is answers[1]
    assert conversation.history(draft="next") == [(Role.USER, "Which is the tallest mountain?"),
                                                  (Role.ASSISTANT, "Answer 1: Everest."), (Role.USER, "next")]
    assert [m.id for m in keep_answer(conversation, answers[2].id)] == [answers[1].id, answers[2].id]
    assert [a.alternative for a in answers] == [True, True, False]
    assert keep_answer(conversation, conversation.messages[0].id) == []  # a prompt is no answer


def test_alternatives_survive_storage_json_and_show_in_markdown_and_html(tmp_path):
    conversation, _ = _compare_turn()
    keep_answer(conversation, conversation.messages[2].id)
    store = ConversationStore(tmp_path / "c.db")
    store.save_conversation(conversation)
    store.close()
    loaded = ConversationStore(tmp_path / "c.db").load(conversation.id)
    assert loaded == conversation
    assert from_json(to_json(conversation)).messages == conversation.messages
    markdown = to_markdown(conversation)
    assert markdown.count("alternative answer (not kept)") == 2 and "Answer 1: Everest." in markdown
    assert to_html(conversation).count("alternative answer (not kept)") == 2


def test_a_transcript_with_a_wrong_alternative_flag_is_refused():
    conversation, _ = _compare_turn(2)
    document = json.loads(to_json(conversation))
    document["conversation"]["messages"][1]["alternative"] = "yes"
    try:
        from_json(json.dumps(document))
    except ValueError as error:
        assert "alternative" in str(error)
    else:
        raise AssertionError("a non-boolean alternative flag was accepted")
    del document["conversation"]["messages"][1]["alternative"]  # files written before compare mode
    assert from_json(json.dumps(document)).messages[1].alternative is False


def test_a_database_from_before_compare_mode_opens_with_ordinary_replies(tmp_path):
    path = tmp_path / "v2.db"
    db = sqlite3.connect(path)
    for migration in MIGRATIONS[:2]:
        for statement in migration_statements(migration):
            db.execute(statement)
    db.execute("PRAGMA user_version = 2")
    db.execute("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 'Old', 't', 't')")
    for position, role in enumerate(("user", "assistant")):
        db.execute("INSERT INTO messages (id, conversation_id, position, role, text, state, created_at)"
                   f" VALUES ('m{position}', 'c1', {position}, '{role}', 'text {position}', 'complete', 't')")
    db.commit()
    db.close()
    loaded = ConversationStore(path).load("c1")
    assert [(m.compare_group, m.alternative) for m in loaded.messages] == [(None, False), (None, False)]
    assert loaded.history() == [(Role.USER, "text 0")]

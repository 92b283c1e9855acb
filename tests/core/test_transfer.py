"""Exports (Markdown, JSON, standalone HTML) and imports of transcripts, including hostile and broken files."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bedrock_chat.core.conversation import Conversation, MessageState
from bedrock_chat.core.html_export import to_html
from bedrock_chat.core.transcript import TranscriptError, from_json, to_json
from bedrock_chat.core.transfer import export_all, export_conversation, read_transcripts


def _conversation() -> Conversation:
    conversation = Conversation()
    conversation.add_user_message("<script>alert(1)</script> hello")
    reply = conversation.start_reply("m", "converse", {})
    reply.text = ("# Title\n\n<img src=http://x/y.png>\n\n![p](http://x/p.png)\n\n[js](javascript:alert(1))\n\n"
                  "```python\nprint('hi')\n```\n")
    reply.state = MessageState.COMPLETE
    return conversation


def test_html_export_is_standalone_and_inert():
    page = to_html(_conversation())
    assert "default-src 'none'" in page
    assert "<script" not in page and "<img" not in page and 'href="javascript:' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "[image: p]" in page and "print" in page and "<title>" in page


def test_export_formats_follow_the_suffix_and_round_trip(tmp_path):
    conversation = _conversation()
    for suffix in (".md", ".json", ".html"):
        export_conversation(conversation, tmp_path / f"out{suffix}")
    assert from_json((tmp_path / "out.json").read_text()) == conversation
    assert (tmp_path / "out.md").read_text().startswith("# ")
    assert (tmp_path / "out.html").read_text().startswith("<!DOCTYPE html>")


def test_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "keep.json"
    target.write_text("old contents")
    from bedrock_chat.core import atomic

    def broken_fsync(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space left"):
        export_conversation(_conversation(), target)
    assert target.read_text() == "old contents"
    assert [path.name for path in tmp_path.iterdir()] == ["keep.json"]


def test_export_all_and_import_many_with_a_bad_one(tmp_path):
    conversations = [_conversation(), _conversation()]
    written = export_all(conversations, tmp_path)
    truncated = tmp_path / "truncated.json"
    truncated.write_text(written[0].read_text()[:200])
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({"messages": []}))
    result = read_transcripts([*written, truncated, foreign])
    assert [c.id for c in result.conversations] == [c.id for c in conversations]
    assert len(result.errors) == 2
    assert "truncated.json" in result.errors[0] and "truncated or corrupt" in result.errors[0]
    assert "foreign.json: This is not a bedrock-chat transcript." in result.errors[1]


_VALID = to_json(_conversation())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(min_value=0, max_value=len(_VALID)), junk=st.binary(max_size=20))
def test_truncated_or_corrupted_transcripts_fail_cleanly(cut, junk):
    text = _VALID[:cut] + junk.decode("latin-1")
    try:
        conversation = from_json(text)
    except TranscriptError as error:
        assert str(error)
    else:
        assert isinstance(conversation, Conversation)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(mutation=st.dictionaries(st.sampled_from(["format", "version", "conversation", "title", "id", "messages",
                                                  "role", "text", "createdAt", "state", "stats"]),
                                json_values, max_size=4),
       where=st.sampled_from(["top", "conversation", "message"]))
def test_foreign_shapes_are_rejected_with_a_message(mutation, where):
    document = json.loads(_VALID)
    target = {"top": document, "conversation": document["conversation"],
              "message": document["conversation"]["messages"][0]}[where]
    target.update(mutation)
    try:
        from_json(json.dumps(document))
    except TranscriptError as error:
        assert str(error)


def _document(**message_fields: object) -> dict:
    message = {"id": "m1", "role": "user", "text": "hi", "createdAt": "2026-11-25T19:37:02.000Z", **message_fields}
    return {"format": "bedrock-chat.transcript", "version": 1,
            "conversation": {"id": "c1", "title": "t", "createdAt": "2026-11-25T19:37:01.000Z", "messages": [message]}}


@pytest.mark.parametrize(("fields", "sentence"), [
    ({"role": "system"}, "Message 1: 'system' is not a valid Role."),
    ({"state": "exploded"}, "Message 1: 'exploded' is not a valid MessageState."),
    ({"text": 5}, "Message 1: “text” is not text."),
    ({"text": "x" * 20_000_001}, "Message 1: “text” is longer than 20,000,000 characters."),
    ({"modelId": "m" * 1001}, "Message 1: “modelId” is longer than 1,000 characters."),
    ({"text": "\ud800"}, "Message 1: “text” contains a broken character (a lone surrogate), so it is not valid "
                         "Unicode text."),
    ({"api": "telepathy"}, "Message 1: “api” must be one of converse, invoke."),
    ({"stats": [1]}, "Message 1: “stats” is not an object."),
    ({"stats": {"outputTokens": {"nested": 1}}}, "Message 1, stats: “outputTokens” has the wrong type."),
    ({"stats": {f"k{n}": n for n in range(65)}}, "Message 1: “stats” has more than 64 entries."),
    ({"parameters": {"temperature": float("inf")}}, "Message 1, parameters: “temperature” is not a finite number."),
])
def test_each_field_is_checked_with_one_sentence(fields, sentence):
    with pytest.raises(TranscriptError) as caught:
        from_json(json.dumps(_document(**fields)))
    assert str(caught.value) == sentence


def test_a_streaming_message_comes_in_as_interrupted_and_stop_sequences_are_kept():
    conversation = from_json(json.dumps(_document(state="streaming", parameters={"stopSequences": ["END"]})))
    assert conversation.messages[0].state == MessageState.INTERRUPTED
    assert conversation.messages[0].parameters == {"stopSequences": ["END"]}


def test_broken_files_are_named_and_never_stop_the_others(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_document()))
    files = {
        "deep.json": ("[" * 100_000).encode(),
        "huge-number.json": ("1" * 5000).encode(),
        "utf16.json": json.dumps(_document()).encode("utf-16"),
        "object-less.json": b'"just a string"',
        "empty.json": b"",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    paths = [tmp_path / name for name in files] + [tmp_path / "missing.json", good]
    result = read_transcripts(paths)
    assert [c.title for c in result.conversations] == ["t"]
    assert [error.split(":", 1)[0] for error in result.errors] == [*files, "missing.json"]
    assert "nests JSON far more deeply" in result.errors[0]
    assert "not valid JSON" in result.errors[1]
    assert "not UTF-8 text" in result.errors[2]
    assert "not a bedrock-chat transcript" in result.errors[3]
    assert "cannot be read" in result.errors[5]
    assert all(error.endswith(".") and "\n" not in error for error in result.errors)


def test_export_escapes_stats_that_are_not_numbers():
    conversation = _conversation()
    payload = '"><img src="file:///etc/passwd">'
    conversation.messages[1].stats = {"outputTokens": payload, "inputTokens": payload, "latencyMs": payload,
                                      "stopReason": payload}
    conversation.messages[1].model_id = payload
    assert "<img" not in to_html(conversation)
    conversation.messages[1].stats = {"outputTokens": 7, "inputTokens": payload, "latencyMs": 3}
    assert '<div class="stats">None in · 7 out tokens · 3 ms</div>' in to_html(conversation)
    from bedrock_chat.core.transcript import to_markdown

    markdown = to_markdown(conversation)  # texts stay verbatim Markdown; the metadata around them is escaped
    assert payload not in markdown and "## Assistant (&quot;&gt;&lt;img src=" in markdown


def test_a_pin_travels_in_a_transcript_and_only_as_true_or_false():
    pinned = Conversation(title="Kept on top", pinned=True)
    document = json.loads(to_json(pinned))
    assert document["conversation"]["pinned"] is True and from_json(to_json(pinned)).pinned
    assert "pinned" not in json.loads(to_json(Conversation()))["conversation"]  # files without a pin read as before
    document["conversation"]["pinned"] = "yes"
    with pytest.raises(TranscriptError, match="pinned"):
        from_json(json.dumps(document))

"""Attachments kept with their message: in the store (as bytes, after a migration), in JSON transcripts and back,
and shown safely in Markdown and HTML exports."""

from __future__ import annotations

import base64
import json
import sqlite3

import pytest

from bedrock_chat.core.attachments import make_attachment
from bedrock_chat.core.conversation import Conversation, MessageState
from bedrock_chat.core.html_export import to_html
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.core.store_schema import MIGRATIONS, migration_statements
from bedrock_chat.core.transcript import TranscriptError, from_json, to_json, to_markdown
from tests.attachment_files import HTML_PRETENDING, PDF, png

HOSTILE_NAME = '<img src=x onerror=alert(1)> [x](javascript:alert(1)).png'


def _conversation() -> Conversation:
    conversation = Conversation()
    image = make_attachment(HOSTILE_NAME, png(6, 4))
    document = make_attachment("Plan (v2).pdf", PDF)
    conversation.add_user_message("What do these show?", (image, document))
    reply = conversation.start_reply("amazon.nova-lite-v1:0", "converse", {})
    reply.text, reply.state = "A red square and a plan.", MessageState.COMPLETE
    return conversation


def test_attachments_are_stored_as_bytes_and_survive_reopening(tmp_path):
    original = _conversation()
    store = ConversationStore(tmp_path / "c.db")
    store.save_conversation(original)
    reply = original.messages[1]
    for _ in range(3):  # a reply growing saves again and again; the prompt's attachments stay as they were
        reply.text += " more"
        store.save_message(original, reply)
    store.close()
    loaded = ConversationStore(tmp_path / "c.db").load(original.id)
    assert loaded.messages[0].attachments == original.messages[0].attachments
    assert loaded.messages[1].attachments == ()
    rows = sqlite3.connect(tmp_path / "c.db").execute("SELECT typeof(data), length(data) FROM attachments").fetchall()
    assert rows == [("blob", len(png(6, 4))), ("blob", len(PDF))]


def test_a_version_2_database_gains_attachments(tmp_path):
    path = tmp_path / "v2.db"
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:2]:
        for statement in migration_statements(script):
            db.execute(statement)
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    store = ConversationStore(path)
    conversation = _conversation()
    store.save_conversation(conversation)
    assert store.load(conversation.id).messages[0].attachments[1].name == "Plan (v2).pdf"


def test_a_tampered_row_is_left_out_not_shown(tmp_path):
    store = ConversationStore(tmp_path / "c.db")
    conversation = _conversation()
    store.save_conversation(conversation)
    store._db.execute("UPDATE attachments SET data = ? WHERE position = 0", (HTML_PRETENDING,))
    attachments = store.load(conversation.id).messages[0].attachments
    assert [item.format for item in attachments] == ["pdf"]


def test_deleting_a_conversation_removes_its_attachments(tmp_path):
    store = ConversationStore(tmp_path / "c.db")
    conversation = _conversation()
    store.save_conversation(conversation)
    store.delete(conversation.id)
    store.purge_deleted()
    assert store._db.execute("SELECT COUNT(*) FROM attachments").fetchone()[0] == 0


def test_json_keeps_attachments_and_reads_them_back_checked():
    original = _conversation()
    text = to_json(original)
    entry = json.loads(text)["conversation"]["messages"][0]["attachments"][0]
    assert entry["format"] == "png" and base64.b64decode(entry["data"]) == png(6, 4)
    assert "attachments" not in json.loads(text)["conversation"]["messages"][1]
    assert from_json(text).messages[0].attachments == original.messages[0].attachments


@pytest.mark.parametrize(("change", "words"), [
    (lambda item: item.update(data="not base64!"), "not valid base64"),
    (lambda item: item.update(data=base64.b64encode(HTML_PRETENDING).decode()), "not a readable PNG"),
    (lambda item: item.update(kind="document"), "its contents are not"),
    (lambda item: item.pop("data"), "as text"),
])
def test_a_bad_attachment_in_a_transcript_is_refused(change, words):
    document = json.loads(to_json(_conversation()))
    change(document["conversation"]["messages"][0]["attachments"][0])
    with pytest.raises(TranscriptError, match=words):
        from_json(json.dumps(document))


def test_markdown_and_html_show_attachments_safely():
    conversation = _conversation()
    markdown = to_markdown(conversation)
    assert "<img" not in markdown and "](javascript" not in markdown
    assert "Plan \\(v2\\).pdf · PDF document · 77 bytes" in markdown
    page = to_html(conversation)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'src="data:image/png;base64,' in page and "img-src data:" in page
    assert "file:" not in page and "http" not in page.split("</head>")[1]


def test_a_tampered_name_is_made_safe_to_show_again(tmp_path):
    """A stored name is outside text too: a path, bidi and control characters, a megabyte of it."""
    store = ConversationStore(tmp_path / "c.db")
    conversation = _conversation()
    store.save_conversation(conversation)
    tampered = "../../etc/\u202egnp.exe\n" + "x" * 1_000_000 + ".pdf"
    store._db.execute("UPDATE attachments SET name = ? WHERE position = 1", (tampered,))
    name = store.load(conversation.id).messages[0].attachments[1].name
    assert "/" not in name and "\u202e" not in name and "\n" not in name
    assert name.startswith("gnp.exe") and len(name) <= 120
    assert store.load(conversation.id).messages[0].attachments[0].name == HOSTILE_NAME  # a sound one as it was


def test_markdown_names_a_file_with_an_apostrophe_as_it_is():
    conversation = Conversation()
    conversation.add_user_message("Read it", (make_attachment("John's \"final\" plan.pdf", PDF),))
    markdown = to_markdown(conversation)
    assert "John's \"final\" plan.pdf · PDF document" in markdown and "#x27" not in markdown

"""Attachment bytes stored as the file is attached (``stage_attachment``, a worker's own connection), so that
saving the prompt writes rows naming them; whatever happened to the staged bytes, the prompt keeps its files."""

from __future__ import annotations

import sqlite3

from bedrock_chat.core.attachment_rows import stage_attachment
from bedrock_chat.core.attachments import make_attachment
from bedrock_chat.core.conversation import Conversation
from bedrock_chat.core.storage import ConversationStore
from tests.attachment_files import PDF, png


def _stored_bytes(path, column: str) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute(f"SELECT COALESCE(SUM(length({column})), 0) FROM attachments").fetchone()[0])


def test_a_staged_attachment_is_saved_as_a_reference_and_loads_whole(tmp_path):
    path = tmp_path / "c.db"
    store = ConversationStore(path)
    picture = stage_attachment(path, make_attachment("photo.png", png(20, 10, extra=50_000)))
    document = make_attachment("plan.pdf", PDF)  # not staged: its row carries the bytes, as before
    assert picture.digest is not None and document.digest is None
    conversation = Conversation()
    conversation.add_user_message("look", (picture, document))
    store.save_conversation(conversation)
    assert _stored_bytes(path, "data") == len(PDF)  # the picture's 50 KB are not written again
    loaded = store.load(conversation.id).messages[0].attachments
    assert loaded == (picture, document) and loaded[0].digest == picture.digest

    branch = store.duplicate(conversation.id)  # a copy names the same stored bytes
    assert store.load(branch.id).messages[0].attachments == (picture, document)
    assert _stored_bytes(path, "data") == 2 * len(PDF)
    store.delete(conversation.id)
    store.purge_deleted()
    assert store.load(branch.id).messages[0].attachments == (picture, document)  # still named: kept
    store.delete(branch.id)
    store.purge_deleted()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM attachment_blobs").fetchone()[0] == 0
    store.close()


def test_staged_bytes_swept_before_send_are_written_with_the_prompt(tmp_path):
    path = tmp_path / "c.db"
    store = ConversationStore(path)
    picture = stage_attachment(path, make_attachment("photo.png", png(20, 10, extra=5_000)))
    store.purge_deleted()  # a close between attaching and sending (or a staging that never happened)
    conversation = Conversation()
    conversation.add_user_message("look", (picture,))
    store.save_conversation(conversation)
    assert _stored_bytes(path, "data") == picture.size
    assert store.load(conversation.id).messages[0].attachments == (picture,)
    store.close()


def test_a_row_naming_bytes_that_are_gone_is_left_out(tmp_path):
    path = tmp_path / "c.db"
    store = ConversationStore(path)
    picture = stage_attachment(path, make_attachment("photo.png", png(20, 10)))
    conversation = Conversation()
    conversation.add_user_message("look", (picture, make_attachment("plan.pdf", PDF)))
    store.save_conversation(conversation)
    with sqlite3.connect(path) as db:  # a damaged or edited database
        db.execute("DELETE FROM attachment_blobs")
    assert [item.name for item in store.load(conversation.id).messages[0].attachments] == ["plan.pdf"]
    store.close()

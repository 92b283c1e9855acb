"""Branching a conversation of images writes no image again, whether it came in as a transcript (File › Import
transcripts…) or was written before attachment bytes were stored apart (moved by the pass after startup): Edit
an earlier prompt and Send, and the branch's rows name the bytes the history already holds."""

from __future__ import annotations

from PySide6.QtCore import QUrl

from bedrock_chat.core.conversation import Conversation
from bedrock_chat.core.transfer import export_conversation
from bedrock_chat.ui import inline_attachment_pass
from tests.old_history import database_bytes, inline_rows, old_conversation, write_schema5_history
from tests.ui.conftest import choose_model
from tests.ui.menu_helpers import import_through_menu


def _images(conversation: Conversation) -> int:
    return sum(item.size for message in conversation.messages for item in message.attachments)


def _edit_second_prompt_and_send(qtbot, window) -> Conversation:
    """Message › Edit on the second prompt, a new wording, Send: the branch holds the first turn and the edit."""
    original = window.conversation
    second = original.messages[2]
    window.chat.anchorClicked.emit(QUrl(f"message:edit:{second.id}"))
    assert window.attachments.attachments() == second.attachments  # the prompt's files come back with it
    window.prompt.setPlainText("and what is in this set, in one word?")
    with qtbot.waitSignal(window.reply_finished, timeout=30000):
        window.send_button.click()
    branch = window.conversation
    assert branch.id != original.id and branch.title == f"{original.title} (edited)"
    assert [message.attachments for message in branch.messages[::2]] == \
        [original.messages[0].attachments, second.attachments]
    return branch


def test_a_branch_of_an_imported_transcript_names_its_stored_images(qtbot, make_window, local_server, tmp_path,
                                                                    monkeypatch):
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    choose_model(qtbot, window, "Nova Lite")  # one that takes images and documents
    source = old_conversation("Album from a friend", prompts=3, images=3, image_bytes=1_000_000)
    export_conversation(source, tmp_path / "album.json")
    assert import_through_menu(qtbot, window, monkeypatch, [tmp_path / "album.json"]).errors == []
    database = window.store.path
    assert window.conversation.title == "Album from a friend"
    assert inline_rows(database, window.conversation.id) == 0
    before = database_bytes(database)

    branch = _edit_second_prompt_and_send(qtbot, window)
    assert inline_rows(database, branch.id) == 0
    assert database_bytes(database) - before < _images(source) / 20
    assert window.store.load(branch.id).messages[0].attachments == source.messages[0].attachments


def test_after_the_pass_a_branch_of_an_older_conversation_names_its_stored_images(qtbot, make_window, local_server,
                                                                                  tmp_path, monkeypatch):
    """A history from before schema 6: the conversation shown at startup was read with its images in its rows;
    the pass moves them apart meanwhile, and the branch then names them."""
    data = tmp_path / "data"
    source = old_conversation("Old album", prompts=3, images=3, image_bytes=1_000_000)
    write_schema5_history(data / "conversations.sqlite3", [source])
    monkeypatch.setattr(inline_attachment_pass, "START_DELAY_MS", 0)
    window = make_window(local_server.url, data_dir=data)
    database = window.store.path
    assert window.conversation.id == source.id  # shown as read at startup, its images in its rows
    shown = [item for message in window.conversation.messages for item in message.attachments]
    qtbot.waitUntil(lambda: all(item.digest for message in window.conversation.messages  # then named, once moved
                                for item in message.attachments), timeout=30000)
    assert inline_rows(database) == 0 and not window.history.inline_attachments.running
    assert [item for message in window.conversation.messages for item in message.attachments] == shown
    choose_model(qtbot, window, "Nova Lite")
    before = database_bytes(database)

    _edit_second_prompt_and_send(qtbot, window)
    assert inline_rows(database) == 0
    assert database_bytes(database) - before < _images(source) / 20
    assert window.store.load(source.id).messages[0].attachments == source.messages[0].attachments

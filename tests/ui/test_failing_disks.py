"""Failing disks through the window: a damaged history, a disk that fills mid-turn, a read-only folder. What the
window shows (the banner, the lasting "Not saved" indicator) and what is on disk after a restart."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QFileDialog, QInputDialog

from bedrock_chat.core import storage
from bedrock_chat.core.conversation import MessageState, Role
from bedrock_chat.core.history_open import DATABASE_NAME
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.core.transcript import from_json
from bedrock_chat.ui import storage_status
from tests.disk_helpers import database_with_a_damaged_page, digest, saved_conversation, tmpfs
from tests.ui.conftest import send_prompt, wait_until_opened


def _on_disk(path):
    store = ConversationStore(path, read_only=True)
    try:
        return {summary.id: store.load(summary.id) for summary in store.summaries()}
    finally:
        store.close()


def _history_made_read_only(disk):
    """One saved conversation, then the disk remounted read-only; returns that conversation."""
    store = ConversationStore(disk.path / DATABASE_NAME)
    kept = saved_conversation("an earlier question")
    store.save_conversation(kept)
    store.close()
    disk.remount("ro")
    return kept


def test_a_damaged_history_is_kept_and_what_is_readable_exported(qtbot, make_window, local_server, tmp_path,
                                                                  monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    written = database_with_a_damaged_page(data / DATABASE_NAME)
    before = digest(data / DATABASE_NAME)
    window = make_window(local_server.url, data_dir=data)  # before: a DatabaseError traceback, no window

    assert window.storage.banner.isVisible()
    shown = window.storage.text.text()
    assert "is damaged" in shown and "kept untouched as conversations.damaged-" in shown
    assert "Move it aside" not in shown
    damaged = next(data.glob("conversations.damaged-*.sqlite3"))
    assert digest(damaged) == before
    assert window.storage.export_button.isVisible()

    out = tmp_path / "rescued"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(out))
    with qtbot.waitSignal(window.storage.salvage_finished, timeout=20000):
        window.storage.export_button.click()
    rescued = [from_json(path.read_text(encoding="utf-8")) for path in out.glob("*.json")]
    assert len(rescued) >= len(written) // 2
    assert {c.id for c in rescued} <= {c.id for c in written}
    assert "Exported" in window.storage.text.text() and "Not readable" in window.storage.text.text()
    assert digest(damaged) == before  # reading it changed nothing

    reply = send_prompt(qtbot, window, "a fresh start")  # the fresh history saves
    assert reply.state == MessageState.COMPLETE and not window.storage.indicator.isVisible()
    window.close()
    assert any(c.messages[0].text == "a fresh start" for c in _on_disk(data / DATABASE_NAME).values())


def test_a_history_too_large_to_check_at_startup_is_checked_after_it(qtbot, make_window, local_server, tmp_path,
                                                                     monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    database_with_a_damaged_page(data / DATABASE_NAME, table="messages_fts_data")  # search index: not read at start
    monkeypatch.setattr(storage, "QUICK_CHECK_MAX_BYTES", 0)  # as if it were larger than the startup check takes
    monkeypatch.setattr(storage_status, "BACKGROUND_CHECK_DELAY_MS", 0)
    window = make_window(local_server.url, data_dir=data)
    qtbot.waitUntil(window.storage.banner.isVisible, timeout=10000)
    assert "A check found damage in the conversation database" in window.storage.text.text()
    assert window.storage.export_button.isVisible()
    window.close()
    before = digest(data / DATABASE_NAME)

    again = make_window(local_server.url, data_dir=data)  # the next start sets it aside, untouched
    assert "found during the last session" in again.storage.text.text()
    damaged = next(data.glob("conversations.damaged-*.sqlite3"))
    assert digest(damaged) == before
    assert again.storage.export_button.isVisible()


def test_damage_met_while_reading_is_a_message_and_the_next_start_sets_the_file_aside(qtbot, make_window,
                                                                                      local_server, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    store = ConversationStore(data / DATABASE_NAME)
    older = saved_conversation("zebra crossing question")
    older.title = "Zebras"  # the damaged bytes are in a message, not in the title the sidebar lists
    store.save_conversation(older)
    time.sleep(0.01)
    store.save_conversation(saved_conversation("the latest one"))
    store.close()
    raw = (data / DATABASE_NAME).read_bytes()
    assert raw.count(b"zebra crossing question") == 1
    at = raw.index(b"zebra crossing question")  # a flipped bit: sound pages, text that is no longer UTF-8
    (data / DATABASE_NAME).write_bytes(raw[:at] + b"\xff" + raw[at + 1:])

    window = make_window(local_server.url, data_dir=data)
    assert not window.storage.banner.isVisible()  # the startup check and first reads find nothing wrong
    listed = window.sidebar.list
    item = next(listed.item(row) for row in range(listed.count()) if listed.item(row).text().startswith("Zebras"))
    qtbot.mouseClick(listed.viewport(), Qt.MouseButton.LeftButton, pos=listed.visualItemRect(item).center())
    wait_until_opened(qtbot, window)
    # before: an exception out of the sidebar's slot and nothing in the window
    assert "Could not open the conversation: The conversation database" in window.error_text.text()
    assert "is damaged" in window.error_text.text()
    assert window.conversation.title == "the latest one"
    window.close()

    again = make_window(local_server.url, data_dir=data)
    assert "found during the last session" in again.storage.text.text()
    assert list(data.glob("conversations.damaged-*.sqlite3"))
    assert again.store.summaries() == []


def test_a_disk_that_fills_mid_session_loses_nothing_shown(qtbot, make_window, local_server, tmp_path, monkeypatch):
    with tmpfs(tmp_path / "disk", size="2m") as disk:
        window = make_window(local_server.url, data_dir=disk.path)
        window.saves.set_retry_interval(200)
        send_prompt(qtbot, window, "first, while there is room")
        assert not window.storage.indicator.isVisible()

        filler = disk.fill()
        second = send_prompt(qtbot, window, "second, on a full disk [tokens:400]")
        assert second.state == MessageState.COMPLETE  # the turn itself goes on
        assert window.storage.indicator.isVisible() and window.storage.indicator.text() == "⚠ Not saved"
        assert window.storage.banner.isVisible()
        assert "Not saved: The disk holding" in window.storage.text.text() and "is full" in window.storage.text.text()
        qtbot.waitUntil(lambda: "Reply finished, but it is NOT saved: The disk holding" in
                        window.statusBar().currentMessage(), timeout=2000)  # not a plain "Reply finished."
        assert not window.storage.dismiss_button.isVisible()

        monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Renamed on a full disk", True))
        window.sidebar.action_requested.emit("rename", window.conversation.id)  # the sidebar's context menu
        assert "Could not rename the conversation: The disk holding" in window.error_text.text()
        send_prompt(qtbot, window, "third, still full")  # the next Send does not clear the warning
        assert window.storage.banner.isVisible() and window.storage.indicator.isVisible()
        shown_id = window.conversation.id
        window.new_conversation()  # away and back: the conversation comes back as shown, not as on disk
        window.history.open_conversation(shown_id)
        wait_until_opened(qtbot, window)
        assert "third, still full" in window.chat.toPlainText()

        filler.unlink()  # room again: the periodic retry saves everything that was pending
        qtbot.waitUntil(lambda: not window.storage.indicator.isVisible(), timeout=5000)
        assert not window.storage.banner.isVisible()
        shown = [(m.role, m.text, m.state) for m in window.conversation.messages]
        window.close()

        again = make_window(local_server.url, data_dir=disk.path)  # a restart: everything shown is back
        assert [(m.role, m.text, m.state) for m in again.conversation.messages] == shown
        assert [m.text for m in again.conversation.messages if m.role == Role.USER] == [
            "first, while there is room", "second, on a full disk [tokens:400]", "third, still full"]
        assert "third, still full" in again.chat.toPlainText()
        again.close()


def test_a_disk_that_fills_while_a_reply_streams(qtbot, make_window, paced_server, tmp_path):
    with tmpfs(tmp_path / "disk", size="2m") as disk:
        window = make_window(paced_server.url, data_dir=disk.path)
        window.saves.set_retry_interval(200)
        window.prompt.setPlainText("A long story please [tokens:900]")
        with qtbot.waitSignal(window.reply_finished, timeout=30000) as finished:
            window.send_button.click()
            qtbot.waitUntil(lambda: len(window.conversation.messages[-1].text) > 300, timeout=15000)
            filler = disk.fill()  # mid-turn: the reply's saves every second now fail
            qtbot.waitUntil(window.storage.indicator.isVisible, timeout=5000)
        reply = finished.args[0]
        assert reply.state == MessageState.COMPLETE
        qtbot.waitUntil(lambda: "NOT saved" in window.statusBar().currentMessage(), timeout=2000)
        filler.unlink()
        qtbot.waitUntil(lambda: not window.storage.indicator.isVisible(), timeout=5000)
        window.close()
        again = make_window(paced_server.url, data_dir=disk.path)
        kept = again.conversation.messages[-1]
        assert kept.text == reply.text and kept.state == MessageState.COMPLETE
        again.close()


def test_closing_while_the_disk_is_full_keeps_the_unsaved_turn_as_a_transcript(qtbot, make_window, local_server,
                                                                               tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    with tmpfs(tmp_path / "disk", size="2m") as disk:
        window = make_window(local_server.url, data_dir=disk.path)
        send_prompt(qtbot, window, "saved before the disk filled")
        disk.fill()
        send_prompt(qtbot, window, "typed on a full disk")
        assert window.storage.indicator.isVisible()
        window.close()
    kept = [from_json(path.read_text(encoding="utf-8")) for path in home.glob("bedrock-chat-unsaved-*.json")]
    assert len(kept) == 1
    assert [m.text for m in kept[0].messages if m.role == Role.USER] == ["saved before the disk filled",
                                                                          "typed on a full disk"]


def test_a_read_only_folder_is_named_and_saving_resumes_when_writable(qtbot, make_window, local_server, tmp_path):
    with tmpfs(tmp_path / "disk") as disk:
        kept = _history_made_read_only(disk)

        window = make_window(local_server.url, data_dir=disk.path)
        assert window.conversation.id == kept.id and "an earlier question" in window.chat.toPlainText()
        text = window.storage.text.text()
        assert "is read-only" in text and "damaged" not in text and "corrupt" not in text
        assert window.storage.indicator.isVisible()
        window.saves.set_retry_interval(200)
        send_prompt(qtbot, window, "asked while read-only")
        qtbot.waitUntil(lambda: "NOT saved" in window.statusBar().currentMessage(), timeout=2000)
        assert window.storage.indicator.isVisible()

        disk.remount("rw")
        qtbot.waitUntil(lambda: not window.storage.indicator.isVisible(), timeout=5000)
        window.close()
        texts = [m.text for m in _on_disk(disk.path / DATABASE_NAME)[kept.id].messages]
        assert "asked while read-only" in texts and len(texts) == 4


def test_two_windows_on_a_read_only_folder_never_both_write_once_it_is_writable(qtbot, make_window, local_server,
                                                                                tmp_path):
    with tmpfs(tmp_path / "disk") as disk:
        ConversationStore(disk.path / DATABASE_NAME).close()
        disk.remount("ro")  # no lock file can be written: both open it read-only
        first = make_window(local_server.url, data_dir=disk.path)
        second = make_window(local_server.url, data_dir=disk.path)
        disk.remount("rw")
        send_prompt(qtbot, first, "the first to write takes the folder")
        assert not first.storage.indicator.isVisible()
        send_prompt(qtbot, second, "the other one may not")
        assert second.storage.indicator.isVisible()
        assert "Another copy of Bedrock Chat" in second.storage.text.text()
        first.close()
        titles = {c.title for c in _on_disk(disk.path / DATABASE_NAME).values()}
        assert titles == {"the first to write takes the folder"}  # nothing of the other one while both ran
        second.close()  # the folder is free now: the other one's pending turn is saved, not lost
        titles = {c.title for c in _on_disk(disk.path / DATABASE_NAME).values()}
        assert titles == {"the first to write takes the folder", "the other one may not"}


def test_a_data_dir_under_a_read_only_parent_starts_with_a_message(qtbot, make_window, local_server, tmp_path):
    with tmpfs(tmp_path / "disk") as disk:
        disk.remount("ro")
        window = make_window(local_server.url, data_dir=disk.path / "not" / "there")
        assert "is read-only" in window.storage.text.text() and window.storage.indicator.isVisible()
        assert "kept as JSON transcripts" in window.storage.text.text()
        reply = send_prompt(qtbot, window, "works all the same")
        assert reply.state == MessageState.COMPLETE
        (tmp_path / "home").mkdir()
        window.close()  # the session lived in memory: it is kept as a transcript in the home folder
    kept = [from_json(path.read_text(encoding="utf-8")) for path in (tmp_path / "home").glob("bedrock-chat-*.json")]
    assert [m.text for m in kept[0].messages] == ["works all the same", reply.text]


def test_a_data_dir_that_is_a_file_starts_with_a_message(qtbot, make_window, local_server, tmp_path):
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder")
    window = make_window(local_server.url, data_dir=in_the_way)
    assert "is a file, not a folder" in window.storage.text.text()
    assert window.storage.indicator.isVisible()
    assert in_the_way.read_text() == "not a folder"


def test_corrupt_settings_in_a_read_only_folder(qtbot, make_window, local_server, tmp_path):
    with tmpfs(tmp_path / "disk") as disk:
        broken = b"\xff\xfe[params]\nbroken=\x00\x01{{{\n[connection\nmodel="
        (disk.path / "settings.ini").write_bytes(broken)
        disk.remount("ro")
        window = make_window(local_server.url, data_dir=disk.path)  # before: a traceback from Path.replace
        assert "could not be read and its folder cannot be written" in window.error_text.text()
        assert window.current_model().invoke_id == "amazon.nova-micro-v1:0"
        window.close()
        assert (disk.path / "settings.ini").read_bytes() == broken


@pytest.fixture(autouse=True)
def _no_home_writes(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def test_editing_an_earlier_prompt_on_a_read_only_folder_sends_nothing_until_it_can_branch(
        qtbot, make_window, local_server, tmp_path):
    with tmpfs(tmp_path / "disk") as disk:
        kept = _history_made_read_only(disk)

        window = make_window(local_server.url, data_dir=disk.path)
        first = window.conversation.messages[0]
        window.chat.anchorClicked.emit(QUrl(f"message:edit:{first.id}"))  # the message's Edit link
        window.prompt.setPlainText("the question, asked better")
        window.send_button.click()
        assert "Could not start a branch" in window.error_text.text() and "read-only" in window.error_text.text()
        assert not window.busy  # nothing was sent...
        assert window.prompt.toPlainText() == "the question, asked better"  # ...and nothing typed is lost
        assert [m.id for m in window.conversation.messages] == [m.id for m in kept.messages]

        disk.remount("rw")
        with qtbot.waitSignal(window.reply_finished, timeout=15000) as finished:
            window.send_button.click()  # the edit is still pending: this Send branches
        assert finished.args[0].state == MessageState.COMPLETE
        assert window.conversation.id != kept.id and window.conversation.title.endswith("(edited)")
        assert window.conversation.messages[0].text == "the question, asked better"
        window.close()
        assert [m.text for m in _on_disk(disk.path / DATABASE_NAME)[kept.id].messages] == [
            m.text for m in kept.messages]


def test_closing_on_a_full_disk_keeps_every_unsaved_conversation_even_when_two_share_a_name(
        qtbot, make_window, local_server, tmp_path, monkeypatch):
    """Two imported conversations with one title and ids that begin alike were rescued under one file name at
    close, the second over the first: one conversation's unsaved turn was lost."""

    from tests.ui.menu_helpers import import_through_menu, same_title_transcripts

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))  # where the transcripts go when the data folder's disk is full
    sources = same_title_transcripts(tmp_path)
    with tmpfs(tmp_path / "disk", size="2m") as disk:
        window = make_window(local_server.url, data_dir=disk.path)
        imported = import_through_menu(qtbot, window, monkeypatch, sources).imported
        disk.fill()
        for conversation in imported:
            listing = window.sidebar.list
            item = next(listing.item(row) for row in range(listing.count())
                        if listing.item(row).data(Qt.ItemDataRole.UserRole) == conversation.id)
            qtbot.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton, pos=listing.visualItemRect(item).center())
            qtbot.waitUntil(lambda conversation=conversation: window.conversation.id == conversation.id, timeout=5000)
            send_prompt(qtbot, window, f"typed in {conversation.id} on a full disk")
        assert window.storage.indicator.isVisible()
        window.close()
        kept = [from_json(path.read_text(encoding="utf-8")) for folder in (disk.path, home)
                for path in folder.glob("bedrock-chat-unsaved-*.json")]
    assert sorted(m.text for c in kept for m in c.messages if m.text.startswith("typed in")) == [
        "typed in weekly-sync-1 on a full disk", "typed in weekly-sync-2 on a full disk"]

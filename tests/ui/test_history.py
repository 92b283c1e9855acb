"""History through the window: new, switch, rename, pin, delete and undo, search and jump, branches,
regenerate, export and import, and no secret anywhere on disk."""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import Qt, QUrl
from PySide6.QtTest import QTest

from bedrock_chat.core.conversation import MessageState, Role
from tests.ui.conftest import send_prompt, wait_until_opened
from tests.ui.menu_helpers import import_through_menu


def _titles(window) -> list[str]:
    return [window.sidebar.list.item(i).text().split("\n")[0] for i in range(window.sidebar.list.count())]


def test_new_switch_rename_pin_delete_undo(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    send_prompt(qtbot, window, "first topic about volcanoes")
    window.new_conversation()
    assert window.chat.toPlainText().startswith("Start a conversation")
    send_prompt(qtbot, window, "second topic about rivers")
    assert _titles(window) == ["second topic about rivers", "first topic about volcanoes"]

    first_id = window.store.summaries()[1].id
    window.sidebar.list.item(1).setSelected(True)
    window.sidebar._activated(window.sidebar.list.item(1))
    wait_until_opened(qtbot, window)
    assert window.conversation.id == first_id and "volcanoes" in window.chat.toPlainText()

    window.history.rename_conversation(first_id, "Volcano notes")
    window.history.on_sidebar_action("pin", first_id)
    assert _titles(window) == ["★ Volcano notes", "second topic about rivers"]

    window.history.delete_conversation(first_id)
    assert _titles(window) == ["second topic about rivers"]
    assert window.conversation.messages == []
    window.history.undo_delete()
    wait_until_opened(qtbot, window)
    assert window.conversation.id == first_id and window.conversation.title == "Volcano notes"
    assert len(_titles(window)) == 2


def test_search_finds_an_old_reply_and_jumps_to_it(qtbot, make_window, local_server, tmp_path):
    window = make_window(local_server.url)
    target = send_prompt(qtbot, window, "capital of Japan please")
    window.new_conversation()
    send_prompt(qtbot, window, "something else entirely")
    window.close()
    again = make_window(local_server.url, data_dir=tmp_path)
    qtbot.keyClicks(again.sidebar.search, "Tokyo")
    qtbot.waitUntil(lambda: "match" in again.sidebar.caption.text(), timeout=3000)
    assert again.sidebar.caption.text() == "1 match for “Tokyo”"
    label = again.sidebar.list.itemWidget(again.sidebar.list.item(0))
    assert "<b>Tokyo</b>" in label.text()
    again.sidebar._activated(again.sidebar.list.item(0))
    wait_until_opened(qtbot, again)
    assert again.conversation.messages[1].id == target.id
    assert "The capital of Japan is Tokyo." in again.chat.toPlainText()


def test_edit_an_earlier_prompt_branches_and_regenerate_supersedes(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    send_prompt(qtbot, window, "capital of France")
    send_prompt(qtbot, window, "and its rivers?")
    original_id = window.conversation.id
    first_user = window.conversation.messages[0]
    window.chat.anchorClicked.emit(QUrl(f"message:edit:{first_user.id}"))
    assert window.prompt.toPlainText() == "capital of France"
    window.prompt.setPlainText("capital of Japan")
    with qtbot.waitSignal(window.reply_finished, timeout=15000):
        window.send_button.click()
    assert window.conversation.id != original_id
    assert [m.text for m in window.conversation.messages if m.role == Role.USER] == ["capital of Japan"]
    assert window.conversation.title.endswith("(edited)")
    assert len(window.store.load(original_id).messages) == 4  # the later turns did not vanish

    old_reply = window.conversation.messages[-1]
    with qtbot.waitSignal(window.reply_finished, timeout=15000) as blocker:
        window.chat.anchorClicked.emit(QUrl(f"message:regenerate:{old_reply.id}"))
    assert old_reply.state == MessageState.SUPERSEDED
    assert blocker.args[0].state == MessageState.COMPLETE
    assert "Replaced by a regenerated reply" in window.chat.toPlainText()
    assert window.conversation.history() == [(Role.USER, "capital of Japan")]

    window.chat.anchorClicked.emit(QUrl(f"message:copy:{blocker.args[0].id}"))
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == blocker.args[0].text


def test_an_edit_left_for_another_conversation_takes_its_notice_along(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    send_prompt(qtbot, window, "capital of France")
    first_user = window.conversation.messages[0]
    window.chat.anchorClicked.emit(QUrl(f"message:edit:{first_user.id}"))
    status = window.statusBar()
    assert status.currentMessage().startswith("Editing an earlier prompt: Send starts a branch")
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.history.editing is None  # Send now asks in the new conversation, no branch
    assert status.currentMessage() == ""  # so nothing may still say it starts one

    status.showMessage("Imported 3 conversations.", 8000)  # news of another kind stays when the view changes
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert status.currentMessage() == "Imported 3 conversations."


def test_export_all_and_import_with_a_corrupt_file(qtbot, make_window, local_server, tmp_path, monkeypatch):
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    send_prompt(qtbot, window, "exported question")
    from bedrock_chat.core.transfer import export_all

    out = tmp_path / "out"
    written = export_all([window.store.load(s.id) for s in window.store.summaries()], out)
    corrupt = out / "corrupt.json"
    corrupt.write_text(written[0].read_text()[:-40])
    other = make_window(local_server.url, data_dir=tmp_path / "other")
    report = import_through_menu(qtbot, other, monkeypatch, [written[0], corrupt])
    assert len(report.errors) == 1 and "corrupt.json" in report.errors[0]
    assert "1 file was not imported:\ncorrupt.json: The file is not valid JSON" in other.error_text.text()
    assert other.statusBar().currentMessage() == "Imported 1 of 2 files."
    assert [s.title for s in other.store.summaries()] == ["exported question"]
    assert "exported question" in other.chat.toPlainText()
    window.write_transcript(out / "page.html")
    assert "default-src 'none'" in (out / "page.html").read_text()


def test_no_secret_is_stored_anywhere(qtbot, make_window, local_server, tmp_path, monkeypatch, caplog):
    secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
    session_token = "FwoGZXIvYXdzSESSIONTOKENabcdef0123456789"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUSERKEYFORTEST01")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret_key)
    monkeypatch.setenv("AWS_SESSION_TOKEN", session_token)
    caplog.set_level(logging.DEBUG)
    from bedrock_chat.app import create_window

    data = tmp_path / "data"
    window = create_window(["--online", "--endpoint-url", local_server.url, "--data-dir", str(data)])
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(window.models), timeout=15000)
    send_prompt(qtbot, window, "a question with my real credentials [fault:throttle-once]")
    assert any(r.access_key_id == "AKIAUSERKEYFORTEST01" for r in local_server.requests)  # they were used
    for suffix in (".md", ".json", ".html"):
        window.write_transcript(tmp_path / f"export{suffix}")
    window.close()
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert any(path.name == "conversations.sqlite3" for path in files)
    assert any(path.name == "settings.ini" for path in files)
    for path in files:
        content = path.read_bytes()
        for secret in (secret_key, session_token, "AKIAUSERKEYFORTEST01"):
            assert secret.encode() not in content, (path, secret)
    logged = caplog.text + json.dumps([r.getMessage() for r in caplog.records])
    assert secret_key not in logged and session_token not in logged


def test_long_conversations_open_with_the_latest_messages_and_page_back(qtbot, make_window, local_server):
    from bedrock_chat.core.conversation import Conversation, Message
    from bedrock_chat.ui.chat_view import EARLIER_URL, RENDER_WINDOW

    window = make_window(local_server.url)
    conversation = Conversation(title="long")
    for index in range(150):
        conversation.messages.append(Message(Role.USER, f"question number {index}"))
        conversation.messages.append(Message(Role.ASSISTANT, f"answer number {index}", model_id="m"))
    window.store.save_conversation(conversation)
    window.history.open_conversation(conversation.id)
    wait_until_opened(qtbot, window)
    shown = window.chat.toPlainText()
    assert "answer number 149" in shown and "question number 0\n" not in shown
    assert f"({300 - RENDER_WINDOW} not shown)" in shown
    window.chat.anchorClicked.emit(QUrl(EARLIER_URL))
    assert f"({300 - RENDER_WINDOW - 100} not shown)" in window.chat.toPlainText()
    window.history.jump_to_message(conversation.id, conversation.messages[0].id)
    wait_until_opened(qtbot, window)
    assert "question number 0" in window.chat.toPlainText()
    assert "not shown" not in window.chat.toPlainText()

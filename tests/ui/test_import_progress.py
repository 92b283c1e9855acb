"""A large import shows its progress, can be cancelled from its dialog, and a window closed during an import
waits for the worker and keeps nothing half-written."""

from __future__ import annotations

import sqlite3
import threading

from PySide6.QtWidgets import QFileDialog, QProgressDialog, QPushButton

from bedrock_chat.core.conversation import Conversation, Message, Role
from bedrock_chat.core.transcript import to_json


def _large(folder, name: str = "large.json", messages: int = 1500):
    conversation = Conversation(title="large")
    chunk = "lorem ipsum dolor sit amet " * 800
    for index in range(messages):
        conversation.messages.append(Message(Role.USER if index % 2 == 0 else Role.ASSISTANT, f"{index} {chunk}"))
    path = folder / name
    path.write_text(to_json(conversation), encoding="utf-8")
    return path


def _answer_open_dialog(monkeypatch, paths) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(p) for p in paths], "JSON transcript (*.json)")))


def test_cancel_from_the_progress_dialog_keeps_nothing(qtbot, make_window, local_server, tmp_path, monkeypatch):
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    paths = [_large(tmp_path, f"large-{n}.json") for n in range(3)]
    _answer_open_dialog(monkeypatch, paths)
    before = window.store.summaries()
    with qtbot.waitSignal(window.importer.finished, timeout=60000) as blocker:
        window.action_by_id["file.import"].trigger()
        qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(QProgressDialog)), timeout=10000)
        dialog = next(d for d in window.findChildren(QProgressDialog) if d.isVisible())
        assert dialog.accessibleName() == "Import progress" and dialog.value() < dialog.maximum()
        cancel = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel")
        cancel.click()
    report = blocker.args[0]
    assert report.cancelled and len(report.imported) < 3
    assert window.statusBar().currentMessage().endswith("The import was cancelled.")
    assert len(window.store.summaries()) == len(before) + len(report.imported)
    assert not any(d.isVisible() for d in window.findChildren(QProgressDialog))
    hidden = sqlite3.connect(tmp_path / "data" / "conversations.sqlite3").execute(
        "SELECT COUNT(*) FROM conversations WHERE deleted_at IS NOT NULL").fetchone()[0]
    assert hidden == 0  # the file being stored when Cancel came left nothing behind


def test_closing_during_an_import_waits_and_keeps_nothing_half_written(qtbot, make_window, local_server, tmp_path,
                                                                       monkeypatch):
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    _answer_open_dialog(monkeypatch, [_large(tmp_path, messages=2400)])
    window.action_by_id["file.import"].trigger()
    qtbot.waitUntil(lambda: window.importer.running, timeout=5000)
    window.close()
    assert not window.importer.running
    assert not any(t.name == "transcript-import" for t in threading.enumerate())
    database = sqlite3.connect(tmp_path / "data" / "conversations.sqlite3")
    rows = database.execute("SELECT id, deleted_at FROM conversations").fetchall()
    assert all(deleted is None for _, deleted in rows)
    for (conversation_id, _) in rows:  # whatever came in, came in whole
        count = database.execute("SELECT COUNT(*) FROM messages WHERE conversation_id = ?",
                                 (conversation_id,)).fetchone()[0]
        assert count == 2400


def test_the_window_keeps_working_during_a_large_import(qtbot, make_window, local_server, tmp_path, monkeypatch):
    """A reply streams and is saved while 40 MB are imported; both end up whole in the database."""
    from tests.ui.conftest import send_prompt

    window = make_window(local_server.url, data_dir=tmp_path / "data")
    _answer_open_dialog(monkeypatch, [_large(tmp_path, messages=2000)])
    with qtbot.waitSignal(window.importer.finished, timeout=60000) as blocker:
        window.action_by_id["file.import"].trigger()
        assert window.importer.running  # its end is delivered through the event loop, so this cannot race
        reply = send_prompt(qtbot, window, "capital of Japan while importing")
        chatted = window.conversation.id
    assert "Tokyo" in reply.text and blocker.args[0].errors == []
    assert [m.text for m in window.store.load(chatted).messages][-1] == reply.text
    assert len(window.store.load(blocker.args[0].imported[0].id).messages) == 2000


def test_import_into_a_session_only_store(qtbot, make_window, local_server, tmp_path, monkeypatch):
    """When the database could not be opened the session runs on an in-memory store, which a second
    connection cannot see: files are still read off the GUI thread and stored on it."""
    from pathlib import Path

    from bedrock_chat.core.storage import ConversationStore
    from tests.ui.menu_helpers import import_through_menu

    window = make_window(local_server.url, data_dir=tmp_path / "data")
    window.store = ConversationStore(Path(":memory:"))
    assert not window.store.background_writable
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    report = import_through_menu(qtbot, window, monkeypatch, [_large(tmp_path, messages=10), broken])
    assert len(report.imported) == 1 and len(report.errors) == 1 and report.errors[0].startswith("broken.json: ")
    assert [s.title for s in window.store.summaries()] == ["large"]
    assert len(window.conversation.messages) == 10


def test_an_import_respects_the_folder_lock_and_a_full_disk(qtbot, make_window, local_server, tmp_path, monkeypatch):
    """A window that opened its folder read-only (and lost the folder to another copy) never writes an import
    behind that copy's back; a disk that fills names the file and the disk. Real tmpfs mounts."""
    from bedrock_chat.core.history_open import DATABASE_NAME
    from bedrock_chat.core.storage import ConversationStore
    from tests.disk_helpers import tmpfs
    from tests.ui.conftest import send_prompt
    from tests.ui.menu_helpers import import_through_menu

    source = _large(tmp_path, messages=200)  # ~4.3 MB: more than the 2 MB disk below holds
    small = tmp_path / "small.json"
    conversation = Conversation(title="small one")
    conversation.add_user_message("a short question")
    small.write_text(to_json(conversation), encoding="utf-8")
    with tmpfs(tmp_path / "disk") as disk:
        ConversationStore(disk.path / DATABASE_NAME).close()
        disk.remount("ro")  # no lock file can be written: both open it read-only
        first = make_window(local_server.url, data_dir=disk.path)
        second = make_window(local_server.url, data_dir=disk.path)
        assert not second.store.background_writable
        disk.remount("rw")
        send_prompt(qtbot, first, "the first to write takes the folder")
        report = import_through_menu(qtbot, second, monkeypatch, [small])
        assert report.imported == [] and len(report.errors) == 1
        assert report.errors[0].startswith("small.json: It was read but could not be stored. Another copy")
        titles = [s.title for s in first.store.summaries()]
        assert titles == ["the first to write takes the folder"]

        report = import_through_menu(qtbot, first, monkeypatch, [source, small])
        assert [c.title for c in report.imported] == ["small one"]
        assert report.errors[0].startswith("large.json: It was read but could not be stored. The disk holding")
        assert "is full. Free some disk space." in report.errors[0]
        assert sorted(s.title for s in first.store.summaries()) == ["small one", "the first to write takes the folder"]
        second.close()
        first.close()


def test_files_chosen_while_an_import_runs_are_imported_after_it(qtbot, make_window, local_server, tmp_path,
                                                                  monkeypatch):
    """The person answered the Import dialog a second time while a large import ran: those files were never
    imported, and only a status line ("An import is already running.") said so. They now wait their turn."""
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    small = Conversation(title="small one")
    small.messages.append(Message(Role.USER, "a short transcript"))
    (tmp_path / "small.json").write_text(to_json(small), encoding="utf-8")
    reports = []
    window.importer.finished.connect(reports.append)
    _answer_open_dialog(monkeypatch, [_large(tmp_path, messages=600)])
    window.action_by_id["file.import"].trigger()
    assert window.importer.running
    _answer_open_dialog(monkeypatch, [tmp_path / "small.json"])
    window.action_by_id["file.import"].trigger()
    qtbot.waitUntil(lambda: len(reports) == 2, timeout=60000)
    assert [[c.title for c in report.imported] for report in reports] == [["large"], ["small one"]]
    assert sorted(summary.title for summary in window.store.summaries()) == ["large", "small one"]
    assert not window.importer.running


def test_the_import_summary_stays_in_the_status_bar_while_the_import_opens(qtbot, make_window, local_server, tmp_path,
                                                                          monkeypatch):
    from bedrock_chat.core.attachments import make_attachment
    from bedrock_chat.core.transfer import export_conversation
    from bedrock_chat.ui import conversation_loader
    from tests.attachment_files import png

    monkeypatch.setattr(conversation_loader, "NOTICE_AFTER_MS", 0)  # "Opening…" as soon as the open starts
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    conversation = Conversation(title="photos to import")
    prompt = Message(Role.USER, "what are these?")
    prompt.attachments = tuple(make_attachment(f"photo-{n}.png", png(8, 8, extra=1_000_000)) for n in range(4))
    conversation.messages.append(prompt)
    source = tmp_path / "photos.json"
    export_conversation(conversation, source)
    _answer_open_dialog(monkeypatch, [source])
    shown_status: list[str] = []
    window.statusBar().messageChanged.connect(shown_status.append)
    with qtbot.waitSignal(window.importer.finished, timeout=30000):
        window.action_by_id["file.import"].trigger()
    qtbot.waitUntil(lambda: window.conversation.title == "photos to import", timeout=15000)
    qtbot.wait(50)
    assert window.statusBar().currentMessage() == "Imported 1 of 1 file."  # before: cleared with "Opening…"
    assert conversation_loader.OPENING_NOTICE not in shown_status[shown_status.index("Imported 1 of 1 file."):]

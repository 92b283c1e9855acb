"""Exports run off the GUI thread, as a person starts them (File › Save transcript, File › Export all, the sidebar's
Export, with the file dialogs answered): the same files as before, a damaged conversation named and the rest
exported, a read-only folder or a full disk said in the window, the window's timers running on through a large
export, and a cancelled or failed export leaving no half-written file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QProgressDialog, QPushButton

from bedrock_chat.core.attachments import make_attachment
from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role
from bedrock_chat.core.history_open import DATABASE_NAME
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.core.transcript import from_json
from bedrock_chat.core.transfer import export_all, export_conversation
from tests.attachment_files import PDF, png
from tests.disk_helpers import tmpfs
from tests.ui.conftest import GuiHeartbeat
from tests.ui.menu_helpers import export_all_through_menu, save_through_menu


def _conversation(title: str, pictures: int = 1, picture_bytes: int = 2000, text_chars: int = 200) -> Conversation:
    conversation = Conversation(title=title)
    images = tuple(make_attachment(f"photo {n}.png", png(6, 4, extra=picture_bytes + n)) for n in range(pictures))
    conversation.add_user_message(f"{title}: what is in these? " + "x" * text_chars,
                                  (*images, make_attachment("notes.pdf", PDF)))
    reply = conversation.start_reply("amazon.nova-lite-v1:0", "converse", {"temperature": 0.5})
    reply.text, reply.state = f"{title}: <b>pictures</b> & notes " + "y" * text_chars, MessageState.COMPLETE
    conversation.messages.append(Message(Role.USER, "and then?"))
    return conversation


def _history(data: Path, conversations: list[Conversation]) -> None:
    store = ConversationStore(data / DATABASE_NAME)
    for conversation in conversations:  # the last one saved is the newest: the window opens it
        store.save_conversation(conversation)
    store.close()


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_export_and_export_all_write_the_same_files_as_before(qtbot, make_window, local_server, tmp_path,
                                                               monkeypatch):
    data = tmp_path / "data"
    _history(data, [_conversation(f"trip {n}", pictures=2) for n in range(3)])
    window = make_window(local_server.url, data_dir=data)
    stored = [window.store.load(summary.id) for summary in window.store.summaries()]
    export_all(stored, tmp_path / "before")  # what Export all wrote, on the GUI thread, before

    folder = tmp_path / "all"
    folder.mkdir()
    report = export_all_through_menu(qtbot, window, monkeypatch, folder)
    assert len(report.written) == report.total == 3 and report.failure is None and report.unreadable == []
    assert _files(folder) == _files(tmp_path / "before")
    assert window.statusBar().currentMessage() == f"Exported 3 conversations to {folder}"

    for suffix, chosen in ((".html", "Web page (*.html)"), (".json", "JSON transcript (*.json)"), (".md", "")):
        export_conversation(window.conversation, tmp_path / f"before{suffix}")
        report = save_through_menu(qtbot, window, monkeypatch, tmp_path / f"now{suffix}", chosen)
        assert report.written == [tmp_path / f"now{suffix}"]
        assert (tmp_path / f"now{suffix}").read_bytes() == (tmp_path / f"before{suffix}").read_bytes()
        assert window.statusBar().currentMessage() == f"Saved {tmp_path / f'now{suffix}'}"

    other = stored[-1]  # not the one on screen: read from the store on the worker
    assert other.id != window.conversation.id
    export_conversation(other, tmp_path / "other-before.json")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(tmp_path / "other"),
                                                                                    "JSON transcript (*.json)")))
    item = next(window.sidebar.list.item(i) for i in range(window.sidebar.list.count())
                if window.sidebar.list.item(i).data(Qt.ItemDataRole.UserRole) == other.id)
    action = next(a for a in window.sidebar.context_menu(item).actions() if a.objectName() == "export")
    with qtbot.waitSignal(window.exporter.finished, timeout=20000):
        action.trigger()
    assert (tmp_path / "other.json").read_bytes() == (tmp_path / "other-before.json").read_bytes()


def test_a_damaged_conversation_is_named_and_the_others_are_exported(qtbot, make_window, local_server, tmp_path,
                                                                     monkeypatch):
    data = tmp_path / "data"
    made = [_conversation(f"trip {n}") for n in range(3)]
    _history(data, made)
    with sqlite3.connect(data / DATABASE_NAME) as db:  # an edited or damaged row of the oldest one
        db.execute("UPDATE messages SET role = 'narrator' WHERE conversation_id = ? AND position = 1", (made[0].id,))
    window = make_window(local_server.url, data_dir=data)
    folder = tmp_path / "all"
    folder.mkdir()
    report = export_all_through_menu(qtbot, window, monkeypatch, folder)
    assert report.total == 3 and len(report.written) == 2 and len(report.unreadable) == 1
    assert sorted(from_json(path.read_text(encoding="utf-8")).title for path in folder.iterdir()) == \
        ["trip 1", "trip 2"]
    assert "“trip 0” could not be read from the history" in window.error_text.text()
    assert "so it was left out" in window.error_text.text()
    assert window.statusBar().currentMessage() == f"Exported 2 conversations to {folder} (of 3)."


def test_a_read_only_folder_is_said_in_the_window(qtbot, make_window, local_server, tmp_path, monkeypatch):
    """A real read-only mount (tests run as root, where chmod does not stop writes)."""
    warnings: list[str] = []  # the old path's modal box, recorded instead of waiting for a click
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a: warnings.append(text)))
    data = tmp_path / "data"
    _history(data, [_conversation(f"trip {n}") for n in range(2)])
    window = make_window(local_server.url, data_dir=data)
    with tmpfs(tmp_path / "disk") as disk:
        disk.remount("ro")
        report = export_all_through_menu(qtbot, window, monkeypatch, disk.path)
        assert report.written == [] and report.failure is not None
        shown = window.error_text.text()
        assert f"Could not write to {disk.path}: Read-only file system." in shown
        assert "Choose another folder or free some disk space." in shown
        assert list(disk.path.iterdir()) == []

        report = save_through_menu(qtbot, window, monkeypatch, disk.path / "one.json")
        assert report.written == [] and not (disk.path / "one.json").exists()
        assert f"Could not write {disk.path / 'one.json'}: Read-only file system." in window.error_text.text()
        assert window.statusBar().currentMessage() == "one.json was not saved."
    assert warnings == []


def test_a_full_disk_leaves_no_half_written_file(qtbot, make_window, local_server, tmp_path, monkeypatch):
    data = tmp_path / "data"
    _history(data, [_conversation(f"trip {n}", pictures=1, picture_bytes=700_000) for n in range(4)])
    window = make_window(local_server.url, data_dir=data)
    with tmpfs(tmp_path / "disk", size="2m") as disk:  # room for one or two of the ~1 MB files, not four
        report = export_all_through_menu(qtbot, window, monkeypatch, disk.path)
        assert report.failure is not None and 0 < len(report.written) < 4
        assert "No space left on device" in window.error_text.text()
        assert f"{len(report.written)} of 4 conversations were exported before." in window.error_text.text()
        assert sorted(disk.path.iterdir()) == sorted(report.written)  # no temporary file, no partial one
        for path in report.written:
            assert len(from_json(path.read_text(encoding="utf-8")).messages) == 3


def _large_history(data: Path, conversations: int = 8) -> None:
    # About 110 MB of pictures: on the GUI thread, reading, encoding and writing them froze the window for seconds.
    _history(data, [_conversation(f"album {n}", pictures=4, picture_bytes=3_400_000) for n in range(conversations)])


def _window_with_export_folder(make_window, url: str, tmp_path: Path, monkeypatch, conversations: int):
    """A window on a large history whose Export all folder dialog answers with an empty folder ``all``."""
    data = tmp_path / "data"
    _large_history(data, conversations=conversations)
    window = make_window(url, data_dir=data)
    folder = tmp_path / "all"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(folder)))
    return window, folder


def test_the_window_keeps_running_its_timers_during_a_large_export(qtbot, make_window, local_server, tmp_path,
                                                                   monkeypatch):
    data = tmp_path / "data"
    _large_history(data)
    window = make_window(local_server.url, data_dir=data)
    heartbeat = GuiHeartbeat(qtbot, window)
    folder = tmp_path / "all"
    folder.mkdir()
    report = export_all_through_menu(qtbot, window, monkeypatch, folder)
    largest_gap = heartbeat.stop()
    assert len(report.written) == 8
    # Behaviour, not a timing target: the GUI thread was never held for the export (it took seconds there).
    assert largest_gap < 0.5, largest_gap  # about 0.04 s here; 1.6 s when the export ran on the GUI thread


def test_cancel_from_the_progress_dialog_leaves_only_whole_files(qtbot, make_window, local_server, tmp_path,
                                                                monkeypatch):
    window, folder = _window_with_export_folder(make_window, local_server.url, tmp_path, monkeypatch, 10)
    with qtbot.waitSignal(window.exporter.finished, timeout=60000) as blocker:
        window.action_by_id["file.export_all"].trigger()
        qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(QProgressDialog)), timeout=20000)
        dialog = next(d for d in window.findChildren(QProgressDialog) if d.isVisible())
        assert dialog.accessibleName() == "Export progress"
        next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel").click()
    report = blocker.args[0]
    assert report.cancelled and len(report.written) < 10
    assert window.statusBar().currentMessage().endswith("the export was cancelled.")
    assert sorted(path.name for path in folder.iterdir()) == sorted(path.name for path in report.written)
    for path in folder.iterdir():  # every file there is whole
        assert len(from_json(path.read_text(encoding="utf-8")).messages) == 3
    assert not any(d.isVisible() for d in window.findChildren(QProgressDialog))


def test_closing_during_an_export_waits_for_the_worker(qtbot, make_window, local_server, tmp_path, monkeypatch):
    import threading

    window, folder = _window_with_export_folder(make_window, local_server.url, tmp_path, monkeypatch, 4)
    window.action_by_id["file.export_all"].trigger()
    assert window.exporter.running
    window.close()
    assert not window.exporter.running
    assert not any(thread.name == "conversation-export" for thread in threading.enumerate())
    for path in folder.iterdir():
        assert not path.name.endswith(".tmp")
        assert len(from_json(path.read_text(encoding="utf-8")).messages) == 3


def test_save_transcript_chosen_while_export_all_runs_is_written_after_it(qtbot, make_window, local_server, tmp_path,
                                                                          monkeypatch):
    """The person answered the Save dialog while Export all was still writing: their file was never written, and
    only a status line ("An export is already running.") said so. It now waits its turn."""
    window, _folder = _window_with_export_folder(make_window, local_server.url, tmp_path, monkeypatch, 4)
    target = tmp_path / "this one.md"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    reports = []
    window.exporter.finished.connect(reports.append)
    window.action_by_id["file.export_all"].trigger()
    assert window.exporter.running
    window.action_by_id["file.save"].trigger()
    qtbot.waitUntil(lambda: len(reports) == 2, timeout=60000)
    assert [report.everything for report in reports] == [True, False]
    assert len(reports[0].written) == 4 and reports[1].written == [target]
    assert window.conversation.title in target.read_text(encoding="utf-8")
    assert not window.exporter.running


def test_the_progress_dialog_shows_the_file_name_as_it_is(qtbot, make_window, local_server, tmp_path, monkeypatch):
    """A name chosen in the Save dialog may look like markup (an existing file called ``<img src=…>.md``): the
    progress dialog's line guessed rich text from it and rendered the tag instead of the name."""
    data = tmp_path / "data"
    _large_history(data, conversations=1)
    window = make_window(local_server.url, data_dir=data)
    target = tmp_path / "<b>bold<b> <img src='x.png'>.md"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    seen = []
    with qtbot.waitSignal(window.exporter.finished, timeout=60000):
        window.action_by_id["file.save"].trigger()
        dialog = window.findChildren(QProgressDialog)[-1]
        seen = [(label.text(), label.textFormat()) for label in dialog.findChildren(QLabel)]
    assert (f"Writing {target.name}…", Qt.TextFormat.PlainText) in seen
    assert target.exists()


def test_text_no_file_can_hold_is_named_and_the_next_export_still_runs(qtbot, make_window, local_server, tmp_path,
                                                                         monkeypatch):
    """A reply holding a lone surrogate (a model's broken output) cannot be written as UTF-8: Save transcript says
    so in the window and leaves no file, and the export after it runs as usual."""
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    window.conversation.messages.append(Message(Role.USER, "broken \ud800 text"))
    target = tmp_path / "broken.md"
    report = save_through_menu(qtbot, window, monkeypatch, target, "Markdown (*.md)")
    assert report.written == [] and not target.exists() and not list(tmp_path.glob(".broken.md.*"))
    assert "cannot be written as UTF-8" in window.error_banner.text.text()
    window.conversation.messages.clear()
    window.conversation.messages.append(Message(Role.USER, "fine text"))
    report = save_through_menu(qtbot, window, monkeypatch, tmp_path / "fine.md", "Markdown (*.md)")
    assert report.written == [tmp_path / "fine.md"] and "fine text" in (tmp_path / "fine.md").read_text()

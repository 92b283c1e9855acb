"""Attached files are read, checked and stored on a worker, as a person attaches them (the Attach dialog answered):
the window keeps running while the tray says how far it is, Send waits for them, Send itself then writes only small
rows, and a kill -9 right after Send keeps the prompt and every attachment."""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from bedrock_chat.core.attachments import MAX_IMAGE_BYTES, make_attachment
from bedrock_chat.core.conversation import MessageState
from bedrock_chat.core.history_open import DATABASE_NAME
from bedrock_chat.core.storage import ConversationStore
from tests.attachment_files import PDF, png
from tests.ui.conftest import GuiHeartbeat, choose_model, send_prompt
from tests.ui.menu_helpers import wait_for_attachments

VISION_MODEL = "amazon.nova-lite-v1:0"


def _pictures(folder: Path, count: int, size: int) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for number in range(count):  # each one different, so none is stored twice
        paths.append(folder / f"photo {number}.png")
        paths[-1].write_bytes(png(8, 6, extra=size - 200 - number))
    return paths


def _answer_dialog(monkeypatch, paths: list[Path]) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(p) for p in paths], "")))


def _database_bytes(data: Path) -> int:
    return sum(path.stat().st_size for path in data.glob(f"{DATABASE_NAME}*"))


def test_a_full_tray_is_read_off_the_gui_thread_and_send_waits_for_it(qtbot, make_window, local_server, tmp_path,
                                                                       monkeypatch):
    data = tmp_path / "data"
    window = make_window(local_server.url, data_dir=data)
    choose_model(qtbot, window, VISION_MODEL)
    qtbot.waitUntil(lambda: window.current_model().invoke_id == VISION_MODEL)
    paths = _pictures(tmp_path / "photos", 20, MAX_IMAGE_BYTES - 1000)
    for number in range(5):
        paths.append(tmp_path / "photos" / f"report {number}.pdf")
        paths[-1].write_bytes(PDF + b"%" * (4_400_000 + number))
    _answer_dialog(monkeypatch, paths)
    window.prompt.setPlainText("What do these show?")
    heartbeat = GuiHeartbeat(qtbot, window)

    window.attach_button.click()
    # The click returns at once: the files are not in the tray yet, the tray says it is reading, Send waits.
    assert window.attachments.attachments() == () and window.attachments.is_reading
    assert window.attachments.reading.maximum() == 25
    assert window.attachments.reading.accessibleName() == "Reading attachments"
    assert not window.send_button.isEnabled()
    wait_for_attachments(qtbot, window, timeout=60000)
    largest_gap = heartbeat.stop()
    assert len(window.attachments.chips) == 25 and window.attachments.problem.text() == ""
    assert not window.attachments.is_reading and not window.attachments.reading.isVisible()
    assert window.send_button.isEnabled()
    assert largest_gap < 0.5  # behaviour, not a timing target


def test_send_writes_small_rows_and_the_prompt_keeps_every_attachment(qtbot, make_window, local_server, tmp_path,
                                                                      monkeypatch):
    """The bytes were stored as the files were attached; Send then adds rows naming them, not 12 MB again (a
    request carries at most 20 MB, base64 included)."""
    data = tmp_path / "data"
    window = make_window(local_server.url, data_dir=data)
    choose_model(qtbot, window, VISION_MODEL)
    qtbot.waitUntil(lambda: window.current_model().invoke_id == VISION_MODEL)
    paths = _pictures(tmp_path / "photos", 20, 600_000)
    _answer_dialog(monkeypatch, paths)
    window.attach_button.click()
    wait_for_attachments(qtbot, window)
    assert len(window.attachments.chips) == 20

    before = _database_bytes(data)
    window.prompt.setPlainText("Twenty pictures")
    window.send_button.click()  # the prompt is saved within the click, as before
    grown = _database_bytes(data) - before
    assert grown < 1_000_000, grown  # 12 MB when Send wrote the bytes on the GUI thread
    prompt = window.conversation.messages[0]
    with qtbot.waitSignal(window.reply_finished, timeout=20000) as blocker:
        pass
    assert blocker.args[0].state == MessageState.COMPLETE, blocker.args[0].error
    stored = window.store.load(window.conversation.id).messages[0]
    assert stored.attachments == prompt.attachments
    assert [item.data for item in stored.attachments] == [path.read_bytes() for path in paths]

    follow_up = send_prompt(qtbot, window, "and again")  # the next turn sends them from the store's copy too
    assert follow_up.state == MessageState.COMPLETE and follow_up.text.startswith("[attachments] image png")


def test_files_attached_but_never_sent_are_not_kept(qtbot, make_window, local_server, tmp_path, monkeypatch):
    data = tmp_path / "data"
    window = make_window(local_server.url, data_dir=data)
    _answer_dialog(monkeypatch, _pictures(tmp_path / "photos", 3, 500_000))
    window.attach_button.click()
    wait_for_attachments(qtbot, window)
    assert len(window.attachments.chips) == 3
    window.close()
    with sqlite3.connect(data / DATABASE_NAME) as db:
        assert db.execute("SELECT COUNT(*) FROM attachment_blobs").fetchone()[0] == 0


_CHILD = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication, QFileDialog
app = QApplication([])
from bedrock_chat.app import create_window
paths = sys.argv[3:]
QFileDialog.getOpenFileNames = staticmethod(lambda *a, **k: (paths, ""))
window = create_window(["--offline", "--endpoint-url", sys.argv[1], "--data-dir", sys.argv[2],
                        "--model", "amazon.nova-lite-v1:0"])
window.show()
def send():
    window.prompt.setPlainText("What is in these twenty pictures?")
    window.send_button.click()
    print("sent", len(window.conversation.messages), flush=True)
window.attachment_intake.finished.connect(send)
window.models_loaded.connect(lambda count: window.attach_button.click())
app.exec()
"""


def test_kill_minus_nine_right_after_send_keeps_the_prompt_and_its_attachments(local_server, tmp_path):
    data = tmp_path / "data"
    paths = _pictures(tmp_path / "photos", 20, 1_500_000)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen([sys.executable, "-c", _CHILD, local_server.url, str(data), *map(str, paths)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert child.stdout is not None
        ready, _, _ = select.select([child.stdout], [], [], 60)  # Send returned, or the child is stuck
        line = child.stdout.readline() if ready else "nothing within 60 s"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    assert line.startswith("sent"), line
    store = ConversationStore(data / DATABASE_NAME)
    try:
        prompt = store.load(store.summaries()[0].id).messages[0]
    finally:
        store.close()
    assert prompt.text == "What is in these twenty pictures?"
    assert [item.name for item in prompt.attachments] == [path.name for path in paths]
    assert [item.data for item in prompt.attachments] == [path.read_bytes() for path in paths]
    assert prompt.attachments == tuple(make_attachment(path.name, path.read_bytes()) for path in paths)

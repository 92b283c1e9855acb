"""kill -9 while a reply streams: what arrived up to about a second before is on disk, marked interrupted."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from bedrock_chat.core.conversation import MessageState, Role
from bedrock_chat.core.storage import ConversationStore
from tests.ui.conftest import send_prompt

_CHILD = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from bedrock_chat.app import create_window
window = create_window(["--offline", "--endpoint-url", sys.argv[1], "--data-dir", sys.argv[2]])
window.show()
def go(count):
    window.prompt.setPlainText("Tell me a long story [tokens:5000] [fault:drip:100]")
    window.send()
window.models_loaded.connect(go)
app.exec()
"""


def _saved_reply_length(database) -> int:
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as db:
            row = db.execute("SELECT length(text) FROM messages WHERE role = 'assistant'").fetchone()
    except sqlite3.OperationalError:
        return 0
    return int(row[0]) if row and row[0] else 0


def test_kill_minus_nine_mid_stream_keeps_the_reply(qtbot, make_window, paced_server, tmp_path):
    database = tmp_path / "conversations.sqlite3"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen([sys.executable, "-c", _CHILD, paced_server.url, str(tmp_path)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while _saved_reply_length(database) < 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _saved_reply_length(database) >= 200, "the reply was not saved while it streamed"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL

    store = ConversationStore(database)
    conversation = store.load(store.summaries()[0].id)
    store.close()
    reply = conversation.messages[-1]
    assert reply.role == Role.ASSISTANT and reply.state == MessageState.INTERRUPTED
    assert len(reply.text) >= 200

    window = make_window(paced_server.url, data_dir=tmp_path)
    assert "interrupted when the app closed" in window.chat.toPlainText()
    follow_up = send_prompt(qtbot, window, "please go on")
    assert follow_up.state == MessageState.COMPLETE
    assert "turn 2" in follow_up.text  # the interrupted reply is part of the history sent

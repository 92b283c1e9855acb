"""Closing the window at every phase of a turn, in a child process as a person runs the app: it exits 0 in
under a second, never waits for the turn's thread, and what arrived is saved."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bedrock_chat.core.conversation import MessageState, Role
from bedrock_chat.core.storage import ConversationStore

_ROOT = Path(__file__).resolve().parents[2]  # the child imports tests.conftest's helper
_CHILD = """
import select, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from bedrock_chat.app import create_window, run
from tests.conftest import send_header
url, data_dir, fault, api, streaming = sys.argv[1:6]
window = create_window(["--offline", "--endpoint-url", url, "--data-dir", data_dir])

def go(count):
    send_header(window.clients.runtime, "x-bedrock-local-fault", fault)
    window.parameters.api.setCurrentIndex(window.parameters.api.findData(api))
    window.parameters.streaming.setChecked(streaming == "1")
    window.prompt.setPlainText("Tell me about rivers")
    window.send()
    print("sent", flush=True)

def close_when_asked():
    if select.select([sys.stdin], [], [], 0)[0] and sys.stdin.readline().strip() == "close":
        window.close()

window.models_loaded.connect(go)
poll = QTimer()
poll.timeout.connect(close_when_asked)
poll.start(10)
run(window)  # as the app runs it
"""


@pytest.mark.parametrize(
    ("fault", "api", "streaming"),
    [
        ("hang:30", "converse", True),  # waiting for response headers
        ("hang:30", "invoke", False),  # a non-streaming call
        ("stall:30", "converse", True),  # streaming, then silence
        ("throttle", "converse", True),  # botocore backing off before a retry
    ],
)
def test_close_at_every_phase_exits_at_once_and_saves(paced_server, tmp_path, fault, api, streaming):
    name = fault.split(":")[0]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(_ROOT)}
    child = subprocess.Popen([sys.executable, "-c", _CHILD, paced_server.url, str(tmp_path), fault, api,
                              "1" if streaming else "0"], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "sent"
        deadline = time.monotonic() + 15
        while not any(request.fault == name for request in paced_server.requests):
            assert time.monotonic() < deadline, "the request never arrived"
            time.sleep(0.01)
        time.sleep(0.02 if name == "throttle" else 0.5)  # backing off / silent, or the first tokens arrived
        sent = sum(1 for request in paced_server.requests if request.fault == name)
        asked = time.monotonic()
        child.stdin.write("close\n")  # type: ignore[union-attr]
        child.stdin.flush()  # type: ignore[union-attr]
        code = child.wait(timeout=10)
        took = time.monotonic() - asked
    finally:
        if child.poll() is None:
            child.kill()
    errors = child.stderr.read()  # type: ignore[union-attr]
    assert code == 0, errors
    print(f"closed at {name} ({api}, streaming={streaming}) in {took:.3f} s")
    assert took < 1.0
    assert "Traceback" not in errors and "QThread" not in errors
    assert any(end.fault == name and end.at >= asked for end in paced_server.connection_ends)
    assert sum(1 for request in paced_server.requests if request.fault == name) == sent

    store = ConversationStore(tmp_path / "conversations.sqlite3")
    conversation = store.load(store.summaries()[0].id)
    store.close()
    prompt, reply = conversation.messages
    assert prompt.role == Role.USER and prompt.text == "Tell me about rivers"
    assert reply.role == Role.ASSISTANT and reply.state == MessageState.STOPPED
    assert bool(reply.text) == (name == "stall")  # the tokens before the stall were saved

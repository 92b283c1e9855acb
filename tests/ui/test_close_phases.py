"""Closing the window at every phase of a turn, in a child process as a person runs the app: it exits 0 in
under a second, never waits for the turn's thread, and what arrived is saved."""

from __future__ import annotations

import os
import socket
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
url, data_dir, fault, api, streaming, runtime_url = sys.argv[1:7]
window = create_window(["--offline", "--endpoint-url", url, "--data-dir", data_dir])

def go(count):
    from bedrock_chat.bedrock import turn_host
    host = turn_host.wait_until_ready(60)  # the turn goes to the turn host process, as a person's turns do
    print("host", host.process.pid, flush=True)
    if runtime_url != "-":  # the turn goes to a host that does not answer (models came from the endpoint)
        from bedrock_chat.bedrock.session import BedrockClients, ConnectionSettings
        window.clients.runtime = BedrockClients(ConnectionSettings(endpoint_url=runtime_url, offline=True)).runtime
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
    child = _start_child(paced_server.url, tmp_path, fault, api, streaming)
    try:
        _wait_for(lambda: any(request.fault == name for request in paced_server.requests))
        time.sleep(0.02 if name == "throttle" else 0.5)  # backing off / silent, or the first tokens arrived
        asked, code, took, errors = _close(child)
    finally:
        if child.poll() is None:
            child.kill()
    print(f"closed at {name} ({api}, streaming={streaming}) in {took:.3f} s")
    assert code == 0, errors
    assert took < 1.0
    assert "Traceback" not in errors and "QThread" not in errors
    assert any(end.fault == name and end.at >= asked for end in paced_server.connection_ends)  # hung up
    _assert_saved(tmp_path, with_text=name == "stall")  # the tokens before the stall were saved


def test_close_while_connecting_exits_at_once_and_saves(paced_server, tmp_path):
    # A listening socket whose accept queue is full: the kernel drops the SYN, so connect() hangs.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    filler = socket.create_connection(listener.getsockname())
    runtime_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    child = _start_child(paced_server.url, tmp_path, "none", "converse", True, runtime_url)
    try:
        time.sleep(0.8)  # the window connected, sent, and its turn is stuck in connect()
        _, code, took, errors = _close(child)
    finally:
        if child.poll() is None:
            child.kill()
        filler.close()
        listener.close()
    print(f"closed while connecting in {took:.3f} s")
    assert code == 0, errors
    assert took < 1.0
    assert "Traceback" not in errors and "QThread" not in errors
    _assert_saved(tmp_path, with_text=False)


def _start_child(url, data_dir, fault, api, streaming, runtime_url="-"):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(_ROOT)}
    child = subprocess.Popen([sys.executable, "-c", _CHILD, url, str(data_dir), fault, api, "1" if streaming else "0",
                              runtime_url], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    host = child.stdout.readline().split()
    assert host[0] == "host" and child.stdout.readline().strip() == "sent"
    child.host_pid = int(host[1])
    return child


def _wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition was not met in time"
        time.sleep(0.01)


def _close(child):
    """Asks the child to close its window (as a click would) and times it until the process has ended."""
    asked = time.monotonic()
    child.stdin.write("close\n")
    child.stdin.flush()
    code = child.wait(timeout=10)
    took = time.monotonic() - asked
    errors = child.stderr.read()
    _wait_for(lambda: not Path(f"/proc/{child.host_pid}").exists() or "zombie" in _state(child.host_pid),
              timeout=2.0)  # the turn host ended with the app
    return asked, code, took, errors


def _state(pid):
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"


def _assert_saved(data_dir, with_text):
    store = ConversationStore(data_dir / "conversations.sqlite3")
    conversation = store.load(store.summaries()[0].id)
    store.close()
    prompt, reply = conversation.messages
    assert prompt.role == Role.USER and prompt.text == "Tell me about rivers"
    assert reply.role == Role.ASSISTANT and reply.state == MessageState.STOPPED
    assert bool(reply.text) == with_text

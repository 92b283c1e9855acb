"""The turn host process through the window: a host that dies, and no host at all."""

from __future__ import annotations

import logging
import os

from bedrock_chat.bedrock import turn_host
from bedrock_chat.core.conversation import MessageState
from bedrock_chat.local_endpoint.faults import FAULT_HEADER
from bedrock_chat.ui.worker import TurnRunner
from tests.conftest import send_header, stop_sending_header
from tests.ui.conftest import send_prompt, wait_for_turn_host


def _count_host_deliveries(monkeypatch) -> list[str]:
    kinds: list[str] = []
    original = TurnRunner.deliver

    def deliver(self, kind, payload):
        kinds.append(kind)
        original(self, kind, payload)

    monkeypatch.setattr(TurnRunner, "deliver", deliver)
    return kinds


def test_replies_come_from_the_host(qtbot, make_window, local_server, monkeypatch):
    window = make_window(local_server.url)
    host = turn_host.ready_host()
    assert host is not None
    # Connecting had the host build its client, so the first turn does not wait for botocore to build one.
    qtbot.waitUntil(lambda: window.clients.info.serial in host.prepared, timeout=10000)
    kinds = _count_host_deliveries(monkeypatch)
    reply = send_prompt(qtbot, window, "Write at length [tokens:400]")
    assert reply.state == MessageState.COMPLETE and reply.text
    assert "text" in kinds and "finished" in kinds
    assert window.stats.values["stop"].text()  # the stop reason came through the host too


def test_a_host_that_dies_mid_reply_fails_it_with_a_message_and_a_new_one_takes_the_next(qtbot, make_window,
                                                                                        paced_server, monkeypatch):
    window = make_window(paced_server.url)
    old = turn_host.ready_host()
    assert old is not None
    send_header(window.clients.runtime, FAULT_HEADER, "stall:30")
    window.prompt.setPlainText("Tell me a story")
    with qtbot.waitSignal(window.reply_finished, timeout=10000) as blocker:
        window.send_button.click()
        qtbot.waitUntil(lambda: bool(window.turns.reply and window.turns.reply.text), timeout=10000)
        os.kill(old.process.pid, 9)
    failed = blocker.args[0]
    assert failed.state == MessageState.FAILED and failed.text  # what arrived is kept
    assert "stopped unexpectedly" in (failed.error or "")
    assert "stopped unexpectedly" in window.chat.toPlainText()

    stop_sending_header(window.clients.runtime, FAULT_HEADER)
    wait_for_turn_host()
    new = turn_host.ready_host()
    assert new is not None and new is not old
    # The new host builds the open connection's client as soon as it is ready, not in the next turn.
    qtbot.waitUntil(lambda: window.clients.info.serial in new.prepared, timeout=10000)
    kinds = _count_host_deliveries(monkeypatch)
    follow_up = send_prompt(qtbot, window, "And about lakes?")
    assert follow_up.state == MessageState.COMPLETE and follow_up.text and "finished" in kinds


class _CannotStart(turn_host.TurnHost):
    def start(self) -> None:
        raise OSError(24, "Too many open files")


def test_when_no_host_can_start_turns_run_here_and_the_log_says_why(qtbot, make_window, local_server, monkeypatch,
                                                                   caplog):
    monkeypatch.setattr(turn_host, "_host", None)  # the running host is left alone, just not used here
    monkeypatch.setattr(turn_host, "_failed_starts", 0)
    monkeypatch.setattr(turn_host, "_gave_up", None)
    monkeypatch.setattr(turn_host, "TurnHost", _CannotStart)
    caplog.set_level(logging.WARNING, logger="bedrock_chat.bedrock.turn_host")
    window = make_window(local_server.url, wait_for_models=False)
    qtbot.waitUntil(lambda: bool(window.models), timeout=15000)
    qtbot.waitUntil(lambda: not turn_host.enabled(), timeout=10000)
    assert "Too many open files" in caplog.text and "turns run in this process" in caplog.text
    kinds = _count_host_deliveries(monkeypatch)
    reply = send_prompt(qtbot, window, "Tell me about rivers")
    assert reply.state == MessageState.COMPLETE and reply.text
    assert kinds == []  # it ran on a thread of the app, as before the host existed

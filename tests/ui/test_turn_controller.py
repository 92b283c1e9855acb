"""The turn controller on its own (no window), and the window's Reconnect during a reply."""

from __future__ import annotations

import time

from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.bedrock.session import BedrockClients, ConnectionSettings
from bedrock_chat.core.catalog import model_info
from bedrock_chat.core.conversation import Conversation, MessageState
from bedrock_chat.core.events import Usage
from bedrock_chat.core.params import GenerationParams, RequestOptions
from bedrock_chat.local_endpoint.faults import FAULT_HEADER
from bedrock_chat.ui.turn_controller import TurnController
from bedrock_chat.ui.worker import turn_signals
from tests.conftest import send_header

NOVA = model_info("amazon.nova-micro-v1:0")


def _request(conversation: Conversation) -> TurnRequest:
    return TurnRequest(NOVA, conversation.history(), GenerationParams(max_tokens=400), RequestOptions())


def test_a_late_report_of_a_stopped_turn_never_reaches_the_next_reply(qtbot, paced_server):
    controller = TurnController()
    stalled = BedrockClients(ConnectionSettings(endpoint_url=paced_server.url, offline=True))
    send_header(stalled.runtime, FAULT_HEADER, "stall:30")
    dripping = BedrockClients(ConnectionSettings(endpoint_url=paced_server.url, offline=True))
    send_header(dripping.runtime, FAULT_HEADER, "drip:40")
    numbers: list[int] = []

    def note_number(number: int, *_: object) -> None:  # runs on the turn's thread
        numbers.append(number)

    turn_signals().started.connect(note_number)
    try:
        _stop_then_start_again(qtbot, controller, stalled, dripping, numbers)
    finally:
        turn_signals().started.disconnect(note_number)


def _stop_then_start_again(qtbot, controller, stalled, dripping, numbers):
    busy: list[bool] = []
    controller.busy_changed.connect(busy.append)

    conversation = Conversation()
    conversation.add_user_message("Tell me about rivers")
    first = controller.start(stalled.runtime, _request(conversation), conversation)
    qtbot.waitUntil(lambda: bool(first.text), timeout=10000)
    with qtbot.waitSignal(controller.reply_finished, timeout=500) as stopped:
        controller.stop()
    assert stopped.args[0] is first and first.state == MessageState.STOPPED
    first_text = first.text

    conversation.add_user_message("And about lakes? [tokens:30]")
    second = controller.start(dripping.runtime, _request(conversation), conversation)
    qtbot.waitUntil(lambda: bool(second.text), timeout=10000)
    # What the stopped turn's thread could still say arrives now, while the next reply streams.
    signals = turn_signals()
    signals.usage_received.emit(numbers[0], Usage(input_tokens=999_999, output_tokens=999_999))
    signals.deltas_available.emit(numbers[0])
    signals.failed.emit(numbers[0], "late failure", time.monotonic())
    signals.finished.emit(numbers[0], time.monotonic())
    qtbot.wait(100)
    assert controller.busy and controller.reply is second
    with qtbot.waitSignal(controller.reply_finished, timeout=10000) as finished:
        pass
    reply, stats, _pricing = finished.args
    assert reply is second and reply.state == MessageState.COMPLETE and reply.error is None
    assert stats.usage.input_tokens != 999_999
    assert first.text == first_text and first.text not in second.text
    assert busy == [True, False, True, False]


def test_reconnect_during_a_reply_keeps_its_client_and_closes_the_old_one_after(qtbot, paced_server, tmp_path,
                                                                               monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDLOCALTEST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local-secret-key")
    from bedrock_chat.app import create_window

    window = create_window(["--online", "--endpoint-url", paced_server.url, "--data-dir", str(tmp_path)])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(window.models), timeout=15000)
    assert window.refresh_button.isEnabled()
    old = window.clients
    send_header(old.runtime, FAULT_HEADER, "drip:30")
    window.prompt.setPlainText("Tell me about rivers [tokens:40]")
    window.send_button.click()
    qtbot.waitUntil(lambda: bool(window.turns.reply.text), timeout=10000)

    with qtbot.waitSignal(window.models_loaded, timeout=15000):
        window.refresh_button.click()
        assert window.stop_button.isEnabled() and not window.model_box.isEnabled()
    assert window.clients is not old
    assert window.busy and window.stop_button.isEnabled() and not window.model_box.isEnabled()
    assert not window.send_button.isEnabled()
    assert not any(end.fault == "drip" for end in paced_server.connection_ends)  # still in use by the reply

    with qtbot.waitSignal(window.reply_finished, timeout=15000) as blocker:
        pass
    reply = blocker.args[0]
    assert reply.state == MessageState.COMPLETE and reply.stats["outputTokens"] == 40  # the old client finished it
    assert window.model_box.isEnabled() and not window.stop_button.isEnabled()
    # The old client is closed now that no turn uses it: the server sees its kept-alive connection end.
    qtbot.waitUntil(lambda: any(end.fault == "drip" for end in paced_server.connection_ends), timeout=5000)
    window.close()

"""Stop, close mid-stream, and every failure shown as a clear message with the prompt kept for Retry."""

from __future__ import annotations

import time

import pytest

from bedrock_chat.core.conversation import MessageState, Role
from tests.conftest import send_header, stop_sending_header
from tests.ui.conftest import send_prompt


def _wait_for_text(qtbot, window):
    qtbot.waitUntil(lambda: window.turns.reply is not None and len(window.turns.reply.text) > 0, timeout=10000)


def test_stop_ends_a_silent_stream_within_half_a_second(qtbot, make_window, paced_server):
    window = make_window(paced_server.url)
    window.prompt.setPlainText("Tell me a story [fault:stall:30]")
    window.send_button.click()
    assert not window.send_button.isEnabled() and window.stop_button.isEnabled()
    _wait_for_text(qtbot, window)
    qtbot.wait(300)  # the server is now silent
    partial = window.turns.reply.text
    pressed = time.monotonic()
    with qtbot.waitSignal(window.reply_finished, timeout=2000) as blocker:
        window.stop_button.click()
    assert time.monotonic() - pressed < 0.5
    reply = blocker.args[0]
    assert reply.state == MessageState.STOPPED
    assert reply.text == partial and partial
    assert "Stopped by you" in window.chat.toPlainText()
    assert window.stats.values["stop"].text() == "stopped by you"
    assert window.send_button.isEnabled() is False  # the prompt box is empty again
    window.prompt.setPlainText("next")
    assert window.send_button.isEnabled()


def test_escape_stops(qtbot, make_window, paced_server):
    from PySide6.QtCore import Qt

    window = make_window(paced_server.url)
    window.prompt.setPlainText("Tell me a story [fault:drip:20]")
    window.send_button.click()
    _wait_for_text(qtbot, window)
    with qtbot.waitSignal(window.reply_finished, timeout=2000) as blocker:
        qtbot.keyClick(window.prompt, Qt.Key.Key_Escape)
    assert blocker.args[0].state == MessageState.STOPPED


def test_closing_mid_stream_hangs_up_without_waiting(qtbot, make_window, paced_server, tmp_path):
    window = make_window(paced_server.url)
    window.prompt.setPlainText("Tell me a story [fault:stall:30]")
    window.send_button.click()
    _wait_for_text(qtbot, window)
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 1
    qtbot.waitUntil(lambda: any(end.fault == "stall" for end in paced_server.connection_ends), timeout=1000)
    reopened = make_window(paced_server.url, data_dir=tmp_path)
    kept = reopened.conversation.messages[-1]
    assert kept.role == Role.ASSISTANT and kept.text and kept.state == MessageState.STOPPED


@pytest.mark.parametrize(
    ("fault", "expected", "partial"),
    [
        ("access-denied", "Model access", False),
        ("validation", "Bedrock rejected the request", False),
        ("model-timeout", "took too long", False),
        ("throttle", "Slow down", False),
        ("expired-token", "credentials have expired", False),
        ("stream-exception:10", "stream failed partway", True),
        ("drop:10", "connection dropped", True),
    ],
)
def test_failures_are_clear_messages_and_retry_works(qtbot, make_window, local_server, fault, expected, partial):
    window = make_window(local_server.url)
    send_header(window.clients.runtime, "x-bedrock-local-fault", fault)
    reply = send_prompt(qtbot, window, "Explain retries", timeout=40000)  # botocore backs off up to ~15 s
    assert reply.state == MessageState.FAILED
    assert expected in window.error_text.text()
    assert not window.error_banner.isHidden() and not window.retry_button.isHidden()
    shown = window.chat.toPlainText()
    assert "Failed: " in shown and reply.error not in shown  # a short marker; the card holds the message
    assert "Traceback" not in shown
    assert bool(reply.text) == partial
    assert window.conversation.last_user_message().text == "Explain retries"

    stop_sending_header(window.clients.runtime, "x-bedrock-local-fault")
    with qtbot.waitSignal(window.reply_finished, timeout=15000) as blocker:
        window.retry_button.click()
    retried = blocker.args[0]
    assert retried.state == MessageState.COMPLETE
    assert window.error_banner.isHidden()
    states = [(m.role, m.state) for m in window.conversation.messages]
    assert states == [(Role.USER, MessageState.COMPLETE), (Role.ASSISTANT, MessageState.FAILED),
                      (Role.ASSISTANT, MessageState.COMPLETE)]
    # The failed reply stays visible but is never sent back to the model.
    assert window.conversation.history() == [(Role.USER, "Explain retries")]


def test_throttle_once_is_retried_by_botocore(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    reply = send_prompt(qtbot, window, "Retry me quietly [fault:throttle-once]")
    assert reply.state == MessageState.COMPLETE
    assert window.error_banner.isHidden()


def test_missing_credentials(qtbot, make_window, local_server, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    from bedrock_chat.app import create_window

    window = create_window(["--online", "--endpoint-url", local_server.url, "--data-dir", "/tmp/bc-no-creds"])
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: not window.error_banner.isHidden(), timeout=15000)
    assert "No AWS credentials were found" in window.error_text.text()
    assert "aws configure" in window.error_text.text()
    assert not window.send_button.isEnabled()
    window.close()


def test_unreachable_region(qtbot, make_window):
    from bedrock_chat.app import create_window

    window = create_window(["--offline", "--endpoint-url", "http://127.0.0.1:9", "--region", "xx-nowhere-1",
                            "--data-dir", "/tmp/bc-unreachable"])
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: not window.error_banner.isHidden(), timeout=30000)
    # A custom endpoint URL is named (the region is not what failed), and the model list was not blamed for text.
    assert "Cannot reach the endpoint http://127.0.0.1:9" in window.error_text.text()
    assert "pick a region" not in window.error_text.text()
    assert "text that arrived" not in window.error_text.text()
    window.details_button.click()
    assert "EndpointConnectionError" in window.error_details.toPlainText()
    assert not window.error_details.isHidden()
    window.close()

"""Stop at every phase of a turn, through the window, real boto3 and the local endpoint: the turn ends in the
window within half a second, the server sees the hang-up, nothing is retried, and the next prompt goes out."""

from __future__ import annotations

import socket
import time

import pytest

from bedrock_chat.core.conversation import MessageState
from bedrock_chat.local_endpoint.faults import FAULT_HEADER
from tests.conftest import send_header, stop_sending_header
from tests.ui.conftest import send_prompt


def _choose_api(window, api: str, streaming: bool) -> None:
    window.parameters.api.setCurrentIndex(window.parameters.api.findData(api))
    window.parameters.streaming.setChecked(streaming)


def _faulted(server, name: str) -> int:
    return sum(1 for request in server.requests if request.fault == name)


@pytest.mark.parametrize(
    ("fault", "api", "streaming"),
    [
        ("hang:30", "converse", True),  # waiting for response headers
        ("hang:30", "converse", False),  # a non-streaming Converse call
        ("hang:30", "invoke", False),  # a non-streaming InvokeModel call
        ("stall:30", "invoke", True),  # streaming, then silence
        ("throttle", "converse", True),  # botocore backing off before a retry
    ],
)
def test_stop_ends_the_turn_at_every_phase(qtbot, make_window, paced_server, fault, api, streaming):
    name = fault.split(":")[0]
    window = make_window(paced_server.url)
    runtime = window.clients.runtime
    _choose_api(window, api, streaming)
    send_header(runtime, FAULT_HEADER, fault)
    window.prompt.setPlainText("Tell me about rivers")
    window.send_button.click()
    qtbot.waitUntil(lambda: _faulted(paced_server, name) >= 1, timeout=10000)
    if name == "stall":
        qtbot.waitUntil(lambda: bool(window.turns.reply.text), timeout=10000)
    qtbot.wait(20 if name == "throttle" else 300)
    partial = window.turns.reply.text
    pressed = time.monotonic()
    with qtbot.waitSignal(window.reply_finished, timeout=2000) as blocker:
        window.stop_button.click()
    took = time.monotonic() - pressed
    print(f"stopped at {name} ({api}, streaming={streaming}) in {took * 1000:.1f} ms")
    assert took < 0.5
    stopped = blocker.args[0]
    assert stopped.state == MessageState.STOPPED and stopped.text == partial
    assert not window.stop_button.isEnabled() and window.model_box.isEnabled()
    qtbot.waitUntil(lambda: any(end.fault == name and end.at >= pressed for end in paced_server.connection_ends),
                    timeout=1000)  # the server saw the connection closed (it polls every 50 ms)
    sent = _faulted(paced_server, name)  # everything sent before Stop, on that connection, has been read by now

    stop_sending_header(runtime, FAULT_HEADER)
    started = time.monotonic()
    follow_up = send_prompt(qtbot, window, "And about lakes?")
    assert follow_up.state == MessageState.COMPLETE and follow_up.text
    assert time.monotonic() - started < 5
    # Once botocore has let go of the stopped turn (a back-off sleep ends on its own), nothing more was sent.
    qtbot.waitUntil(lambda: not window.turns.uses(runtime), timeout=25000)
    assert _faulted(paced_server, name) == sent
    assert stopped.text == partial and stopped.state == MessageState.STOPPED
    assert window.chat.toPlainText().count("Stopped by you") == 1


def test_stop_while_connecting_ends_at_once_and_the_late_connection_sends_nothing(qtbot, make_window, paced_server):
    from bedrock_chat.bedrock.session import BedrockClients, ConnectionSettings

    window = make_window(paced_server.url)
    # A listening socket whose accept queue is full: the kernel drops the SYN, so connect() hangs.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    filler = socket.create_connection(("127.0.0.1", port))
    reachable = window.clients.runtime
    unreachable = BedrockClients(ConnectionSettings(endpoint_url=f"http://127.0.0.1:{port}", offline=True)).runtime
    try:
        window.clients.runtime = unreachable  # the next turn goes to a host that does not answer the SYN
        window.prompt.setPlainText("Tell me about rivers")
        window.send_button.click()
        qtbot.wait(300)
        pressed = time.monotonic()
        with qtbot.waitSignal(window.reply_finished, timeout=2000) as blocker:
            window.stop_button.click()
        assert time.monotonic() - pressed < 0.5
        assert blocker.args[0].state == MessageState.STOPPED

        window.clients.runtime = reachable
        follow_up = send_prompt(qtbot, window, "And about lakes?")
        assert follow_up.state == MessageState.COMPLETE  # not held up by the turn still stuck in connect()

        listener.accept()[0].close()  # room in the queue: the retransmitted SYN now completes, after Stop
        listener.settimeout(5)
        late, _ = listener.accept()
        late.settimeout(5)
        assert late.recv(4096) == b""  # the stopped turn hung up without sending its request
        late.close()
        qtbot.waitUntil(lambda: not window.turns.uses(unreachable), timeout=5000)
        listener.settimeout(1)
        with pytest.raises(TimeoutError):
            listener.accept()  # and botocore did not try again
    finally:
        filler.close()
        listener.close()
        unreachable.close()

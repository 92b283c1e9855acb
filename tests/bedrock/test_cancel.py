"""Stop at every phase of a turn, through real boto3: the socket is shut, botocore retries nothing after."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.bedrock.session import BedrockClients, ConnectionSettings
from bedrock_chat.bedrock.turn import CancelToken, TurnCancelled, run_turn
from bedrock_chat.core.catalog import model_info
from bedrock_chat.core.conversation import Role
from bedrock_chat.core.events import TextDelta
from bedrock_chat.core.params import GenerationParams, RequestOptions
from tests.conftest import send_header, stop_sending_header

NOVA = model_info("amazon.nova-micro-v1:0")


class _Turn:
    """run_turn on a thread of its own, as the window runs it."""

    def __init__(self, runtime, api: str = "converse", streaming: bool = True) -> None:
        self.cancel = CancelToken()
        self.events: list = []
        self.outcome: list[str] = []
        request = TurnRequest(NOVA, [(Role.USER, "Tell me about rivers")], GenerationParams(max_tokens=500),
                              RequestOptions(api, streaming))
        self.thread = threading.Thread(target=self._run, args=(runtime, request), daemon=True)
        self.thread.start()

    def _run(self, runtime, request) -> None:
        try:
            run_turn(runtime, request, self.events.append, self.cancel)
            self.outcome.append("finished")
        except TurnCancelled:
            self.outcome.append("cancelled")
        except Exception as error:
            self.outcome.append(repr(error))

    def text(self) -> str:
        return "".join(event.text for event in self.events if isinstance(event, TextDelta))


def _wait(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.mark.parametrize(
    ("fault", "api", "streaming"),
    [
        ("hang:30", "converse", True),  # accepted, then not even response headers
        ("hang:30", "invoke", True),
        ("hang:30", "converse", False),  # a non-streaming call
        ("hang:30", "invoke", False),
        ("stall:30", "converse", True),  # streaming, then silence
        ("stall:30", "invoke", True),
    ],
)
def test_stop_hangs_up_at_once_and_sends_nothing_more(paced_server, fault, api, streaming):
    clients = BedrockClients(ConnectionSettings(endpoint_url=paced_server.url, offline=True))
    send_header(clients.runtime, "x-bedrock-local-fault", fault)
    turn = _Turn(clients.runtime, api, streaming)
    _wait(lambda: any(request.fault for request in paced_server.requests))
    if fault.startswith("stall"):
        _wait(lambda: bool(turn.text()))
    time.sleep(0.3)  # the server is silent now
    pressed = time.monotonic()
    turn.cancel.cancel()
    turn.thread.join(timeout=2)
    assert time.monotonic() - pressed < 0.5
    assert turn.outcome == ["cancelled"]
    _wait(lambda: any(end.fault == fault.split(":")[0] for end in paced_server.connection_ends), timeout=1.0)
    requests = len(paced_server.requests)
    time.sleep(0.5)
    assert len(paced_server.requests) == requests  # botocore's read-timeout retries never happen


def test_stop_during_retry_back_off_sends_no_retry(paced_server):
    # The app's own retry settings (adaptive, 4 attempts): a throttled request is retried after a back-off.
    clients = BedrockClients(ConnectionSettings(endpoint_url=paced_server.url, offline=True))
    send_header(clients.runtime, "x-bedrock-local-fault", "throttle")
    turn = _Turn(clients.runtime)
    _wait(lambda: len(paced_server.requests) >= 1)
    time.sleep(0.02)  # the 429 is answered; botocore is backing off
    turn.cancel.cancel()
    # The idle keep-alive connection the throttled answer came on is closed too.
    _wait(lambda: any(end.fault == "throttle" for end in paced_server.connection_ends), timeout=1.0)
    requests = len(paced_server.requests)  # everything sent before Stop, on that connection, was read by now
    turn.thread.join(timeout=25)  # the back-off sleep itself is botocore's; it ends within its cap
    assert turn.outcome == ["cancelled"]
    time.sleep(0.3)
    assert len(paced_server.requests) == requests


def test_stop_while_connecting_sends_no_byte(paced_server):
    # A listening socket whose accept queue is full: the kernel drops our SYN, so connect() hangs.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    filler = socket.create_connection(("127.0.0.1", port))
    clients = BedrockClients(ConnectionSettings(endpoint_url=f"http://127.0.0.1:{port}", offline=True,
                                                connect_timeout=8))
    try:
        turn = _Turn(clients.runtime)
        time.sleep(0.3)
        turn.cancel.cancel()
        # Make room: the SYN the client retransmits now completes the handshake, after Stop.
        listener.accept()[0].close()
        listener.settimeout(5)
        late, _ = listener.accept()
        late.settimeout(5)
        assert late.recv(4096) == b""  # the client hung up without sending a request
        late.close()
        turn.thread.join(timeout=5)
        assert turn.outcome == ["cancelled"]
        listener.settimeout(1.5)
        with pytest.raises(TimeoutError):
            listener.accept()  # and did not try again
    finally:
        filler.close()
        listener.close()


def test_next_turn_on_the_same_client_goes_out_at_once(paced_server):
    clients = BedrockClients(ConnectionSettings(endpoint_url=paced_server.url, offline=True))
    send_header(clients.runtime, "x-bedrock-local-fault", "throttle")
    stuck = _Turn(clients.runtime)
    _wait(lambda: len(paced_server.requests) >= 1)
    stuck.cancel.cancel()
    stop_sending_header(clients.runtime, "x-bedrock-local-fault")
    started = time.monotonic()
    fresh = _Turn(clients.runtime)
    fresh.thread.join(timeout=10)
    assert fresh.outcome == ["finished"] and fresh.text()
    assert time.monotonic() - started < 5
    stuck.thread.join(timeout=25)
    assert stuck.outcome == ["cancelled"] and not stuck.events

"""The turn host process on its own (no window): real boto3 in the child, real endpoint, real pipes."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from bedrock_chat.bedrock import host_process, turn_host
from bedrock_chat.bedrock import host_protocol as protocol
from bedrock_chat.bedrock.error_context import context_for
from bedrock_chat.bedrock.errors import describe_error
from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.bedrock.session import BedrockClients, ConnectionSettings, connection_of
from bedrock_chat.bedrock.turn import CancelToken, run_turn
from bedrock_chat.core.catalog import model_info
from bedrock_chat.core.conversation import Role
from bedrock_chat.core.events import TextDelta, Usage
from bedrock_chat.core.params import GenerationParams, RequestOptions
from bedrock_chat.local_endpoint.faults import FAULT_HEADER
from tests.conftest import send_header

NOVA = model_info("amazon.nova-micro-v1:0")


class _Sink:
    """Collects what the host reports about one turn (on the host's reader thread)."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.events: list[object] = []
        self.kinds: list[str] = []
        self.failure: object = None
        self.released = threading.Event()

    def deliver(self, kind: str, payload: object) -> None:
        self.kinds.append(kind)
        if kind == protocol.TEXT:
            text, decoded_at = payload
            assert decoded_at <= time.monotonic()
            self.text.append(text)
        elif kind == protocol.EVENT:
            self.events.append(payload)
        elif kind == protocol.FAILED:
            self.failure = payload
        elif kind == protocol.RELEASED:
            self.released.set()


_numbers = iter(range(10_000, 20_000))


def _request(prompt: str, api: str = "converse", streaming: bool = True) -> TurnRequest:
    return TurnRequest(NOVA, [(Role.USER, prompt)], GenerationParams(max_tokens=2000), RequestOptions(api, streaming))


def _submit(host: host_process.TurnHost, clients: BedrockClients, request: TurnRequest) -> tuple[int, _Sink]:
    info = connection_of(clients.runtime)
    assert info is not None
    number, sink = next(_numbers), _Sink()
    host.submit(turn_host.start_command(number, clients.runtime, info, request), sink)
    return number, sink


@pytest.fixture
def host():
    fresh = host_process.TurnHost()
    fresh.start()
    assert fresh.ready.wait(60), "the turn host did not start"
    yield fresh
    fresh.kill()


@pytest.mark.parametrize(("api", "streaming"), [("converse", True), ("converse", False), ("invoke", True),
                                                 ("invoke", False)])
def test_a_turn_in_the_host_brings_the_same_reply_as_one_in_a_thread(host, local_server, api, streaming):
    clients = BedrockClients(ConnectionSettings(endpoint_url=local_server.url, offline=True))
    request = _request("Write at length [tokens:800]", api, streaming)
    here: list[object] = []
    run_turn(clients.runtime, request, here.append, CancelToken())

    _, sink = _submit(host, clients, request)
    assert sink.released.wait(30)
    assert protocol.FINISHED in sink.kinds and sink.failure is None
    assert "".join(sink.text) == "".join(event.text for event in here if isinstance(event, TextDelta))
    assert [event for event in sink.events if isinstance(event, Usage)] == \
        [event for event in here if isinstance(event, Usage)]
    assert len(sink.text) < 200  # the 800 deltas came in batches, not one report each
    clients.close()


def test_a_connection_prepared_ahead_has_its_client_built_before_its_first_turn(host, local_server):
    clients = BedrockClients(ConnectionSettings(endpoint_url=local_server.url, offline=True))
    host.prepare(clients.info)
    deadline = time.monotonic() + 10
    while clients.info.serial not in host.prepared:
        assert time.monotonic() < deadline, "the host never reported the connection prepared"
        time.sleep(0.01)
    _, sink = _submit(host, clients, _request("Tell me about rivers"))
    assert sink.released.wait(30) and sink.failure is None, sink.failure
    assert protocol.FINISHED in sink.kinds and sink.text
    clients.close()


def test_credentials_go_over_the_pipe_never_into_the_hosts_argv_or_environment(host, local_server, monkeypatch):
    # The host started before these exist in this process: whatever signs its request got them over the pipe.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFROMTHEAPP")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-only-the-app-knows")
    clients = BedrockClients(ConnectionSettings(endpoint_url=local_server.url, offline=False))
    _, sink = _submit(host, clients, _request("Tell me about rivers"))
    assert sink.released.wait(30) and sink.failure is None, sink.failure
    assert local_server.requests[-1].access_key_id == "AKIDFROMTHEAPP"
    proc = Path(f"/proc/{host.process.pid}")
    if proc.exists():
        for part in ("cmdline", "environ"):
            assert b"secret-only-the-app-knows" not in (proc / part).read_bytes()
            assert b"AKIDFROMTHEAPP" not in (proc / part).read_bytes()
    clients.close()


def test_several_turns_at_once_each_get_their_own_reply(host, local_server):
    clients = [BedrockClients(ConnectionSettings(endpoint_url=local_server.url, offline=True)) for _ in range(2)]
    turns = [(_submit(host, clients[index % 2], _request(f"Count to {index} [tokens:{300 + index * 50}]")), index)
             for index in range(3)]
    for (_, sink), index in turns:
        assert sink.released.wait(30) and sink.failure is None
        usage = [event for event in sink.events if isinstance(event, Usage)]
        assert usage and usage[-1].output_tokens == 300 + index * 50
    for each in clients:
        each.close()


def test_cancel_hangs_up_at_once_and_the_host_lets_go(host, paced_server):
    clients = BedrockClients(ConnectionSettings(endpoint_url=paced_server.url, offline=True))
    send_header(clients.runtime, FAULT_HEADER, "hang:30")
    number, sink = _submit(host, clients, _request("Tell me about rivers"))
    deadline = time.monotonic() + 10
    while not paced_server.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    cancelled = time.monotonic()
    host.cancel(number)
    assert sink.released.wait(2)
    assert time.monotonic() - cancelled < 0.5
    assert protocol.FINISHED not in sink.kinds and sink.failure is None  # a stopped turn reports nothing more
    deadline = time.monotonic() + 2
    while not any(end.at >= cancelled for end in paced_server.connection_ends):
        assert time.monotonic() < deadline, "the server never saw the hang-up"
        time.sleep(0.01)
    clients.close()


def test_a_failure_is_described_in_the_host_as_the_window_would_say_it(host, local_server):
    clients = BedrockClients(ConnectionSettings(endpoint_url=local_server.url, offline=True))
    send_header(clients.runtime, FAULT_HEADER, "access-denied")
    request = _request("Tell me about rivers")
    _, sink = _submit(host, clients, request)
    assert sink.released.wait(30)
    with pytest.raises(Exception) as here:  # whatever botocore raises, described as the window describes it
        run_turn(clients.runtime, request, lambda event: None, CancelToken())
    expected = describe_error(here.value, context=context_for(clients.runtime, "turn", NOVA.invoke_id))
    assert "Model access" in str(sink.failure)
    assert (sink.failure.title, sink.failure.detail, sink.failure.action) == \
        (expected.title, expected.detail, expected.action)
    assert sink.failure.details.split("request id")[0] == expected.details.split("request id")[0]
    clients.close()


def test_a_host_that_dies_fails_its_turns_with_a_message(host, paced_server):
    clients = BedrockClients(ConnectionSettings(endpoint_url=paced_server.url, offline=True))
    send_header(clients.runtime, FAULT_HEADER, "stall:30")
    _, sink = _submit(host, clients, _request("Tell me about rivers"))
    deadline = time.monotonic() + 10
    while not sink.text and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(host.process.pid, 9)
    assert sink.released.wait(5)
    assert sink.failure is host_process.HOST_DIED
    assert "stopped unexpectedly" in str(sink.failure)
    assert not host.alive
    _, late = _submit(host, clients, _request("And about lakes?"))  # a turn given to a dead host fails at once
    assert late.released.is_set() and late.failure is host_process.HOST_DIED
    clients.close()


def test_the_host_joins_consecutive_text_of_a_turn_and_keeps_every_report_in_order():
    from bedrock_chat.bedrock import host_protocol as protocol
    from bedrock_chat.bedrock.turn_host_main import _joined

    items = [(1, protocol.TEXT, "Hel", 1.0), (1, protocol.TEXT, "lo", 1.1), (2, protocol.TEXT, "other", 1.2),
             (1, protocol.TEXT, " world", 1.3), (1, protocol.REASONING, "think", 1.4),
             (1, protocol.EVENT, "usage", 1.5), (1, protocol.TEXT, "!", 1.6), (1, protocol.FINISHED, None, 1.7)]
    assert _joined(items) == [(1, protocol.TEXT, ("Hello", 1.0)), (2, protocol.TEXT, ("other", 1.2)),
                              (1, protocol.TEXT, (" world", 1.3)), (1, protocol.REASONING, ("think", 1.4)),
                              (1, protocol.EVENT, "usage"), (1, protocol.TEXT, ("!", 1.6)),
                              (1, protocol.FINISHED, None)]

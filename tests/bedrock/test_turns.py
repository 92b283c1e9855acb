"""The Bedrock layer end to end: every listed model, both APIs, streaming or not, through real boto3."""

from __future__ import annotations

import threading
import time

import pytest

from bedrock_chat.bedrock.errors import describe_error
from bedrock_chat.bedrock.model_list import load_catalog
from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.bedrock.session import BedrockClients, ConnectionSettings
from bedrock_chat.bedrock.turn import CancelToken, TurnCancelled, run_turn
from bedrock_chat.core.conversation import Role
from bedrock_chat.core.events import (
    MessageStopped,
    ReasoningDelta,
    ResponseStarted,
    ServiceMetrics,
    StopReason,
    TextDelta,
    Usage,
)
from bedrock_chat.core.params import GenerationParams, RequestOptions
from tests.conftest import send_header


@pytest.fixture(scope="module")
def clients(local_server):
    return BedrockClients(ConnectionSettings(endpoint_url=local_server.url, offline=True, max_attempts=2))


@pytest.fixture(scope="module")
def catalog(clients):
    return load_catalog(clients.control)


def _run(clients, model, api="converse", streaming=True, params=None, history=None):
    events = []
    request = TurnRequest(model, history or [(Role.USER, "Explain caching")],
                          params or GenerationParams(max_tokens=min(1500, model.limits.max_output_tokens)),
                          RequestOptions(api, streaming))
    run_turn(clients.runtime, request, events.append, CancelToken())
    return events


def _text(events):
    return "".join(event.text for event in events if isinstance(event, TextDelta))


def _usage(events):
    usage = Usage()
    for event in events:
        if isinstance(event, Usage):
            usage = usage.merged(event)
    return usage


def test_catalog_lists_chat_models_under_callable_ids(catalog):
    ids = {model.invoke_id for model in catalog}
    assert "amazon.nova-micro-v1:0" in ids
    assert "us.anthropic.claude-3-7-sonnet-20250219-v1:0" in ids
    assert "anthropic.claude-3-7-sonnet-20250219-v1:0" not in ids  # profile-only
    assert not any("embed" in model_id or "canvas" in model_id for model_id in ids)
    assert {model.family for model in catalog} == {"nova", "anthropic", "llama", "mistral", "titan", "deepseek",
                                                    "cohere", "jamba", "openai", "qwen"}


def test_every_model_every_api_gives_the_same_reply(clients, catalog):
    for model in catalog:
        texts = set()
        for api in ("converse", "invoke"):
            for streaming in (True, False):
                events = _run(clients, model, api, streaming)
                assert isinstance(events[0], ResponseStarted) and events[0].request_id
                stops = [event.reason for event in events if isinstance(event, MessageStopped)]
                assert stops == [StopReason.END_TURN], (model.invoke_id, api, streaming)
                usage = _usage(events)
                assert usage.input_tokens and usage.output_tokens, (model.invoke_id, api, streaming)
                texts.add(_text(events))
        assert len(texts) == 1, model.invoke_id


def test_service_latency_figures_are_reported(clients, catalog):
    nova = next(model for model in catalog if model.invoke_id == "amazon.nova-micro-v1:0")
    figures = {}
    for api in ("converse", "invoke"):
        for streaming in (True, False):
            metrics = ServiceMetrics()
            for event in _run(clients, nova, api, streaming):
                if isinstance(event, ServiceMetrics):
                    metrics = metrics.merged(event)
            figures[api, streaming] = metrics
    assert figures["converse", True].latency_ms is not None
    assert figures["converse", False].latency_ms is not None
    assert figures["invoke", True].invocation_latency_ms is not None
    assert figures["invoke", True].first_byte_latency_ms is not None
    assert figures["invoke", False].invocation_latency_ms is not None


def test_reasoning_arrives_apart_from_text(clients, catalog):
    claude = next(model for model in catalog if model.invoke_id == "us.anthropic.claude-3-7-sonnet-20250219-v1:0")
    for api in ("converse", "invoke"):
        events = _run(clients, claude, api, params=GenerationParams(max_tokens=3000, reasoning=True))
        reasoning = "".join(event.text for event in events if isinstance(event, ReasoningDelta))
        assert reasoning.startswith("The user asks about")
        assert "The user asks" not in _text(events)


def test_max_tokens_stop_reason_for_every_family(clients, catalog):
    for model in catalog:
        events = _run(clients, model, "invoke", params=GenerationParams(max_tokens=10))
        assert [e.reason for e in events if isinstance(e, MessageStopped)] == [StopReason.MAX_TOKENS], model.invoke_id


def test_stop_cancels_a_silent_stream_within_half_a_second(paced_server):
    clients = BedrockClients(ConnectionSettings(endpoint_url=paced_server.url, offline=True))
    send_header(clients.runtime, "x-bedrock-local-fault", "stall:30")
    model = load_catalog(clients.control)[0]
    cancel = CancelToken()
    received = []
    outcome = []

    def work():
        try:
            run_turn(clients.runtime, TurnRequest(model, [(Role.USER, "hi")], GenerationParams(), RequestOptions()),
                     received.append, cancel)
            outcome.append("finished")
        except TurnCancelled:
            outcome.append("cancelled")

    thread = threading.Thread(target=work)
    thread.start()
    deadline = time.monotonic() + 10
    while not any(isinstance(event, TextDelta) for event in received) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)  # the server is now silent
    pressed = time.monotonic()
    cancel.cancel()
    thread.join(timeout=5)
    assert time.monotonic() - pressed < 0.5
    assert outcome == ["cancelled"]
    assert _text(received)


@pytest.mark.parametrize(
    ("fault", "title_part", "action_part"),
    [
        ("access-denied", "Access denied", "Model access"),
        ("throttle", "throttling", "Slow down"),
        ("validation", "rejected", "parameters"),
        ("model-timeout", "too long", "Retry"),
        ("stream-exception:5", "stream failed partway", "kept"),
        ("drop:5", "connection dropped", "network"),
    ],
)
def test_failures_become_clear_messages(local_server, catalog, fault, title_part, action_part):
    clients = BedrockClients(ConnectionSettings(endpoint_url=local_server.url, offline=True, max_attempts=1))
    send_header(clients.runtime, "x-bedrock-local-fault", fault)
    received = []
    with pytest.raises(Exception) as raised:
        run_turn(clients.runtime, TurnRequest(catalog[0], [(Role.USER, "hi")], GenerationParams(), RequestOptions()),
                 received.append, CancelToken())
    message = describe_error(raised.value)
    assert title_part in message.title
    assert action_part in message.action + message.detail
    if ":" in fault:
        assert len(_text(received)) > 0  # what arrived before the fault was delivered


def test_unreachable_endpoint_is_a_clear_message():
    clients = BedrockClients(ConnectionSettings(endpoint_url="http://127.0.0.1:9", offline=True, max_attempts=1,
                                                connect_timeout=1))
    from bedrock_chat.core.catalog import model_info

    with pytest.raises(Exception) as raised:
        run_turn(clients.runtime, TurnRequest(model_info("amazon.nova-micro-v1:0"), [(Role.USER, "hi")],
                                              GenerationParams(), RequestOptions()), lambda e: None, CancelToken())
    message = describe_error(raised.value, "us-east-1")
    assert message.title == "Cannot reach Bedrock in us-east-1"

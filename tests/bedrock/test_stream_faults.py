"""The fault suite: streams cut at every byte, corrupted, oversized, odd or invalid. Each ends in a clear
message with the text before the fault kept, or (for what a client may ignore) in the full reply."""

from __future__ import annotations

import json
import urllib.request

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bedrock_chat.bedrock.decoding import MalformedStreamError, converse_stream_event, native_stream_chunk
from bedrock_chat.bedrock.errors import describe_error
from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.bedrock.session import BedrockClients, ConnectionSettings
from bedrock_chat.bedrock.turn import CancelToken, run_turn
from bedrock_chat.core.catalog import FAMILIES, model_info
from bedrock_chat.core.conversation import Role
from bedrock_chat.core.events import TextDelta
from bedrock_chat.core.params import GenerationParams, RequestOptions
from bedrock_chat.core.safe_markdown import render_markdown
from tests.conftest import send_header

MODEL = model_info("amazon.nova-micro-v1:0")
PARAMS = GenerationParams(max_tokens=6)
CLEAR_TITLES = ("The connection dropped", "The reply stream arrived damaged")


def _raw_body_length(url: str, api: str) -> int:
    path, body = {
        "converse": ("converse-stream", {"messages": [{"role": "user", "content": [{"text": "hi"}]}],
                                         "inferenceConfig": {"maxTokens": 6}}),
        "invoke": ("invoke-with-response-stream", {"messages": [{"role": "user", "content": [{"text": "hi"}]}],
                                                   "inferenceConfig": {"maxTokens": 6}}),
    }[api]
    request = urllib.request.Request(f"{url}/model/amazon.nova-micro-v1%3A0/{path}", data=json.dumps(body).encode(),
                                     method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return len(response.read())


def _run(clients, api):
    received = []
    request = TurnRequest(MODEL, [(Role.USER, "hi")], PARAMS, RequestOptions(api, True))
    try:
        run_turn(clients.runtime, request, received.append, CancelToken())
    except Exception as error:
        return "".join(e.text for e in received if isinstance(e, TextDelta)), error
    return "".join(e.text for e in received if isinstance(e, TextDelta)), None


@pytest.fixture(scope="module")
def full_texts(local_server):
    clients = BedrockClients(ConnectionSettings(endpoint_url=local_server.url, offline=True, max_attempts=1))
    return {api: _run(clients, api)[0] for api in ("converse", "invoke")}


@pytest.mark.parametrize("api", ["converse", "invoke"])
def test_stream_cut_at_every_byte_offset(local_server, full_texts, api):
    total = _raw_body_length(local_server.url, api)
    assert total > 300
    outcomes = set()
    clients = BedrockClients(ConnectionSettings(endpoint_url=local_server.url, offline=True, max_attempts=1))
    fault = {"value": ""}
    clients.runtime.meta.events.register(
        "before-sign.*.*", lambda request, **_: request.headers.__setitem__("x-bedrock-local-fault", fault["value"]))
    for offset in range(total):
        fault["value"] = f"cut-bytes:{offset}"
        text, error = _run(clients, api)
        assert error is not None, offset
        message = describe_error(error)
        assert message.title in CLEAR_TITLES, (offset, type(error), error)
        assert full_texts[api].startswith(text), offset
        outcomes.add(message.title)
    assert outcomes == {"The connection dropped"} or "The reply stream arrived damaged" in outcomes


@pytest.mark.parametrize("api", ["converse", "invoke"])
@pytest.mark.parametrize(("fault", "expected"), [
    ("corrupt-crc:4", "The reply stream arrived damaged"),
    ("bad-json:4", "The reply stream arrived damaged"),
    ("oversized:4", "The connection dropped"),
    ("unknown-event:4", None),
])
def test_damaged_streams(local_server, full_texts, api, fault, expected):
    clients = BedrockClients(ConnectionSettings(endpoint_url=local_server.url, offline=True, max_attempts=1))
    send_header(clients.runtime, "x-bedrock-local-fault", fault)
    text, error = _run(clients, api)
    if expected is None:  # an event type this client does not know is skipped, as the SDK intends
        assert error is None and text == full_texts[api]
        return
    assert error is not None and describe_error(error).title == expected
    assert text and full_texts[api].startswith(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["type", "delta", "text", "contentBlockDelta", "messageStop", "metadata", "usage",
                         "generation", "outputs", "choices", "outputText", "stop_reason", "stopReason",
                         "amazon-bedrock-invocationMetrics", "reasoningContent", "message", "completionReason"]),
        children, max_size=4),
    max_leaves=15,
)


@settings(max_examples=400, deadline=None)
@given(family=st.sampled_from([*FAMILIES, None]), chunk=st.dictionaries(st.text(max_size=12), json_values,
                                                                       max_size=4) | json_values)
def test_decoders_accept_or_reject_any_shape_cleanly(family, chunk):
    for decode in (lambda: native_stream_chunk(family, chunk), lambda: converse_stream_event(chunk)):
        try:
            events = decode()
        except MalformedStreamError as error:
            assert str(error)
        else:
            assert isinstance(events, list)


hostile_fragments = st.sampled_from([
    "<script>alert(1)</script>", '<img src="http://x/a.png">', "![i](http://x/i.png)", "[l](javascript:alert(1))",
    "[f](file:///etc/passwd)", '<a href="javascript:x">y</a>', "<iframe src=x>", "```html\n<script>x</script>\n```",
    "[d](data:text/html;base64,PHNjcmlwdD4=)", "<style>body{}</style>", '<svg onload="x">',
    "| a |\n|---|\n| <b>x</b> |",
    "**bold**", "\n\n", "text", "[ok](https://example.com)", "`<code>`", "&lt;", "<!-- c -->", "\\<img src=x>",
])


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(hostile_fragments | st.text(max_size=20), max_size=12))
def test_markdown_of_hostile_content_is_inert(parts):
    html = render_markdown("".join(parts)).html.lower()
    for forbidden in ("<script", "<img", "<iframe", "<svg", "<style", "<a href=\"javascript:", "<a href=\"file:",
                      "<a href=\"data:", "onload="):
        if forbidden == "onload=":
            assert "<svg" not in html
        else:
            assert forbidden not in html

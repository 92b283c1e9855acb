"""Faults on demand surface as the exceptions boto3 users see from the real service."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, EventStreamError
from urllib3.exceptions import ProtocolError

from tests.conftest import make_client, send_header

MODEL = "amazon.nova-micro-v1:0"
MESSAGES = [{"role": "user", "content": [{"text": "Tell me about retries"}]}]


def faulty_client(server: Any, fault: str, **config: Any) -> Any:
    client = make_client("bedrock-runtime", server.url, **config)
    send_header(client, "x-bedrock-local-fault", fault)
    return client


@pytest.mark.parametrize(
    ("fault", "code", "status"),
    [
        ("access-denied", "AccessDeniedException", 403),
        ("validation", "ValidationException", 400),
        ("model-timeout", "ModelTimeoutException", 408),
        ("throttle", "ThrottlingException", 429),
        ("unavailable", "ServiceUnavailableException", 503),
        ("internal", "InternalServerException", 500),
        ("not-ready", "ModelNotReadyException", 429),
    ],
)
def test_immediate_faults_raise_the_service_exception(local_server, fault, code, status):
    client = faulty_client(local_server, fault, retries={"mode": "standard", "max_attempts": 1})
    exception_class = getattr(client.exceptions, code)
    for call in (lambda: client.converse(modelId=MODEL, messages=MESSAGES),
                 lambda: client.converse_stream(modelId=MODEL, messages=MESSAGES),
                 lambda: client.invoke_model(modelId=MODEL, body=b'{"messages": []}')):
        with pytest.raises(exception_class) as raised:
            call()
        assert raised.value.response["Error"]["Code"] == code
        assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
        assert raised.value.response["Error"]["Message"]


def test_botocore_retries_a_single_throttle(local_server):
    client = faulty_client(local_server, "throttle-once")
    response = client.converse(modelId=MODEL, messages=[{"role": "user", "content": [{"text": "retry me"}]}])
    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    assert response["stopReason"] == "end_turn"


def test_persistent_throttle_fails_after_retries(local_server):
    client = faulty_client(local_server, "throttle", retries={"mode": "standard", "max_attempts": 2})
    with pytest.raises(client.exceptions.ThrottlingException) as raised:
        client.converse(modelId=MODEL, messages=MESSAGES)
    assert raised.value.response["ResponseMetadata"]["RetryAttempts"] >= 1


def test_fault_directive_in_the_prompt(runtime):
    messages = [{"role": "user", "content": [{"text": "[fault:access-denied] hello"}]}]
    with pytest.raises(runtime.exceptions.AccessDeniedException):
        runtime.converse(modelId=MODEL, messages=messages)


def _collect_until_error(stream: Any) -> tuple[str, BaseException | None]:
    text = ""
    try:
        for event in stream:
            text += event.get("contentBlockDelta", {}).get("delta", {}).get("text", "")
    except (EventStreamError, ProtocolError) as error:
        return text, error
    return text, None


def test_exception_event_mid_stream_after_deltas(local_server):
    client = faulty_client(local_server, "stream-exception:20")
    text, error = _collect_until_error(client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"])
    assert isinstance(error, EventStreamError)
    assert error.response["Error"]["Code"] == "modelStreamErrorException"
    full = make_client("bedrock-runtime", local_server.url).converse(modelId=MODEL, messages=MESSAGES)
    expected = full["output"]["message"]["content"][0]["text"]
    assert text and expected.startswith(text)


def test_native_stream_exception_event(local_server):
    client = faulty_client(local_server, "stream-exception:5")
    body = b'{"messages": [{"role": "user", "content": [{"text": "hi"}]}]}'
    chunks = []
    with pytest.raises(EventStreamError) as raised:
        for event in client.invoke_model_with_response_stream(modelId=MODEL, body=body)["body"]:
            chunks.append(event)
    assert raised.value.response["Error"]["Code"] == "modelStreamErrorException"
    assert len(chunks) == 6  # messageStart and five deltas arrived before the fault


def test_dropped_connection_mid_stream(local_server):
    client = faulty_client(local_server, "drop:15")
    text, error = _collect_until_error(client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"])
    assert isinstance(error, ProtocolError)
    assert len(text) > 10


def test_dropped_connection_without_stream(local_server):
    client = faulty_client(local_server, "drop", retries={"mode": "standard", "max_attempts": 1})
    with pytest.raises(ConnectionClosedError):
        client.converse(modelId=MODEL, messages=MESSAGES)


def test_slow_drip_and_stall_keep_the_stream_going(paced_server):
    client = faulty_client(paced_server, "drip:40")
    events = list(client.converse_stream(modelId=MODEL, messages=MESSAGES,
                                         inferenceConfig={"maxTokens": 12})["stream"])
    assert events[-1]["metadata"]["metrics"]["latencyMs"] >= 12 / 40 * 1000 - 50


def test_read_timeout_on_a_stall(paced_server):
    client = faulty_client(paced_server, "stall:5", read_timeout=0.5, retries={"mode": "standard", "max_attempts": 1})
    stream = client.converse_stream(modelId=MODEL, messages=MESSAGES)["stream"]
    with pytest.raises(Exception, match="Read timed out"):
        list(stream)


def test_concurrent_streams(local_server):
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            client = make_client("bedrock-runtime", local_server.url)
            messages = [{"role": "user", "content": [{"text": f"question {index} [tokens:800]"}]}]
            text = ""
            for event in client.converse_stream(modelId=MODEL, messages=messages)["stream"]:
                text += event.get("contentBlockDelta", {}).get("delta", {}).get("text", "")
            results[index] = text
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert len(results) == 12
    assert all(f"question {index}" in text for index, text in results.items())


def test_client_error_is_a_client_error(runtime):
    with pytest.raises(ClientError):
        runtime.converse(modelId="no.such-model-v1:0", messages=MESSAGES)

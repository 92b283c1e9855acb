"""Bad input gets Bedrock's error shapes with a message that says what is wrong."""

from __future__ import annotations

import json
import urllib.request
from urllib.error import HTTPError

import pytest

from bedrock_chat.local_endpoint import LocalBedrockServer, ServerOptions
from tests.conftest import make_client


def _validation_message(runtime, model_id, body) -> str:
    with pytest.raises(runtime.exceptions.ValidationException) as raised:
        runtime.invoke_model(modelId=model_id, body=body if isinstance(body, bytes) else json.dumps(body))
    return raised.value.response["Error"]["Message"]


@pytest.mark.parametrize(
    ("model_id", "body", "expected"),
    [
        ("amazon.nova-micro-v1:0", {"prompt": "hi"}, "extraneous key [prompt] is not permitted"),
        ("amazon.nova-micro-v1:0", {"inputText": "hi"}, "extraneous key [inputText]"),
        ("amazon.nova-micro-v1:0", {"messages": [{"role": "user", "content": [{"text": "x"}]}],
                                    "inferenceConfig": {"maxTokens": 50000}}, "exceeds the model limit of 10000"),
        ("amazon.nova-micro-v1:0", {"messages": [{"role": "user", "content": [{"text": "x"}]}],
                                    "inferenceConfig": {"temperature": 3}}, "not in the range 0 to 1"),
        ("anthropic.claude-3-haiku-20240307-v1:0", {"messages": [{"role": "user", "content": "x"}]},
         "anthropic_version"),
        ("anthropic.claude-3-haiku-20240307-v1:0",
         {"anthropic_version": "bedrock-2023-05-31", "messages": [{"role": "user", "content": "x"}]},
         "max_tokens: Field required"),
        ("meta.llama3-8b-instruct-v1:0", {"messages": []}, "extraneous key [messages]"),
        ("meta.llama3-8b-instruct-v1:0", {"max_gen_len": 5}, "required key [prompt] not found"),
        ("mistral.mistral-7b-instruct-v0:2", {"inputText": "x"}, "extraneous key [inputText]"),
        ("amazon.titan-text-express-v1", {"prompt": "x"}, "extraneous key [prompt]"),
        ("amazon.nova-micro-v1:0", b"{not json", "not valid JSON"),
        ("amazon.nova-micro-v1:0", {"messages": [{"role": "assistant", "content": [{"text": "x"}]}]},
         "must start with a user message"),
    ],
)
def test_wrong_schema_is_a_validation_error(runtime, model_id, body, expected):
    assert expected in _validation_message(runtime, model_id, body)


def test_unknown_model(runtime):
    assert "model identifier is invalid" in _validation_message(runtime, "acme.nothing-v1:0", {"prompt": "x"})


def test_profile_only_model_needs_an_inference_profile(runtime):
    body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 10,
            "messages": [{"role": "user", "content": "hi"}]}
    message = _validation_message(runtime, "anthropic.claude-3-7-sonnet-20250219-v1:0", body)
    assert "inference profile" in message
    ok = runtime.invoke_model(modelId="us.anthropic.claude-3-7-sonnet-20250219-v1:0", body=json.dumps(body))
    assert json.loads(ok["body"].read())["stop_reason"] == "max_tokens"
    arn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0"
    assert runtime.invoke_model(modelId=arn, body=json.dumps(body))["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_thinking_requires_temperature_one(runtime):
    body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 4000, "temperature": 0.5,
            "thinking": {"type": "enabled", "budget_tokens": 2000}, "messages": [{"role": "user", "content": "x"}]}
    assert "temperature may only be set to 1" in _validation_message(
        runtime, "us.anthropic.claude-3-7-sonnet-20250219-v1:0", body)


def test_converse_rejects_non_text_models(runtime):
    with pytest.raises(runtime.exceptions.ValidationException, match="supported text or chat model"):
        runtime.converse(modelId="amazon.titan-embed-text-v2:0",
                         messages=[{"role": "user", "content": [{"text": "x"}]}])


def test_streaming_unsupported_model(runtime):
    with pytest.raises(runtime.exceptions.ValidationException, match="unsupported for streaming"):
        runtime.invoke_model_with_response_stream(modelId="amazon.nova-canvas-v1:0", body=b"{}")


def test_unknown_route_and_method(local_server):
    for method, path in (("GET", "/nothing"), ("POST", "/model/x/explode"), ("DELETE", "/foundation-models")):
        request = urllib.request.Request(local_server.url + path, method=method, data=b"" if method != "GET" else None)
        with pytest.raises(HTTPError) as raised:
            urllib.request.urlopen(request, timeout=5)
        assert raised.value.code == 404
        assert raised.value.headers["x-amzn-ErrorType"].startswith("UnknownOperationException")
        assert "No operation matches" in json.loads(raised.value.read())["message"]


def test_body_over_the_size_limit():
    with LocalBedrockServer(ServerOptions(max_body_bytes=4096, tokens_per_second=0, first_token_delay=0)) as server:
        runtime = make_client("bedrock-runtime", server.url)
        body = json.dumps({"messages": [{"role": "user", "content": [{"text": "x" * 10_000}]}]})
        assert "larger than the limit of 4096 bytes" in _validation_message(runtime, "amazon.nova-micro-v1:0", body)
        # The connection stays usable after the rejected body.
        small = {"messages": [{"role": "user", "content": [{"text": "x"}]}]}
        assert runtime.invoke_model(modelId="amazon.nova-micro-v1:0", body=json.dumps(small))["body"].read()

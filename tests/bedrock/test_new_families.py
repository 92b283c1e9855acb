"""Cohere, Jamba, gpt-oss, Qwen, Mistral Large 2 / Pixtral and Llama 4: the app's native bodies and decoders
against the endpoint's schemas, through real boto3, streaming and not, and the same reply over Converse."""

from __future__ import annotations

import json

import botocore.exceptions
import pytest

from bedrock_chat.bedrock.model_list import load_catalog
from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.bedrock.session import BedrockClients, ConnectionSettings
from bedrock_chat.bedrock.turn import CancelToken, run_turn
from bedrock_chat.core.conversation import Role
from bedrock_chat.core.events import MessageStopped, ReasoningDelta, StopReason, TextDelta, Usage
from bedrock_chat.core.params import GenerationParams, RequestOptions

# One model per native schema, under the id a request in us-east-1 uses.
NEW_MODELS = {
    "cohere": "cohere.command-r-plus-v1:0",
    "jamba": "ai21.jamba-1-5-mini-v1:0",
    "gpt-oss": "openai.gpt-oss-120b-1:0",
    "qwen": "qwen.qwen3-32b-v1:0",
    "mistral-chat": "mistral.mistral-large-2407-v1:0",
    "pixtral": "us.mistral.pixtral-large-2502-v1:0",
    "llama4": "us.meta.llama4-scout-17b-instruct-v1:0",
    "claude-4.5": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
}
# The keys each native body carries (besides its messages or prompt), as the Bedrock pages document them.
BODY_KEYS = {
    "cohere": {"message", "chat_history", "preamble", "max_tokens", "temperature", "p", "stop_sequences"},
    "jamba": {"messages", "max_tokens", "temperature", "top_p", "stop"},
    "gpt-oss": {"messages", "max_completion_tokens", "temperature", "top_p", "stop"},
    "qwen": {"messages", "max_tokens", "temperature", "top_p", "stop"},
    "mistral-chat": {"messages", "max_tokens", "temperature", "top_p"},
    "pixtral": {"messages", "max_tokens", "temperature", "top_p"},
    "llama4": {"prompt", "max_gen_len", "temperature", "top_p"},
    "claude-4.5": {"anthropic_version", "max_tokens", "messages", "system", "temperature", "top_p", "stop_sequences"},
}
HISTORY = [(Role.USER, "Name a river"), (Role.ASSISTANT, "The Nile."), (Role.USER, "[echo] And one in Nepal?")]
PARAMS = GenerationParams(max_tokens=400, system_prompt="Be brief.", stop_sequences=("STOP-HERE",))


@pytest.fixture(scope="module")
def clients(local_server):
    return BedrockClients(ConnectionSettings(endpoint_url=local_server.url, offline=True, max_attempts=1))


@pytest.fixture(scope="module")
def models(clients):
    return {model.invoke_id: model for model in load_catalog(clients.control)}


def _run(clients, model, api, streaming, history=HISTORY, params=PARAMS):
    events = []
    run_turn(clients.runtime, TurnRequest(model, history, params, RequestOptions(api, streaming)), events.append,
             CancelToken())
    return events


def _text(events):
    return "".join(event.text for event in events if isinstance(event, TextDelta))


def _usage(events):
    usage = Usage()
    for event in events:
        if isinstance(event, Usage):
            usage = usage.merged(event)
    return usage


@pytest.mark.parametrize("schema", sorted(NEW_MODELS))
def test_native_body_has_the_documented_keys(models, schema):
    model = models[NEW_MODELS[schema]]
    body = TurnRequest(model, HISTORY, PARAMS, RequestOptions("invoke")).body()
    assert set(body) == BODY_KEYS[schema] | ({"messages"} if "messages" in BODY_KEYS[schema] else set())


@pytest.mark.parametrize("schema", sorted(NEW_MODELS))
def test_round_trip_streaming_and_not_matches_converse(clients, models, schema):
    model = models[NEW_MODELS[schema]]
    replies = {}
    for api in ("invoke", "converse"):
        for streaming in (True, False):
            events = _run(clients, model, api, streaming)
            stops = [event.reason for event in events if isinstance(event, MessageStopped)]
            assert stops == [StopReason.END_TURN], (schema, api, streaming)
            usage = _usage(events)
            assert usage.input_tokens and usage.output_tokens, (schema, api, streaming)
            replies[api, streaming] = _text(events)
    # [echo] repeats the last user message: the body carried the history, and its last turn, intact.
    assert replies["invoke", True] == "And one in Nepal?"
    assert len(set(replies.values())) == 1, replies


@pytest.mark.parametrize("schema", sorted(NEW_MODELS))
def test_max_tokens_cut_is_reported_in_each_schema(clients, models, schema):
    model = models[NEW_MODELS[schema]]
    for streaming in (True, False):
        events = _run(clients, model, "invoke", streaming, [(Role.USER, "Explain caching")],
                      GenerationParams(max_tokens=8))
        assert [e.reason for e in events if isinstance(e, MessageStopped)] == [StopReason.MAX_TOKENS]
        if schema != "gpt-oss":
            assert _usage(events).output_tokens == 8
        elif streaming:  # gpt-oss counts its reasoning, which the limit also covers, among the output tokens
            pieces = [event for event in events if isinstance(event, ReasoningDelta | TextDelta) and event.text]
            assert _usage(events).output_tokens == len(pieces)


def test_gpt_oss_reasoning_is_apart_from_the_answer(clients, models):
    model = models[NEW_MODELS["gpt-oss"]]
    for streaming in (True, False):
        events = _run(clients, model, "invoke", streaming, [(Role.USER, "Explain caching")], GenerationParams())
        reasoning = "".join(event.text for event in events if isinstance(event, ReasoningDelta))
        assert reasoning and "<reasoning>" not in _text(events) and reasoning not in _text(events)


def test_system_prompt_reaches_the_model_in_each_schema(clients, models):
    for schema, invoke_id in NEW_MODELS.items():
        model = models[invoke_id]
        plain = _text(_run(clients, model, "invoke", False, [(Role.USER, "Explain caching")], GenerationParams()))
        briefed = _text(_run(clients, model, "invoke", False, [(Role.USER, "Explain caching")],
                             GenerationParams(system_prompt="Answer as a pirate.")))
        assert plain != briefed, schema


BAD_BODIES = {
    "cohere.command-r-v1:0": [({"message": "hi", "prompt": "x"}, "prompt"), ({"max_tokens": 5}, "message"),
                              ({"message": "hi", "chat_history": [{"role": "BOT", "message": "x"}]}, "role"),
                              ({"message": "hi", "p": 1.0}, "p")],
    "ai21.jamba-1-5-large-v1:0": [({"messages": [{"role": "user", "content": "hi"}], "top_k": 3}, "top_k"),
                                  ({"max_tokens": 5}, "messages")],
    "openai.gpt-oss-20b-1:0": [({"messages": [{"role": "user", "content": "hi"}], "reasoning_effort": "max"},
                                "reasoning_effort"),
                               ({"messages": [{"role": "user", "content": "hi"}], "prompt": "x"}, "prompt"),
                               ({"messages": [{"role": "user", "content": "hi"}], "model": "other"}, "model")],
    "qwen.qwen3-235b-a22b-2507-v1:0": [({"messages": [{"role": "robot", "content": "hi"}]}, "role"),
                                       ({"prompt": "hi"}, "prompt")],
    "mistral.mistral-large-2407-v1:0": [({"messages": [{"role": "user", "content": "hi"}], "stop": ["x"]}, "stop"),
                                        ({"prompt": "<s>[INST] hi [/INST]"}, "prompt")],
    "us.meta.llama4-maverick-17b-instruct-v1:0": [({"prompt": "hi", "max_tokens": 5}, "max_tokens")],
}


@pytest.mark.parametrize("model_id", sorted(BAD_BODIES))
def test_endpoint_rejects_a_body_in_the_wrong_schema(clients, model_id):
    for body, named in BAD_BODIES[model_id]:
        with pytest.raises(botocore.exceptions.ClientError) as raised:
            clients.runtime.invoke_model(modelId=model_id, body=json.dumps(body))
        error = raised.value.response["Error"]
        assert error["Code"] == "ValidationException", body
        assert named in error["Message"], (body, error["Message"])


def test_gpt_oss_effort_level_goes_into_either_body_and_the_endpoint_takes_it(clients, models):
    model = models[NEW_MODELS["gpt-oss"]]
    params = GenerationParams(max_tokens=400, reasoning_effort="high")
    native = TurnRequest(model, HISTORY, params, RequestOptions("invoke")).body()
    assert native["reasoning_effort"] == "high"
    converse = TurnRequest(model, HISTORY, params, RequestOptions("converse")).body()
    assert converse["additionalModelRequestFields"] == {"reasoning_effort": "high"}
    replies = {api: _text(_run(clients, model, api, True, params=params)) for api in ("invoke", "converse")}
    assert replies["invoke"] == replies["converse"] == "And one in Nepal?"
    default = TurnRequest(model, HISTORY, GenerationParams(), RequestOptions("invoke")).body()
    assert "reasoning_effort" not in default

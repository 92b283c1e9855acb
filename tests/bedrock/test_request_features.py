"""Reasoning, prompt caching, guardrails, latency and service tiers: request bodies through real boto3 against
the local endpoint, which validates and emulates each the way Bedrock does."""

from __future__ import annotations

import dataclasses

import pytest
from botocore.exceptions import ClientError

from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.bedrock.session import BedrockClients, ConnectionSettings
from bedrock_chat.bedrock.turn import CancelToken, run_turn
from bedrock_chat.core.catalog import model_info
from bedrock_chat.core.conversation import Conversation, MessageState
from bedrock_chat.core.events import (
    GuardrailIntervened,
    MessageStopped,
    ReasoningComplete,
    ReasoningDelta,
    RequestServed,
    StopReason,
    TextDelta,
    Usage,
)
from bedrock_chat.core.model_features import ModelFeatures
from bedrock_chat.core.params import GenerationParams, RequestOptions
from bedrock_chat.core.reasoning import ReasoningBlock
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.local_endpoint.request_features import REDACTION_TRIGGER

SONNET = model_info("anthropic.claude-3-7-sonnet-20250219-v1:0", "us.anthropic.claude-3-7-sonnet-20250219-v1:0")
NOVA_PRO = model_info("amazon.nova-pro-v1:0")
NOVA_MICRO = model_info("amazon.nova-micro-v1:0")
THINKING = GenerationParams(max_tokens=4096, reasoning=True, reasoning_budget=2048)


@pytest.fixture(scope="module")
def clients(local_server):
    return BedrockClients(ConnectionSettings(endpoint_url=local_server.url, offline=True, max_attempts=1))


def _send(clients, conversation, model, params, streaming=True, prompt=None, api="converse"):
    """One turn as the window sends it: history and signed reasoning from the conversation, events applied."""
    if prompt is not None:
        conversation.add_user_message(prompt)
    request = TurnRequest(model, conversation.history(), params, RequestOptions(api, streaming),
                          tuple(conversation.reasoning_history()))
    events = []
    run_turn(clients.runtime, request, events.append, CancelToken())
    reply = conversation.start_reply(model.invoke_id, "converse", params.to_dict())
    reply.text = "".join(event.text for event in events if isinstance(event, TextDelta))
    reply.reasoning = "".join(event.text for event in events if isinstance(event, ReasoningDelta))
    reply.reasoning_blocks = [event.block for event in events if isinstance(event, ReasoningComplete)]
    reply.state = MessageState.COMPLETE
    return events, request


def _usage(events):
    usage = Usage()
    for event in events:
        if isinstance(event, Usage):
            usage = usage.merged(event)
    return usage


@pytest.mark.parametrize("streaming", [True, False])
def test_signed_reasoning_round_trips_over_three_turns_through_the_store(clients, tmp_path, streaming):
    store = ConversationStore(tmp_path / "history.db")
    conversation = Conversation()
    for turn, prompt in enumerate(["What is a monad?", "And a functor?", "Compare the two."], start=1):
        if turn > 1:  # what the next turn sends comes from the database, as after a restart
            conversation = store.load(conversation.id)
        _, request = _send(clients, conversation, SONNET, THINKING, streaming, prompt)
        store.save_conversation(conversation)
        reply = conversation.messages[-1]
        assert reply.text and reply.reasoning
        assert len(reply.reasoning_blocks) == 1
        block = reply.reasoning_blocks[0]
        assert block.text == reply.reasoning and block.signature
        body = request.body()
        sent_back = [content for message in body["messages"] for content in message["content"]
                     if "reasoningContent" in content]
        assert len(sent_back) == turn - 1  # every earlier reply's signed thinking went back unchanged
        assert body["inferenceConfig"] == {"maxTokens": 4096, "temperature": 1.0}
        assert body["additionalModelRequestFields"] == {"thinking": {"type": "enabled", "budget_tokens": 2048}}
    store.close()


@pytest.mark.parametrize("streaming", [True, False])
def test_native_claude_bodies_round_trip_signed_thinking_too(clients, streaming):
    conversation = Conversation()
    for turn, prompt in enumerate(["What is a monad?", "And a functor?", "Compare the two."], start=1):
        _, request = _send(clients, conversation, SONNET, THINKING, streaming, prompt, api="invoke")
        [block] = conversation.messages[-1].reasoning_blocks
        assert block.signature and block.text == conversation.messages[-1].reasoning
        thinking = [content for message in request.body()["messages"] for content in message["content"]
                    if content["type"] == "thinking"]
        assert len(thinking) == turn - 1 and all(item["signature"] for item in thinking)
    conversation.add_user_message("Once more")
    conversation.messages[1].reasoning_blocks = [ReasoningBlock(block.text, "forged")]
    with pytest.raises(ClientError, match="signature"):
        _send(clients, conversation, SONNET, THINKING, streaming, api="invoke")


def test_a_turn_whose_thinking_lost_or_changed_its_signature_is_rejected(clients):
    conversation = Conversation()
    _send(clients, conversation, SONNET, THINKING, prompt="What is a monad?")
    conversation.add_user_message("And a functor?")
    reply = conversation.messages[1]
    original = reply.reasoning_blocks[0]
    for damaged in (ReasoningBlock(original.text + " ", original.signature),
                    ReasoningBlock(original.text, original.signature[:-4] + "AAA=")):
        reply.reasoning_blocks = [damaged]
        with pytest.raises(ClientError) as caught:
            _send(clients, conversation, SONNET, THINKING)
        assert caught.value.response["Error"]["Code"] == "ValidationException"
        assert "signature" in caught.value.response["Error"]["Message"]
    # A client that drops the signature is refused too; the window never sends unsigned thinking at all.
    lost = [{"role": "user", "content": [{"text": "What is a monad?"}]},
            {"role": "assistant", "content": [{"reasoningContent": {"reasoningText": {"text": original.text}}},
                                              {"text": reply.text}]},
            {"role": "user", "content": [{"text": "And a functor?"}]}]
    with pytest.raises(ClientError, match="signature: Field required"):
        clients.runtime.converse(modelId=SONNET.invoke_id, messages=lost, inferenceConfig={"maxTokens": 4096},
                                 additionalModelRequestFields={"thinking": {"type": "enabled", "budget_tokens": 2048}})
    reply.reasoning_blocks = [ReasoningBlock(original.text, None)]
    unsigned = TurnRequest(SONNET, conversation.history(), THINKING, RequestOptions(),
                           tuple(conversation.reasoning_history()))
    assert "reasoningContent" not in str(unsigned.body())
    reply.reasoning_blocks = [original]
    events, _ = _send(clients, conversation, SONNET, THINKING)
    assert any(isinstance(event, ReasoningComplete) for event in events)


@pytest.mark.parametrize("streaming", [True, False])
def test_redacted_reasoning_is_kept_and_sent_back_as_it_came(clients, streaming):
    conversation = Conversation()
    events, _ = _send(clients, conversation, SONNET, THINKING, streaming, f"Think about {REDACTION_TRIGGER}")
    blocks = conversation.messages[-1].reasoning_blocks
    assert len(blocks) == 1 and blocks[0].redacted and not blocks[0].text
    assert not any(isinstance(event, ReasoningDelta) and event.text for event in events) or not streaming
    events, request = _send(clients, conversation, SONNET, THINKING, streaming, "Go on")
    assert request.body()["messages"][1]["content"][0] == {"reasoningContent": {"redactedContent": blocks[0].redacted}}
    conversation.messages[1].reasoning_blocks = [ReasoningBlock(redacted="AAAA" + blocks[0].redacted[4:])]
    conversation.messages.pop()  # the reply to "Go on": the same request goes again with the damaged block
    with pytest.raises(ClientError, match="redacted"):
        _send(clients, conversation, SONNET, THINKING, streaming)


def test_budget_rules_hold_whatever_the_slider_says():
    request = TurnRequest(SONNET, [], dataclasses.replace(THINKING, max_tokens=1500, reasoning_budget=8000),
                          RequestOptions())
    assert request.body()["additionalModelRequestFields"]["thinking"]["budget_tokens"] == 1499
    low = TurnRequest(SONNET, [], dataclasses.replace(THINKING, reasoning_budget=10), RequestOptions())
    assert low.body()["additionalModelRequestFields"]["thinking"]["budget_tokens"] == 1024
    off = TurnRequest(SONNET, [], dataclasses.replace(THINKING, max_tokens=1024), RequestOptions())
    assert "additionalModelRequestFields" not in off.body()  # no room for 1,024 thinking tokens: thinking is off
    assert off.body()["inferenceConfig"]["temperature"] == THINKING.temperature


def test_effort_levels_where_the_model_takes_them_instead_of_a_budget():
    adaptive = dataclasses.replace(SONNET, features=ModelFeatures(reasoning_control="adaptive",
                                                                  reasoning_efforts=("low", "medium", "high", "max")))
    body = TurnRequest(adaptive, [], dataclasses.replace(THINKING, reasoning_effort="max"), RequestOptions()).body()
    assert body["additionalModelRequestFields"] == {"thinking": {"type": "adaptive"},
                                                    "output_config": {"effort": "max"}}
    assert "topP" not in body["inferenceConfig"]
    effort = ModelFeatures(reasoning_control="effort", reasoning_efforts=("low", "medium", "high"))
    gpt = dataclasses.replace(NOVA_MICRO, reasoning=True, features=effort)
    body = TurnRequest(gpt, [], GenerationParams(reasoning_effort="high"), RequestOptions()).body()
    assert body["additionalModelRequestFields"] == {"reasoning_effort": "high"}
    assert body["inferenceConfig"]["topP"] == 0.9  # effort alone does not fix the sampling settings
    r1 = model_info("deepseek.r1-v1:0")
    assert "additionalModelRequestFields" not in TurnRequest(r1, [], THINKING, RequestOptions()).body()


def test_the_endpoint_refuses_thinking_rules_broken_like_bedrock(clients):
    messages = [{"role": "user", "content": [{"text": "Hi"}]}]
    for fields, config in (({"thinking": {"type": "enabled", "budget_tokens": 512}}, {"maxTokens": 4096}),
                           ({"thinking": {"type": "enabled", "budget_tokens": 4096}}, {"maxTokens": 4096}),
                           ({"thinking": {"type": "enabled", "budget_tokens": 2048}},
                            {"maxTokens": 4096, "temperature": 0.5}),
                           ({"thinking": {"type": "adaptive"}}, {"maxTokens": 4096})):
        with pytest.raises(ClientError) as caught:
            clients.runtime.converse(modelId=SONNET.invoke_id, messages=messages, inferenceConfig=config,
                                     additionalModelRequestFields=fields)
        assert caught.value.response["Error"]["Code"] == "ValidationException"


LONG_SYSTEM = "You are a patient tutor who explains every idea with care. " * 120  # ~1,300 tokens


@pytest.mark.parametrize(("api", "streaming"), [("converse", True), ("converse", False), ("invoke", True),
                                               ("invoke", False)])
def test_cache_points_write_then_read_a_repeated_prefix_with_their_discounted_cost(clients, api, streaming):
    # A prefix of its own: the endpoint's cache outlives a test, as Bedrock's outlives a request.
    params = GenerationParams(max_tokens=300, system_prompt=f"Case {api} {streaming}. {LONG_SYSTEM}")
    conversation = Conversation()
    first, request = _send(clients, conversation, SONNET, params, streaming, "What is a monad?", api=api)
    body = request.body()
    if api == "converse":
        assert body["system"][-1] == {"cachePoint": {"type": "default"}}
        assert body["messages"][-1]["content"][-1] == {"cachePoint": {"type": "default"}}
    else:  # Claude's native body marks the same points with cache_control
        assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
        assert body["messages"][-1]["content"][-1]["cache_control"] == {"type": "ephemeral"}
    usage = _usage(first)
    assert usage.cache_read_tokens == 0 and usage.cache_write_tokens >= 1024
    second, _ = _send(clients, conversation, SONNET, params, streaming, "And a functor?", api=api)
    again = _usage(second)
    assert again.cache_read_tokens >= usage.cache_write_tokens  # the system prompt and first turn came from cache
    pricing = SONNET.pricing
    assert pricing is not None
    full = pricing.cost(again.input_tokens + again.cache_read_tokens + again.cache_write_tokens, again.output_tokens)
    cached = pricing.cost(again.input_tokens, again.output_tokens, again.cache_read_tokens, again.cache_write_tokens)
    assert cached < full


def test_no_cache_points_for_a_model_without_caching_or_when_switched_off(clients):
    params = GenerationParams(max_tokens=300, system_prompt=LONG_SYSTEM)
    llama = model_info("meta.llama3-8b-instruct-v1:0")
    short = dataclasses.replace(params, system_prompt="Be terse.")  # below the minimum: Bedrock would ignore it
    for model, chosen in ((llama, params), (SONNET, dataclasses.replace(params, prompt_caching=False)),
                          (SONNET, short)):
        body = TurnRequest(model, [], chosen, RequestOptions()).body()
        assert "cachePoint" not in str(body)
    with pytest.raises(ClientError, match="prompt caching"):
        clients.runtime.converse(modelId=llama.invoke_id, system=[{"text": "x"}, {"cachePoint": {"type": "default"}}],
                                 messages=[{"role": "user", "content": [{"text": "Hi"}]}])


GUARDED = GenerationParams(max_tokens=300, guardrail_id="abc123xyz", guardrail_version="1")


@pytest.mark.parametrize(("api", "streaming"), [("converse", True), ("converse", False), ("invoke", True),
                                               ("invoke", False)])
def test_a_guardrail_intervention_says_what_was_blocked_and_which_policy(clients, api, streaming):
    conversation = Conversation()
    events, request = _send(clients, conversation, NOVA_MICRO, GUARDED, streaming, "Where can I buy contraband?",
                            api=api)
    if api == "converse":
        config = request.body()["guardrailConfig"]
        assert config["guardrailIdentifier"] == "abc123xyz" and config["trace"] == "enabled"
        assert ("streamProcessingMode" in config) == streaming
    else:
        arguments = request.call_arguments()
        assert (arguments["guardrailIdentifier"], arguments["guardrailVersion"], arguments["trace"]) == \
            ("abc123xyz", "1", "ENABLED")
    stops = [event.reason for event in events if isinstance(event, MessageStopped)]
    assert stops == [StopReason.GUARDRAIL]
    [intervention] = [event for event in events if isinstance(event, GuardrailIntervened)]
    assert intervention.findings == ("Word policy: “contraband” in the prompt (blocked)",)
    assert "blocked" in intervention.action.lower()
    calm, _ = _send(clients, conversation, NOVA_MICRO, GUARDED, streaming, "What is a monad?", api=api)
    assert not any(isinstance(event, GuardrailIntervened) for event in calm)


def test_an_incomplete_guardrail_is_not_sent_and_a_bad_one_is_refused(clients):
    half = dataclasses.replace(GUARDED, guardrail_version="v1")
    assert "guardrailConfig" not in TurnRequest(NOVA_MICRO, [], half, RequestOptions()).body()
    with pytest.raises(ClientError) as caught:
        clients.runtime.converse(modelId=NOVA_MICRO.invoke_id, messages=[{"role": "user", "content": [{"text": "x"}]}],
                                 guardrailConfig={"guardrailIdentifier": "missing1", "guardrailVersion": "1"})
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


@pytest.mark.parametrize("streaming", [True, False])
def test_invoke_model_takes_latency_and_tier_as_headers(clients, streaming):
    params = GenerationParams(max_tokens=200, latency_optimized=True, service_tier="flex")
    events, request = _send(clients, Conversation(), NOVA_PRO, params, streaming, "Hi", api="invoke")
    arguments = request.call_arguments()
    assert arguments["performanceConfigLatency"] == "optimized" and arguments["serviceTier"] == "flex"
    assert RequestServed("optimized", "flex") in events
    with pytest.raises(ClientError, match="Latency-optimized"):
        clients.runtime.invoke_model(modelId=NOVA_MICRO.invoke_id, body=arguments["body"],
                                     performanceConfigLatency="optimized")


def test_latency_optimized_and_service_tier_where_the_model_offers_them(clients):
    params = GenerationParams(max_tokens=200, latency_optimized=True, service_tier="priority")
    events, request = _send(clients, Conversation(), NOVA_PRO, params, prompt="Hi")
    body = request.body()
    assert body["performanceConfig"] == {"latency": "optimized"} and body["serviceTier"] == {"type": "priority"}
    assert RequestServed("optimized", "priority") in events
    llama = model_info("meta.llama3-8b-instruct-v1:0")
    assert "performanceConfig" not in TurnRequest(llama, [], params, RequestOptions()).body()
    assert "serviceTier" not in TurnRequest(llama, [], params, RequestOptions()).body()
    message = [{"role": "user", "content": [{"text": "Hi"}]}]
    for extra in ({"performanceConfig": {"latency": "optimized"}}, {"serviceTier": {"type": "flex"}}):
        with pytest.raises(ClientError) as caught:
            clients.runtime.converse(modelId=llama.invoke_id, messages=message, **extra)
        assert caught.value.response["Error"]["Code"] == "ValidationException"


def test_count_tokens_only_for_models_that_have_it_and_it_matches_usage(clients):
    from bedrock_chat.bedrock.token_count import count_input_tokens

    params = GenerationParams(max_tokens=300, system_prompt="Be brief.")
    conversation = Conversation()
    conversation.add_user_message("How far is the Moon?")
    request = TurnRequest(SONNET, conversation.history(), params, RequestOptions(), ())
    counted = count_input_tokens(clients.runtime, request)
    events, _ = _send(clients, conversation, SONNET, params)
    usage = _usage(events)
    assert counted == usage.input_tokens + (usage.cache_read_tokens or 0) + (usage.cache_write_tokens or 0)
    native = TurnRequest(SONNET, conversation.history()[:1], params, RequestOptions("invoke"), ())
    assert count_input_tokens(clients.runtime, native) == counted
    with pytest.raises(ClientError, match="doesn't support counting tokens"):
        count_input_tokens(clients.runtime, TurnRequest(NOVA_MICRO, conversation.history()[:1], params,
                                                        RequestOptions(), ()))


def test_gpt_oss_takes_an_effort_level_and_the_endpoint_checks_it(clients):
    gpt = model_info("openai.gpt-oss-20b-1:0")
    assert gpt.features.reasoning_control == "effort"
    events, request = _send(clients, Conversation(), gpt, GenerationParams(max_tokens=800, reasoning_effort="high"),
                            prompt="What is a monad?")
    assert request.body()["additionalModelRequestFields"] == {"reasoning_effort": "high"}
    assert any(isinstance(event, ReasoningDelta) for event in events)  # gpt-oss reasons at every level
    with pytest.raises(ClientError, match="effort"):
        clients.runtime.converse(modelId=gpt.invoke_id, messages=[{"role": "user", "content": [{"text": "Hi"}]}],
                                 additionalModelRequestFields={"reasoning_effort": "max"})


@pytest.mark.parametrize("api", ["converse", "invoke"])
def test_copied_python_sends_the_signed_thinking_and_the_options_too(clients, local_server, tmp_path, api):
    from bedrock_chat.bedrock.request_code import CodeTarget, python_code
    from tests.copied_code import run_copied_python

    conversation = Conversation()
    _send(clients, conversation, SONNET, THINKING, prompt=f"Think about {REDACTION_TRIGGER}", api="converse")
    _send(clients, conversation, SONNET, THINKING, prompt="What is a monad?", api="converse")
    conversation.add_user_message("Where is the contraband?")
    params = dataclasses.replace(THINKING, guardrail_id="abc123xyz", guardrail_version="1")
    request = TurnRequest(SONNET, conversation.history(), params, RequestOptions(api, False),
                          tuple(conversation.reasoning_history()))
    code = python_code(request, CodeTarget.of(ConnectionSettings(endpoint_url=local_server.url, offline=True)))
    assert "redactedContent" in code or "redacted_thinking" in code
    assert ("guardrailIdentifier='abc123xyz'" in code) == (api == "invoke")
    events: list[object] = []
    run_turn(clients.runtime, request, events.append, CancelToken())
    app_text = "".join(event.text for event in events if isinstance(event, TextDelta))
    assert "blocked by the guardrail" in app_text
    assert run_copied_python(code, tmp_path) == app_text + "\n"


def test_an_unpadded_native_redacted_payload_goes_to_converse_as_its_bytes() -> None:
    """InvokeModel passes Claude's ``data`` string on as it came; sent through Converse after a switch of API, the
    same payload becomes its bytes whether or not the string carried its base64 padding."""
    import base64

    from bedrock_chat.bedrock.request_features import with_blobs
    from bedrock_chat.core.reasoning import ReasoningBlock

    payload = bytes(range(50))
    unpadded = base64.b64encode(payload).decode().rstrip("=")
    assert ReasoningBlock.from_dict({"redactedContent": unpadded}) == ReasoningBlock(redacted=unpadded)
    body = {"messages": [{"role": "assistant", "content": [{"reasoningContent": {"redactedContent": unpadded}}]}]}
    assert with_blobs(body)["messages"][0]["content"][0]["reasoningContent"]["redactedContent"] == payload

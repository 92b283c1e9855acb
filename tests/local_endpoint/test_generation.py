"""Generation honours the request: limits, stop sequences, sampling settings, system prompt and history."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bedrock_chat.local_endpoint.generator import GenerationRequest, Turn, generate, tokenize

MODEL = "amazon.nova-micro-v1:0"


def converse(runtime: Any, text: str, **config: Any) -> dict[str, Any]:
    system = config.pop("system", None)
    history = config.pop("history", [])
    messages = [*history, {"role": "user", "content": [{"text": text}]}]
    kwargs: dict[str, Any] = {"modelId": MODEL, "messages": messages, "inferenceConfig": config}
    if system:
        kwargs["system"] = [{"text": system}]
    return runtime.converse(**kwargs)


def answer(response: dict[str, Any]) -> str:
    return response["output"]["message"]["content"][-1]["text"]


def test_same_request_same_answer(runtime):
    assert answer(converse(runtime, "Tell me about caching", temperature=0.9)) == answer(
        converse(runtime, "Tell me about caching", temperature=0.9))


def test_temperature_and_top_p_change_the_text(runtime):
    texts = {answer(converse(runtime, "Tell me about caching", temperature=t, topP=p))
             for t in (0.2, 0.6, 1.0) for p in (0.5, 1.0)}
    assert len(texts) >= 4


def test_temperature_zero_is_greedy(runtime):
    cold = {answer(converse(runtime, "Tell me about caching", temperature=0.0, topP=p)) for p in (0.3, 0.9)}
    assert len({text.split("| Top P")[0] for text in cold}) == 1


def test_stop_sequence_stops(runtime):
    response = converse(runtime, "Tell me about caching", stopSequences=["### Key points"])
    assert response["stopReason"] == "stop_sequence"
    assert "### Key points" not in answer(response)
    assert answer(response).strip()


def test_max_tokens_truncates_and_usage_is_consistent(runtime):
    response = converse(runtime, "Tell me about caching", maxTokens=7)
    assert response["stopReason"] == "max_tokens"
    usage = response["usage"]
    assert usage["outputTokens"] == 7 == len(tokenize(answer(response)))
    assert usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"]
    # Nova has no CountTokens on Bedrock; the endpoint counts every model's input the same way.
    counted = runtime.count_tokens(modelId="anthropic.claude-3-7-sonnet-20250219-v1:0", input={"converse": {
        "messages": [{"role": "user", "content": [{"text": "Tell me about caching"}]}]}})
    assert counted["inputTokens"] == usage["inputTokens"]


def test_system_prompt_and_earlier_turns_are_visible(runtime):
    history = [
        {"role": "user", "content": [{"text": "What is a monad?"}]},
        {"role": "assistant", "content": [{"text": "A design pattern."}]},
    ]
    text = answer(converse(runtime, "And a functor?", system="Answer like a pirate", history=history))
    assert "“Answer like a pirate”" in text
    assert "turn 2" in text and "“What is a monad?”" in text


def test_length_directive_produces_exact_token_count(runtime):
    response = converse(runtime, "Write at length [tokens:3000]", maxTokens=4096)
    assert response["usage"]["outputTokens"] == 3000
    assert response["stopReason"] == "end_turn"


@settings(max_examples=60, deadline=None)
@given(
    prompt=st.text(min_size=1, max_size=80),
    limit=st.integers(min_value=1, max_value=400),
    temperature=st.floats(min_value=0, max_value=1),
    stops=st.lists(st.text(min_size=1, max_size=4), max_size=2),
)
def test_generation_invariants(prompt, limit, temperature, stops):
    request = GenerationRequest(MODEL, (Turn("user", prompt),), max_tokens=limit, temperature=temperature,
                                stop_sequences=tuple(stops))
    result = generate(request)
    assert result.output_tokens <= limit
    assert "".join(tokenize(result.text)) == result.text
    if result.stop_reason == "stop_sequence":
        assert result.stop_sequence in stops
    for sequence in stops:
        assert sequence not in result.text

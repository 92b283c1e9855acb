"""Each model family's native schema through InvokeModel and its stream, reassembled by a plain loop."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest


@dataclass(frozen=True)
class FamilyCase:
    model_id: str
    body: Callable[[str, int], dict[str, Any]]
    full_text: Callable[[dict[str, Any]], str]
    full_stop: Callable[[dict[str, Any]], str]
    chunk_text: Callable[[dict[str, Any]], str]
    chunk_stop: Callable[[dict[str, Any]], str | None]
    cut_reason: str


def _llama_prompt(text: str) -> str:
    return (
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
        f"<|start_header_id|>user<|end_header_id|>\n\n{text}<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\n"
    )


CASES = {
    "nova": FamilyCase(
        "amazon.nova-lite-v1:0",
        lambda text, limit: {"messages": [{"role": "user", "content": [{"text": text}]}],
                             "inferenceConfig": {"maxTokens": limit}},
        lambda r: r["output"]["message"]["content"][0]["text"],
        lambda r: r["stopReason"],
        lambda c: c.get("contentBlockDelta", {}).get("delta", {}).get("text", ""),
        lambda c: c.get("messageStop", {}).get("stopReason"),
        "max_tokens",
    ),
    "anthropic": FamilyCase(
        "anthropic.claude-3-haiku-20240307-v1:0",
        lambda text, limit: {"anthropic_version": "bedrock-2023-05-31", "max_tokens": limit,
                             "messages": [{"role": "user", "content": [{"type": "text", "text": text}]}]},
        lambda r: "".join(block["text"] for block in r["content"] if block["type"] == "text"),
        lambda r: r["stop_reason"],
        lambda c: c.get("delta", {}).get("text", "") if c["type"] == "content_block_delta" else "",
        lambda c: c["delta"]["stop_reason"] if c["type"] == "message_delta" else None,
        "max_tokens",
    ),
    "llama": FamilyCase(
        "meta.llama3-8b-instruct-v1:0",
        lambda text, limit: {"prompt": _llama_prompt(text), "max_gen_len": limit, "temperature": 0.5},
        lambda r: r["generation"],
        lambda r: r["stop_reason"],
        lambda c: c["generation"],
        lambda c: c["stop_reason"],
        "length",
    ),
    "mistral": FamilyCase(
        "mistral.mistral-7b-instruct-v0:2",
        lambda text, limit: {"prompt": f"<s>[INST] {text} [/INST]", "max_tokens": limit},
        lambda r: r["outputs"][0]["text"],
        lambda r: r["outputs"][0]["stop_reason"],
        lambda c: c["outputs"][0]["text"],
        lambda c: c["outputs"][0]["stop_reason"],
        "length",
    ),
    "titan": FamilyCase(
        "amazon.titan-text-express-v1",
        lambda text, limit: {"inputText": f"User: {text}\nBot:", "textGenerationConfig": {"maxTokenCount": limit}},
        lambda r: r["results"][0]["outputText"],
        lambda r: r["results"][0]["completionReason"],
        lambda c: c["outputText"],
        lambda c: c["completionReason"],
        "LENGTH",
    ),
}
END_REASONS = {"max_tokens", "length", "LENGTH"}


def _stream(runtime: Any, case: FamilyCase, body: dict[str, Any]) -> tuple[str, list[str], list[dict[str, Any]]]:
    response = runtime.invoke_model_with_response_stream(modelId=case.model_id, body=json.dumps(body))
    text, stops, chunks = "", [], []
    for event in response["body"]:
        chunk = json.loads(event["chunk"]["bytes"])
        chunks.append(chunk)
        text += case.chunk_text(chunk)
        stop = case.chunk_stop(chunk)
        if stop:
            stops.append(stop)
    return text, stops, chunks


@pytest.mark.parametrize("family", sorted(CASES))
def test_stream_reassembles_to_the_invoke_answer(runtime, family):
    case = CASES[family]
    body = case.body("Explain event streams", 2000)
    full = json.loads(runtime.invoke_model(modelId=case.model_id, body=json.dumps(body))["body"].read())
    text, stops, chunks = _stream(runtime, case, body)
    assert text == case.full_text(full)
    assert "```python" in text and "| Setting | Value |" in text and "नमस्ते" in text
    assert stops == [case.full_stop(full)]
    assert stops[0] not in END_REASONS
    metrics = chunks[-1]["amazon-bedrock-invocationMetrics"]
    assert metrics["outputTokenCount"] > 100
    assert metrics["inputTokenCount"] > 0


@pytest.mark.parametrize("family", sorted(CASES))
def test_token_limit_truncates_with_the_family_stop_reason(runtime, family):
    case = CASES[family]
    body = case.body("Explain event streams", 12)
    response = runtime.invoke_model(modelId=case.model_id, body=json.dumps(body))
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-bedrock-output-token-count"] == "12"
    assert case.full_stop(json.loads(response["body"].read())) == case.cut_reason
    _, stops, chunks = _stream(runtime, case, body)
    assert stops == [case.cut_reason]
    assert chunks[-1]["amazon-bedrock-invocationMetrics"]["outputTokenCount"] == 12


def test_llama_prompt_template_carries_system_and_user(runtime):
    case = CASES["llama"]
    response = runtime.invoke_model(modelId=case.model_id, body=json.dumps(case.body("capital of France", 300)))
    text = json.loads(response["body"].read())["generation"]
    assert text.startswith("The capital of France is Paris.")
    assert "“Be brief.”" in text


def test_anthropic_stream_event_sequence(runtime):
    case = CASES["anthropic"]
    _, _, chunks = _stream(runtime, case, case.body("hi", 100))
    types = [chunk["type"] for chunk in chunks]
    assert types[:2] == ["message_start", "content_block_start"]
    assert set(types[2:-3]) == {"content_block_delta"}
    assert types[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert chunks[0]["message"]["usage"]["input_tokens"] == 1
    assert chunks[-2]["usage"]["output_tokens"] == len(types) - 5


def test_anthropic_thinking_streams_before_text(runtime):
    body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 4000,
            "thinking": {"type": "enabled", "budget_tokens": 2000},
            "messages": [{"role": "user", "content": "Plan a trip"}]}
    response = runtime.invoke_model_with_response_stream(
        modelId="us.anthropic.claude-3-7-sonnet-20250219-v1:0", body=json.dumps(body))
    deltas = [json.loads(e["chunk"]["bytes"]) for e in response["body"]]
    kinds = [c["delta"]["type"] for c in deltas if c["type"] == "content_block_delta"]
    assert kinds[0] == "thinking_delta"
    assert kinds.index("signature_delta") < kinds.index("text_delta")
    assert "thinking_delta" not in kinds[kinds.index("text_delta"):]

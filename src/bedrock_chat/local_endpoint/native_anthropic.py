"""Anthropic Claude on InvokeModel: the Messages API body; its stream of typed events, thinking signed."""

from __future__ import annotations

import uuid
from typing import Any

from bedrock_chat.local_endpoint import validation as check
from bedrock_chat.local_endpoint.attachments import Received, native_attachments
from bedrock_chat.local_endpoint.catalog import CatalogModel
from bedrock_chat.local_endpoint.errors import validation
from bedrock_chat.local_endpoint.generator import Generation, GenerationRequest, Turn
from bedrock_chat.local_endpoint.native import Chunk, attachment_notes
from bedrock_chat.local_endpoint.request_features import FeatureState, check_native_thinking


def _anthropic_text(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts = []
        for index, block in enumerate(value):
            block = check.require_object(block, f"{where}/{index}")
            if block.get("type") == "text":
                parts.append(check.text_value(block.get("text"), f"{where}/{index}/text"))
        return "".join(parts)
    raise validation(f"{where}: Input should be a valid list or string")


_SIGNING = FeatureState()  # signs and checks thinking with the process's key, as the Converse path does


class AnthropicFamily:
    def __init__(self) -> None:
        self._block = 0
        self._thinking_open = False
        self._thought: list[str] = []

    def parse(self, body: dict[str, Any], model: CatalogModel) -> GenerationRequest:
        allowed = {"anthropic_version", "anthropic_beta", "max_tokens", "messages", "system", "temperature",
                   "top_p", "top_k", "stop_sequences", "thinking", "tools", "tool_choice", "metadata", "output_config"}
        check.reject_unknown_keys(body, allowed)
        if body.get("anthropic_version") != "bedrock-2023-05-31":
            raise validation("anthropic_version: Input should be 'bedrock-2023-05-31'")
        if "max_tokens" not in body:
            raise validation("max_tokens: Field required")
        messages = check.require_key(body, "messages")
        if not isinstance(messages, list):
            raise validation("messages: Input should be a valid list")
        check_native_thinking(messages, _SIGNING)
        turns = []
        received: list[Received] = []
        for index, message in enumerate(messages):
            message = check.require_object(message, f"messages.{index}")
            if message.get("role") not in ("user", "assistant"):
                raise validation(f"messages.{index}.role: Input should be 'user' or 'assistant'")
            received.extend(native_attachments("anthropic", message, index, model.accepts_images))
            turns.append(Turn(message["role"], _anthropic_text(message.get("content"), f"messages.{index}.content")))
        check.check_alternation([turn.role for turn in turns])
        limit = check.max_tokens(body["max_tokens"], "max_tokens", model)
        temperature = check.number_in_range(body.get("temperature", 1.0), "temperature", 0, 1)
        thinking = body.get("thinking") or {}
        reasoning = isinstance(thinking, dict) and thinking.get("type") in ("enabled", "adaptive")
        if reasoning and thinking.get("type") == "adaptive":
            if model.reasoning_control != "adaptive":
                raise validation(f"thinking.type: adaptive is not supported by the model {model.model_id}.")
            if temperature != 1.0:
                raise validation("temperature may only be set to 1 when thinking is enabled.")
        elif reasoning:
            if not model.reasoning:
                raise validation(f"thinking: This model ({model.model_id}) does not support extended thinking.")
            budget = thinking.get("budget_tokens")
            if not isinstance(budget, int) or budget < 1024 or budget >= limit:
                raise validation("thinking.budget_tokens: must be at least 1024 and less than max_tokens")
            if temperature != 1.0:
                raise validation("temperature may only be set to 1 when thinking is enabled.")
        return GenerationRequest(
            model_id=model.model_id,
            turns=tuple(turns),
            system=_anthropic_text(body.get("system", ""), "system"),
            max_tokens=limit,
            temperature=temperature,
            top_p=check.number_in_range(body.get("top_p", 0.999), "top_p", 0, 1),
            stop_sequences=check.stop_list(body.get("stop_sequences", []), "stop_sequences"),
            reasoning=reasoning,
            attachment_notes=attachment_notes(received),
        )

    def response(self, generation: Generation, model: CatalogModel) -> dict[str, Any]:
        content: list[dict[str, Any]] = []
        if generation.reasoning_tokens:
            thought = "".join(generation.reasoning_tokens)
            content.append({"type": "thinking", "thinking": thought, "signature": _SIGNING.sign(thought)})
        content.append({"type": "text", "text": generation.text})
        return {
            "id": f"msg_bdrk_{uuid.uuid4().hex[:24]}",
            "type": "message",
            "role": "assistant",
            "model": model.model_id.split(".", 1)[1].rsplit("-v", 1)[0],
            "content": content,
            "stop_reason": generation.stop_reason,
            "stop_sequence": generation.stop_sequence,
            "usage": {"input_tokens": generation.input_tokens, "output_tokens": generation.output_tokens},
        }

    def stream_start(self, request: GenerationRequest, model: CatalogModel) -> list[Chunk]:
        self._block = 0
        self._thinking_open = request.reasoning
        start: Chunk = {
            "type": "message_start",
            "message": {
                "id": f"msg_bdrk_{uuid.uuid4().hex[:24]}",
                "type": "message",
                "role": "assistant",
                "model": model.model_id.split(".", 1)[1].rsplit("-v", 1)[0],
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": request.input_tokens, "output_tokens": 1},
            },
        }
        first_block = {"type": "thinking", "thinking": ""} if request.reasoning else {"type": "text", "text": ""}
        return [start, {"type": "content_block_start", "index": 0, "content_block": first_block}]

    def stream_reasoning(self, token: str) -> list[Chunk]:
        self._thought.append(token)
        return [{"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": token}}]

    def stream_reasoning_end(self) -> list[Chunk]:
        self._thinking_open = False
        self._block = 1
        return [
            {"type": "content_block_delta", "index": 0,
             "delta": {"type": "signature_delta", "signature": _SIGNING.sign("".join(self._thought))}},
            {"type": "content_block_stop", "index": 0},
            {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
        ]

    def stream_text(self, token: str, emitted: int, request: GenerationRequest) -> list[Chunk]:
        return [{"type": "content_block_delta", "index": self._block, "delta": {"type": "text_delta", "text": token}}]

    def stream_finish(self, generation: Generation, metrics: dict[str, int]) -> list[Chunk]:
        return [
            {"type": "content_block_stop", "index": self._block},
            {
                "type": "message_delta",
                "delta": {"stop_reason": generation.stop_reason, "stop_sequence": generation.stop_sequence},
                "usage": {"output_tokens": generation.output_tokens},
            },
            {"type": "message_stop", "amazon-bedrock-invocationMetrics": metrics},
        ]


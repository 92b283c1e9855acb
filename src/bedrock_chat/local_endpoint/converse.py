"""The Converse API: one request schema for every text model, its response and its stream events."""

from __future__ import annotations

from typing import Any

from bedrock_chat.local_endpoint import validation as check
from bedrock_chat.local_endpoint.attachments import Received, check_counts, converse_attachments
from bedrock_chat.local_endpoint.catalog import CatalogModel
from bedrock_chat.local_endpoint.errors import validation
from bedrock_chat.local_endpoint.generator import Generation, GenerationRequest, Turn

Event = tuple[str, dict[str, Any]]

_ALLOWED = {"modelId", "messages", "system", "inferenceConfig", "toolConfig", "guardrailConfig",
            "additionalModelRequestFields", "promptVariables", "additionalModelResponseFieldPaths",
            "requestMetadata", "performanceConfig", "serviceTier"}


def _wants_reasoning(model: CatalogModel, fields: dict[str, Any]) -> bool:
    if not model.reasoning:
        return False
    if model.family == "deepseek":
        return True
    for key in ("thinking", "reasoning_config"):
        option = fields.get(key)
        if isinstance(option, dict) and option.get("type") in ("enabled", "adaptive"):
            return True
    return model.reasoning_control == "effort"  # gpt-oss reasons at every effort level


def parse_converse(body: dict[str, Any], model: CatalogModel) -> GenerationRequest:
    if not model.generates_text:
        raise validation("This action doesn't support the model that you provided. Try again with a supported "
                         "text or chat model.")
    check.reject_unknown_keys(body, _ALLOWED)
    messages = body.get("messages") or []
    turns = []
    received: list[Received] = []
    for index, message in enumerate(messages):
        message = check.require_object(message, f"messages.{index}")
        received.extend(converse_attachments(message, index, model.accepts_images, model.document_chat))
        text = "".join(
            block["text"] for block in message.get("content", []) if isinstance(block, dict) and "text" in block
        )
        if not text.strip():
            raise validation(f"The text field in the ContentBlock object at messages.{index}.content.0 is blank. "
                             "Add text to the text field, and try again.")
        turns.append(Turn(str(message.get("role")), text))
    check.check_alternation([turn.role for turn in turns])
    check_counts(received)
    system = "\n".join(block.get("text", "") for block in body.get("system", []) if isinstance(block, dict))
    config = body.get("inferenceConfig") or {}
    fields = body.get("additionalModelRequestFields") or {}
    limit = config.get("maxTokens")
    return GenerationRequest(
        model_id=model.model_id,
        turns=tuple(turns),
        system=system,
        max_tokens=min(model.max_output_tokens, 4096) if limit is None else check.max_tokens(limit, "maxTokens", model),
        temperature=check.number_in_range(config.get("temperature", 0.7), "temperature", 0, 1),
        top_p=check.number_in_range(config.get("topP", 0.9), "topP", 0, 1),
        stop_sequences=tuple(config.get("stopSequences", [])),
        reasoning=_wants_reasoning(model, fields),
        attachment_notes=tuple(item.describe() for item in received),
    )


def _usage(generation: Generation) -> dict[str, int]:
    return {
        "inputTokens": generation.input_tokens,
        "outputTokens": generation.output_tokens,
        "totalTokens": generation.input_tokens + generation.output_tokens,
        "cacheReadInputTokens": 0,
        "cacheWriteInputTokens": 0,
    }


def converse_response(generation: Generation, latency_ms: int) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if generation.reasoning_tokens:
        content.append({"reasoningContent": {"reasoningText": {
            "text": "".join(generation.reasoning_tokens), "signature": "local-signature"}}})
    content.append({"text": generation.text})
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": generation.stop_reason,
        "usage": _usage(generation),
        "metrics": {"latencyMs": latency_ms},
    }


class ConverseStreamEvents:
    """Builds ConverseStream events; a reasoning block, when present, takes index 0 before the text."""

    def __init__(self) -> None:
        self._text_index = 0

    def start(self, request: GenerationRequest) -> list[Event]:
        return [("messageStart", {"role": "assistant"})]

    def reasoning(self, token: str) -> list[Event]:
        return [("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"reasoningContent": {"text": token}}})]

    def reasoning_end(self) -> list[Event]:
        self._text_index = 1
        return [
            ("contentBlockDelta", {"contentBlockIndex": 0,
                                   "delta": {"reasoningContent": {"signature": "local-signature"}}}),
            ("contentBlockStop", {"contentBlockIndex": 0}),
        ]

    def text(self, token: str) -> list[Event]:
        return [("contentBlockDelta", {"contentBlockIndex": self._text_index, "delta": {"text": token}})]

    def finish(self, generation: Generation, latency_ms: int) -> list[Event]:
        return [
            ("contentBlockStop", {"contentBlockIndex": self._text_index}),
            ("messageStop", {"stopReason": generation.stop_reason}),
            ("metadata", {"usage": _usage(generation), "metrics": {"latencyMs": latency_ms}}),
        ]


def count_converse_input(body: dict[str, Any], model: CatalogModel) -> int:
    request = parse_converse({key: body[key] for key in ("messages", "system") if key in body}, model)
    return request.input_tokens

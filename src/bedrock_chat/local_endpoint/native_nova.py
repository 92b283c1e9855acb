"""Amazon Nova on InvokeModel: Converse-like ``messages``, ``system`` and ``inferenceConfig``, and stream."""

from __future__ import annotations

from typing import Any

from bedrock_chat.local_endpoint import validation as check
from bedrock_chat.local_endpoint.attachments import Received, native_attachments
from bedrock_chat.local_endpoint.catalog import CatalogModel
from bedrock_chat.local_endpoint.errors import validation
from bedrock_chat.local_endpoint.generator import Generation, GenerationRequest, Turn
from bedrock_chat.local_endpoint.native import Chunk, attachment_notes, default_max_tokens


class NovaFamily:
    def parse(self, body: dict[str, Any], model: CatalogModel) -> GenerationRequest:
        check.reject_unknown_keys(body, {"schemaVersion", "messages", "system", "inferenceConfig", "toolConfig"})
        messages = check.require_key(body, "messages")
        if not isinstance(messages, list):
            raise validation("Malformed input request: #/messages: expected type: JSONArray, please reformat "
                             "your input and try again.")
        turns = []
        received: list[Received] = []
        for index, message in enumerate(messages):
            message = check.require_object(message, f"#/messages/{index}")
            role = message.get("role")
            content = message.get("content")
            if role not in ("user", "assistant") or not isinstance(content, list):
                raise validation(f"Malformed input request: #/messages/{index}: needs a role of user or "
                                 "assistant and a content array, please reformat your input and try again.")
            received.extend(native_attachments("nova", message, index, model.accepts_images))
            text = "".join(str(block.get("text", "")) for block in content if isinstance(block, dict))
            turns.append(Turn(role, text))
        check.check_alternation([turn.role for turn in turns])
        system = "\n".join(
            check.text_value(block.get("text"), "#/system/text")
            for block in body.get("system", [])
            if isinstance(block, dict)
        )
        config = check.require_object(body.get("inferenceConfig", {}), "#/inferenceConfig")
        check.reject_unknown_keys(
            config,
            {"maxTokens", "max_new_tokens", "temperature", "topP", "top_p", "topK", "top_k", "stopSequences"},
            "#/inferenceConfig",
        )
        limit = config.get("maxTokens", config.get("max_new_tokens"))
        return GenerationRequest(
            model_id=model.model_id,
            turns=tuple(turns),
            system=system,
            max_tokens=default_max_tokens(model) if limit is None else check.max_tokens(limit, "maxTokens", model),
            temperature=check.number_in_range(config.get("temperature", 0.7), "temperature", 0, 1),
            top_p=check.number_in_range(config.get("topP", config.get("top_p", 0.9)), "topP", 0, 1),
            stop_sequences=check.stop_list(config.get("stopSequences", []), "stopSequences"),
            attachment_notes=attachment_notes(received),
        )

    def response(self, generation: Generation, model: CatalogModel) -> dict[str, Any]:
        return {
            "output": {"message": {"content": [{"text": generation.text}], "role": "assistant"}},
            "stopReason": generation.stop_reason,
            "usage": {
                "inputTokens": generation.input_tokens,
                "outputTokens": generation.output_tokens,
                "totalTokens": generation.input_tokens + generation.output_tokens,
                "cacheReadInputTokenCount": 0,
                "cacheWriteInputTokenCount": 0,
            },
        }

    def stream_start(self, request: GenerationRequest, model: CatalogModel) -> list[Chunk]:
        return [{"messageStart": {"role": "assistant"}}]

    def stream_reasoning(self, token: str) -> list[Chunk]:
        return []

    def stream_reasoning_end(self) -> list[Chunk]:
        return []

    def stream_text(self, token: str, emitted: int, request: GenerationRequest) -> list[Chunk]:
        return [{"contentBlockDelta": {"delta": {"text": token}, "contentBlockIndex": 0}}]

    def stream_finish(self, generation: Generation, metrics: dict[str, int]) -> list[Chunk]:
        usage = {
            "inputTokens": generation.input_tokens,
            "outputTokens": generation.output_tokens,
            "cacheReadInputTokenCount": 0,
            "cacheWriteInputTokenCount": 0,
        }
        return [
            {"contentBlockStop": {"contentBlockIndex": 0}},
            {"messageStop": {"stopReason": generation.stop_reason}},
            {
                "metadata": {
                    "usage": usage,
                    "metrics": {},
                    "trace": {},
                },
                "amazon-bedrock-invocationMetrics": metrics,
            },
        ]

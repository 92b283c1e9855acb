"""The chat-completions schema (gpt-oss, Qwen3, AI21 Jamba, Mistral Large 2 / Pixtral) on InvokeModel.

Each family accepts its own set of keys and spells a few things its own way (gpt-oss's length key and
``developer`` role and reasoning in ``<reasoning>`` tags; Mistral's ``stop_reason`` and ``message`` in stream
chunks), so each is one configured instance of ``ChatCompletionsFamily``.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from bedrock_chat.local_endpoint import validation as check
from bedrock_chat.local_endpoint.catalog import CatalogModel
from bedrock_chat.local_endpoint.errors import malformed, validation
from bedrock_chat.local_endpoint.generator import Generation, GenerationRequest, Turn
from bedrock_chat.local_endpoint.native import Chunk, default_max_tokens, short_stop_reason

_COMMON_KEYS = frozenset({"messages", "max_tokens", "temperature", "top_p", "stop"})


def _content_text(content: Any, where: str) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for index, part in enumerate(content):
            part = check.require_object(part, f"{where}/{index}")
            if part.get("type") != "text":
                raise validation(f"{where}/{index}: this model accepts only text content.")
            parts.append(check.text_value(part.get("text"), f"{where}/{index}/text"))
        return "".join(parts)
    raise malformed(f"{where}: expected type: String or JSONArray, found: {type(content).__name__}")


class ChatCompletionsFamily:
    allowed: frozenset[str] = _COMMON_KEYS
    length_keys: tuple[str, ...] = ("max_tokens",)
    system_roles: frozenset[str] = frozenset({"system"})
    temperature_max: float = 2.0
    always_reasons = False
    stop_reason_key = "finish_reason"
    message_in_chunks = False

    def __init__(self) -> None:
        self._id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        self._created = int(time.time())

    def parse(self, body: dict[str, Any], model: CatalogModel) -> GenerationRequest:
        check.reject_unknown_keys(body, self.allowed)
        messages = check.require_key(body, "messages")
        if not isinstance(messages, list) or not messages:
            raise malformed("#/messages: expected a non-empty JSONArray")
        system, turns = [], []
        for index, message in enumerate(messages):
            message = check.require_object(message, f"#/messages/{index}")
            role = check.require_key(message, "role", f"#/messages/{index}")
            text = _content_text(check.require_key(message, "content", f"#/messages/{index}"),
                                 f"#/messages/{index}/content")
            if role in self.system_roles:
                system.append(text)
            elif role in ("user", "assistant"):
                turns.append(Turn(role, text))
            else:
                raise validation(f"#/messages/{index}/role: {role!r} is not one of "
                                 f"{', '.join(sorted({'user', 'assistant', *self.system_roles}))}")
        check.check_alternation([turn.role for turn in turns])
        limit = next((body[key] for key in self.length_keys if key in body), None)
        stops = body.get("stop", [])
        if isinstance(stops, str):
            stops = [stops]
        return GenerationRequest(
            model_id=model.model_id,
            turns=tuple(turns),
            system="\n".join(system),
            max_tokens=(default_max_tokens(model) if limit is None
                        else check.max_tokens(limit, self.length_keys[0], model)),
            temperature=check.number_in_range(body.get("temperature", 1.0), "temperature", 0, self.temperature_max),
            top_p=check.number_in_range(body.get("top_p", 1.0), "top_p", 0, 1),
            stop_sequences=check.stop_list(stops, "stop"),
            reasoning=self.always_reasons and model.reasoning,
        )

    def _content(self, generation: Generation) -> str:
        if generation.reasoning_tokens:
            return f"<reasoning>{''.join(generation.reasoning_tokens)}</reasoning>{generation.text}"
        return generation.text

    def _usage(self, generation: Generation) -> dict[str, int]:
        return {"prompt_tokens": generation.input_tokens, "completion_tokens": generation.output_tokens,
                "total_tokens": generation.input_tokens + generation.output_tokens}

    def response(self, generation: Generation, model: CatalogModel) -> dict[str, Any]:
        return {
            "id": self._id, "object": "chat.completion", "created": self._created, "model": model.model_id,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": self._content(generation)},
                         self.stop_reason_key: short_stop_reason(generation)}],
            "usage": self._usage(generation),
        }

    def _chunk(self, delta: dict[str, Any], finish: str | None) -> Chunk:
        key = "message" if self.message_in_chunks else "delta"
        return {"id": self._id, "object": "chat.completion.chunk", "created": self._created,
                "choices": [{"index": 0, key: delta, self.stop_reason_key: finish}]}

    def stream_start(self, request: GenerationRequest, model: CatalogModel) -> list[Chunk]:
        return [self._chunk({"role": "assistant", "content": ""}, None)]

    def stream_reasoning(self, token: str) -> list[Chunk]:
        return [self._chunk({"reasoning_content": token}, None)]

    def stream_reasoning_end(self) -> list[Chunk]:
        return []

    def stream_text(self, token: str, emitted: int, request: GenerationRequest) -> list[Chunk]:
        return [self._chunk({"content": token}, None)]

    def stream_finish(self, generation: Generation, metrics: dict[str, int]) -> list[Chunk]:
        last = self._chunk({}, short_stop_reason(generation))
        last["usage"] = self._usage(generation)
        last["amazon-bedrock-invocationMetrics"] = metrics
        return [last]


class GptOssFamily(ChatCompletionsFamily):
    allowed = _COMMON_KEYS | {"model", "stream", "max_completion_tokens", "reasoning_effort", "n", "seed",
                              "frequency_penalty", "presence_penalty", "tools", "tool_choice", "response_format"}
    length_keys = ("max_completion_tokens", "max_tokens")
    system_roles = frozenset({"system", "developer"})
    always_reasons = True  # gpt-oss reasons before every answer; the effort sets how long

    def parse(self, body: dict[str, Any], model: CatalogModel) -> GenerationRequest:
        effort = body.get("reasoning_effort", "medium")
        if effort not in ("low", "medium", "high"):
            raise malformed(f"#/reasoning_effort: {effort!r} is not one of low, medium, high")
        if body.get("model", model.model_id) != model.model_id:
            raise validation("The model in the request body does not match the model id in the path.")
        return super().parse(body, model)


class QwenFamily(ChatCompletionsFamily):
    allowed = _COMMON_KEYS | {"model", "stream", "top_k", "seed", "n", "presence_penalty", "frequency_penalty",
                              "tools", "tool_choice", "response_format"}


class JambaFamily(ChatCompletionsFamily):
    allowed = _COMMON_KEYS | {"n", "frequency_penalty", "presence_penalty"}


class MistralChatFamily(ChatCompletionsFamily):
    allowed = frozenset({"messages", "tools", "tool_choice", "max_tokens", "top_p", "temperature"})
    temperature_max = 1.0
    stop_reason_key = "stop_reason"
    message_in_chunks = True

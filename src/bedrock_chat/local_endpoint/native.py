"""The native request and response schemas of each model family, for InvokeModel and its stream."""

from __future__ import annotations

import re
import uuid
from typing import Any, Protocol

from bedrock_chat.local_endpoint import validation as check
from bedrock_chat.local_endpoint.attachments import Received, check_counts, native_attachments
from bedrock_chat.local_endpoint.catalog import CatalogModel
from bedrock_chat.local_endpoint.errors import validation
from bedrock_chat.local_endpoint.generator import (
    MAX_TOKENS,
    STOP_SEQUENCE,
    Generation,
    GenerationRequest,
    Turn,
)
from bedrock_chat.local_endpoint.request_features import FeatureState, check_native_thinking

Chunk = dict[str, Any]


class NativeFamily(Protocol):
    """One model family's wire format. Stream methods return the native JSON chunks to send."""

    def parse(self, body: dict[str, Any], model: CatalogModel) -> GenerationRequest: ...
    def response(self, generation: Generation, model: CatalogModel) -> dict[str, Any]: ...
    def stream_start(self, request: GenerationRequest, model: CatalogModel) -> list[Chunk]: ...
    def stream_reasoning(self, token: str) -> list[Chunk]: ...
    def stream_reasoning_end(self) -> list[Chunk]: ...
    def stream_text(self, token: str, emitted: int, request: GenerationRequest) -> list[Chunk]: ...
    def stream_finish(self, generation: Generation, metrics: dict[str, int]) -> list[Chunk]: ...


def _notes(received: list[Received]) -> tuple[str, ...]:
    check_counts(received)
    return tuple(item.describe() for item in received)


def _default_max(model: CatalogModel) -> int:
    return min(model.max_output_tokens, 1024)


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
            max_tokens=_default_max(model) if limit is None else check.max_tokens(limit, "maxTokens", model),
            temperature=check.number_in_range(config.get("temperature", 0.7), "temperature", 0, 1),
            top_p=check.number_in_range(config.get("topP", config.get("top_p", 0.9)), "topP", 0, 1),
            stop_sequences=check.stop_list(config.get("stopSequences", []), "stopSequences"),
            attachment_notes=_notes(received),
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
            attachment_notes=_notes(received),
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


_LLAMA_TURN = re.compile(r"<\|start_header_id\|>(\w+)<\|end_header_id\|>\s*(.*?)(?:<\|eot_id\|>|$)", re.DOTALL)
_MISTRAL_TURN = re.compile(r"\[INST\](.*?)\[/INST\](.*?)(?=\[INST\]|$)", re.DOTALL)


def _llama_turns(prompt: str) -> tuple[str, tuple[Turn, ...]]:
    system, turns = "", []
    for role, text in _LLAMA_TURN.findall(prompt):
        if role == "system":
            system = text.strip()
        elif role in ("user", "assistant") and text.strip():
            turns.append(Turn(role, text.strip()))
    return system, tuple(turns) or (Turn("user", prompt),)


def _mistral_turns(prompt: str) -> tuple[Turn, ...]:
    turns = []
    for user, assistant in _MISTRAL_TURN.findall(prompt):
        turns.append(Turn("user", user.strip()))
        answer = assistant.replace("</s>", "").replace("<s>", "").strip()
        if answer:
            turns.append(Turn("assistant", answer))
    return tuple(turns) or (Turn("user", prompt.replace("<s>", "").strip()),)


class _TextOnlyStream:
    """Families whose stream has no opening events and no reasoning blocks."""

    def stream_start(self, request: GenerationRequest, model: CatalogModel) -> list[Chunk]:
        return []

    def stream_reasoning(self, token: str) -> list[Chunk]:
        return []

    def stream_reasoning_end(self) -> list[Chunk]:
        return []


class _PromptFamily(_TextOnlyStream):
    """Families whose native body is one prompt string with family-specific limit and stop keys."""

    limit_key = "max_tokens"
    stop_key: str | None = "stop"
    allowed: frozenset[str] = frozenset({"prompt", "max_tokens", "temperature", "top_p", "top_k", "stop"})

    def turns(self, prompt: str) -> tuple[str, tuple[Turn, ...]]:
        return "", (Turn("user", prompt),)

    def parse(self, body: dict[str, Any], model: CatalogModel) -> GenerationRequest:
        check.reject_unknown_keys(body, self.allowed)
        prompt = check.text_value(check.require_key(body, "prompt"), "#/prompt")
        system, turns = self.turns(prompt)
        limit = body.get(self.limit_key)
        stops = body.get(self.stop_key, []) if self.stop_key else []
        return GenerationRequest(
            model_id=model.model_id,
            turns=turns,
            system=system,
            max_tokens=_default_max(model) if limit is None else check.max_tokens(limit, self.limit_key, model),
            temperature=check.number_in_range(body.get("temperature", 0.5), "temperature", 0, 1),
            top_p=check.number_in_range(body.get("top_p", 0.9), "top_p", 0, 1),
            stop_sequences=check.stop_list(stops, self.stop_key or "stop"),
        )



def _short_stop_reason(generation: Generation) -> str:
    return "length" if generation.stop_reason == MAX_TOKENS else "stop"


class LlamaFamily(_PromptFamily):
    limit_key = "max_gen_len"
    stop_key = None
    allowed = frozenset({"prompt", "max_gen_len", "temperature", "top_p", "images"})

    def turns(self, prompt: str) -> tuple[str, tuple[Turn, ...]]:
        return _llama_turns(prompt)

    def response(self, generation: Generation, model: CatalogModel) -> dict[str, Any]:
        return {
            "generation": generation.text,
            "prompt_token_count": generation.input_tokens,
            "generation_token_count": generation.output_tokens,
            "stop_reason": _short_stop_reason(generation),
        }

    def stream_text(self, token: str, emitted: int, request: GenerationRequest) -> list[Chunk]:
        return [{
            "generation": token,
            "prompt_token_count": request.input_tokens if emitted == 0 else None,
            "generation_token_count": emitted + 1,
            "stop_reason": None,
        }]

    def stream_finish(self, generation: Generation, metrics: dict[str, int]) -> list[Chunk]:
        return [{
            "generation": "",
            "prompt_token_count": None,
            "generation_token_count": generation.output_tokens,
            "stop_reason": _short_stop_reason(generation),
            "amazon-bedrock-invocationMetrics": metrics,
        }]


class MistralFamily(_PromptFamily):
    def turns(self, prompt: str) -> tuple[str, tuple[Turn, ...]]:
        return "", _mistral_turns(prompt)

    def response(self, generation: Generation, model: CatalogModel) -> dict[str, Any]:
        return {"outputs": [{"text": generation.text, "stop_reason": _short_stop_reason(generation)}]}

    def stream_text(self, token: str, emitted: int, request: GenerationRequest) -> list[Chunk]:
        return [{"outputs": [{"text": token, "stop_reason": None}]}]

    def stream_finish(self, generation: Generation, metrics: dict[str, int]) -> list[Chunk]:
        return [{
            "outputs": [{"text": "", "stop_reason": _short_stop_reason(generation)}],
            "amazon-bedrock-invocationMetrics": metrics,
        }]


_DEEPSEEK_TURN = re.compile(r"<｜(User|Assistant)｜>(.*?)(?=<｜(?:User|Assistant)｜>|$)", re.DOTALL)


def _deepseek_turns(prompt: str) -> tuple[str, tuple[Turn, ...]]:
    head = prompt.split("<｜User｜>", 1)[0]
    system = head.replace("<｜begin▁of▁sentence｜>", "").strip()
    turns = []
    for role, text in _DEEPSEEK_TURN.findall(prompt):
        text = text.replace("<｜end▁of▁sentence｜>", "").strip()
        if text:
            turns.append(Turn(role.lower(), text))
    return system, tuple(turns) or (Turn("user", prompt),)


class DeepSeekFamily(_PromptFamily):
    def turns(self, prompt: str) -> tuple[str, tuple[Turn, ...]]:
        return _deepseek_turns(prompt)

    def response(self, generation: Generation, model: CatalogModel) -> dict[str, Any]:
        return {"choices": [{"text": generation.text, "stop_reason": _short_stop_reason(generation)}]}

    def stream_text(self, token: str, emitted: int, request: GenerationRequest) -> list[Chunk]:
        return [{"choices": [{"text": token, "stop_reason": None}]}]

    def stream_finish(self, generation: Generation, metrics: dict[str, int]) -> list[Chunk]:
        return [{
            "choices": [{"text": "", "stop_reason": _short_stop_reason(generation)}],
            "amazon-bedrock-invocationMetrics": metrics,
        }]


_TITAN_REASONS = {MAX_TOKENS: "LENGTH", STOP_SEQUENCE: "STOP_CRITERIA_MET"}


class TitanFamily(_TextOnlyStream):
    def parse(self, body: dict[str, Any], model: CatalogModel) -> GenerationRequest:
        check.reject_unknown_keys(body, {"inputText", "textGenerationConfig"})
        text = check.text_value(check.require_key(body, "inputText"), "#/inputText")
        config = check.require_object(body.get("textGenerationConfig", {}), "#/textGenerationConfig")
        check.reject_unknown_keys(config, {"maxTokenCount", "temperature", "topP", "stopSequences"},
                                  "#/textGenerationConfig")
        limit = config.get("maxTokenCount")
        prompt = text.rsplit("User:", 1)[-1].replace("Bot:", "").strip() or text
        return GenerationRequest(
            model_id=model.model_id,
            turns=(Turn("user", prompt),),
            max_tokens=_default_max(model) if limit is None else check.max_tokens(limit, "maxTokenCount", model),
            temperature=check.number_in_range(config.get("temperature", 0.7), "temperature", 0, 1),
            top_p=check.number_in_range(config.get("topP", 0.9), "topP", 0, 1),
            stop_sequences=check.stop_list(config.get("stopSequences", []), "stopSequences"),
        )

    def response(self, generation: Generation, model: CatalogModel) -> dict[str, Any]:
        return {
            "inputTextTokenCount": generation.input_tokens,
            "results": [{
                "tokenCount": generation.output_tokens,
                "outputText": generation.text,
                "completionReason": _TITAN_REASONS.get(generation.stop_reason, "FINISH"),
            }],
        }


    def stream_text(self, token: str, emitted: int, request: GenerationRequest) -> list[Chunk]:
        return [{
            "outputText": token,
            "index": 0,
            "totalOutputTextTokenCount": emitted + 1,
            "completionReason": None,
            "inputTextTokenCount": request.input_tokens if emitted == 0 else None,
        }]

    def stream_finish(self, generation: Generation, metrics: dict[str, int]) -> list[Chunk]:
        return [{
            "outputText": "",
            "index": 0,
            "totalOutputTextTokenCount": generation.output_tokens,
            "completionReason": _TITAN_REASONS.get(generation.stop_reason, "FINISH"),
            "inputTextTokenCount": None,
            "amazon-bedrock-invocationMetrics": metrics,
        }]


_FAMILIES: dict[str, type[NativeFamily]] = {
    "nova": NovaFamily,
    "anthropic": AnthropicFamily,
    "llama": LlamaFamily,
    "mistral": MistralFamily,
    "deepseek": DeepSeekFamily,
    "titan": TitanFamily,
}


def native_family(model: CatalogModel) -> NativeFamily:
    """A fresh family object per request: stream methods keep per-stream state (block indexes)."""
    family = _FAMILIES.get(model.family)
    if family is None:
        raise validation(f"The local endpoint does not generate {', '.join(model.output_modalities).lower()} "
                         f"output; {model.model_id} is listed for the catalog only.")
    return family()

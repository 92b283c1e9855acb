"""The families whose native body is one prompt string in the model's chat template: Meta Llama 3 and 4,
Mistral's older models and DeepSeek-R1. The template's turns are read back out of the prompt."""

from __future__ import annotations

import re
from typing import Any

from bedrock_chat.local_endpoint import validation as check
from bedrock_chat.local_endpoint.catalog import CatalogModel
from bedrock_chat.local_endpoint.generator import Generation, GenerationRequest, Turn
from bedrock_chat.local_endpoint.native import Chunk, TextOnlyStream, default_max_tokens, short_stop_reason

_LLAMA3_TURN = re.compile(r"<\|start_header_id\|>(\w+)<\|end_header_id\|>\s*(.*?)(?:<\|eot_id\|>|$)", re.DOTALL)
_LLAMA4_TURN = re.compile(r"<\|header_start\|>(\w+)<\|header_end\|>\s*(.*?)(?:<\|eot\|>|$)", re.DOTALL)
_MISTRAL_TURN = re.compile(r"\[INST\](.*?)\[/INST\](.*?)(?=\[INST\]|$)", re.DOTALL)
_DEEPSEEK_TURN = re.compile(r"<｜(User|Assistant)｜>(.*?)(?=<｜(?:User|Assistant)｜>|$)", re.DOTALL)


def _header_turns(pattern: re.Pattern[str], prompt: str) -> tuple[str, tuple[Turn, ...]]:
    """The system text and turns of a template that heads each turn with its role (Llama's)."""
    system, turns = "", []
    for role, text in pattern.findall(prompt):
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


def _deepseek_turns(prompt: str) -> tuple[str, tuple[Turn, ...]]:
    head = prompt.split("<｜User｜>", 1)[0]
    system = head.replace("<｜begin▁of▁sentence｜>", "").strip()
    turns = []
    for role, text in _DEEPSEEK_TURN.findall(prompt):
        text = text.replace("<｜end▁of▁sentence｜>", "").strip()
        if text:
            turns.append(Turn(role.lower(), text))
    return system, tuple(turns) or (Turn("user", prompt),)


class _PromptFamily(TextOnlyStream):
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
            max_tokens=default_max_tokens(model) if limit is None else check.max_tokens(limit, self.limit_key, model),
            temperature=check.number_in_range(body.get("temperature", 0.5), "temperature", 0, 1),
            top_p=check.number_in_range(body.get("top_p", 0.9), "top_p", 0, 1),
            stop_sequences=check.stop_list(stops, self.stop_key or "stop"),
        )


class LlamaFamily(_PromptFamily):
    limit_key = "max_gen_len"
    stop_key = None
    allowed = frozenset({"prompt", "max_gen_len", "temperature", "top_p", "images"})
    turn_pattern = _LLAMA3_TURN

    def turns(self, prompt: str) -> tuple[str, tuple[Turn, ...]]:
        return _header_turns(self.turn_pattern, prompt)

    def response(self, generation: Generation, model: CatalogModel) -> dict[str, Any]:
        return {
            "generation": generation.text,
            "prompt_token_count": generation.input_tokens,
            "generation_token_count": generation.output_tokens,
            "stop_reason": short_stop_reason(generation),
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
            "stop_reason": short_stop_reason(generation),
            "amazon-bedrock-invocationMetrics": metrics,
        }]


class Llama4Family(LlamaFamily):
    """Llama 3's body and answer, with Llama 4's chat template in the prompt."""

    turn_pattern = _LLAMA4_TURN


class _TextListFamily(_PromptFamily):
    """Families that answer with a list of texts under one key, in the whole answer and in each stream chunk."""

    answers_key = "outputs"

    def response(self, generation: Generation, model: CatalogModel) -> dict[str, Any]:
        return {self.answers_key: [{"text": generation.text, "stop_reason": short_stop_reason(generation)}]}

    def stream_text(self, token: str, emitted: int, request: GenerationRequest) -> list[Chunk]:
        return [{self.answers_key: [{"text": token, "stop_reason": None}]}]

    def stream_finish(self, generation: Generation, metrics: dict[str, int]) -> list[Chunk]:
        return [{
            self.answers_key: [{"text": "", "stop_reason": short_stop_reason(generation)}],
            "amazon-bedrock-invocationMetrics": metrics,
        }]


class MistralFamily(_TextListFamily):
    answers_key = "outputs"

    def turns(self, prompt: str) -> tuple[str, tuple[Turn, ...]]:
        return "", _mistral_turns(prompt)


class DeepSeekFamily(_TextListFamily):
    answers_key = "choices"

    def turns(self, prompt: str) -> tuple[str, tuple[Turn, ...]]:
        return _deepseek_turns(prompt)

"""Cohere Command R / R+ on InvokeModel: ``message``, ``chat_history``, ``preamble`` in; ``text`` out.

The stream sends ``stream-start``, one ``text-generation`` per token and ``stream-end`` with the whole answer.
"""

from __future__ import annotations

import uuid
from typing import Any

from bedrock_chat.local_endpoint import validation as check
from bedrock_chat.local_endpoint.catalog import CatalogModel
from bedrock_chat.local_endpoint.errors import malformed
from bedrock_chat.local_endpoint.generator import MAX_TOKENS, Generation, GenerationRequest, Turn
from bedrock_chat.local_endpoint.native import Chunk

_ALLOWED = frozenset({
    "message", "chat_history", "documents", "search_queries_only", "preamble", "max_tokens", "temperature", "p",
    "k", "prompt_truncation", "frequency_penalty", "presence_penalty", "seed", "return_prompt", "tools",
    "tool_results", "stop_sequences", "raw_prompting",
})
_ROLES = {"USER": "user", "CHATBOT": "assistant"}


class CohereFamily:
    def __init__(self) -> None:
        self._generation_id = str(uuid.uuid4())
        self._history: list[dict[str, str]] = []
        self._message = ""

    def parse(self, body: dict[str, Any], model: CatalogModel) -> GenerationRequest:
        check.reject_unknown_keys(body, _ALLOWED)
        self._message = check.text_value(check.require_key(body, "message"), "#/message")
        history = body.get("chat_history", [])
        if not isinstance(history, list):
            raise malformed("#/chat_history: expected type: JSONArray")
        turns = []
        for index, entry in enumerate(history):
            entry = check.require_object(entry, f"#/chat_history/{index}")
            check.reject_unknown_keys(entry, {"role", "message"}, f"#/chat_history/{index}")
            role = check.require_key(entry, "role", f"#/chat_history/{index}")
            if role not in _ROLES:
                raise malformed(f"#/chat_history/{index}/role: {role!r} is not one of USER, CHATBOT")
            text = check.text_value(check.require_key(entry, "message", f"#/chat_history/{index}"),
                                    f"#/chat_history/{index}/message")
            turns.append(Turn(_ROLES[role], text))
        turns.append(Turn("user", self._message))
        check.check_alternation([turn.role for turn in turns])
        self._history = [{"role": entry["role"], "message": entry["message"]} for entry in history]
        limit = body.get("max_tokens")
        return GenerationRequest(
            model_id=model.model_id,
            turns=tuple(turns),
            system=check.text_value(body.get("preamble", ""), "#/preamble"),
            max_tokens=min(model.max_output_tokens, 1024) if limit is None else check.max_tokens(limit, "max_tokens",
                                                                                                model),
            temperature=check.number_in_range(body.get("temperature", 0.3), "temperature", 0, 1),
            top_p=check.number_in_range(body.get("p", 0.75), "p", 0.01, 0.99),
            stop_sequences=check.stop_list(body.get("stop_sequences", []), "stop_sequences"),
        )

    @staticmethod
    def _finish(generation: Generation) -> str:
        return "MAX_TOKENS" if generation.stop_reason == MAX_TOKENS else "COMPLETE"

    def response(self, generation: Generation, model: CatalogModel) -> dict[str, Any]:
        return self._answer(generation)

    def _answer(self, generation: Generation) -> dict[str, Any]:
        return {
            "response_id": str(uuid.uuid4()),
            "text": generation.text,
            "generation_id": self._generation_id,
            "chat_history": [*self._history, {"role": "USER", "message": self._message},
                             {"role": "CHATBOT", "message": generation.text}],
            "finish_reason": self._finish(generation),
        }

    def stream_start(self, request: GenerationRequest, model: CatalogModel) -> list[Chunk]:
        return [{"is_finished": False, "event_type": "stream-start", "generation_id": self._generation_id}]

    def stream_reasoning(self, token: str) -> list[Chunk]:
        return []

    def stream_reasoning_end(self) -> list[Chunk]:
        return []

    def stream_text(self, token: str, emitted: int, request: GenerationRequest) -> list[Chunk]:
        return [{"is_finished": False, "event_type": "text-generation", "text": token}]

    def stream_finish(self, generation: Generation, metrics: dict[str, int]) -> list[Chunk]:
        return [{
            "is_finished": True,
            "event_type": "stream-end",
            "response": self._answer(generation),
            "finish_reason": self._finish(generation),
            "amazon-bedrock-invocationMetrics": metrics,
        }]

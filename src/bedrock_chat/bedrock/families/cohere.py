"""Cohere Command R and R+: ``message`` + ``chat_history`` (USER/CHATBOT) + ``preamble`` in, ``text`` out.

Stream chunks carry ``event_type``: ``stream-start``, ``text-generation`` (``text``), ``stream-end``
(``finish_reason`` and the whole ``response``).
"""

from __future__ import annotations

from typing import Any

from bedrock_chat.bedrock.families.base import ChatMessage, text_of
from bedrock_chat.bedrock.families.base import stopped as _stopped
from bedrock_chat.core.conversation import Role
from bedrock_chat.core.events import StreamEvent, TextDelta
from bedrock_chat.core.params import GenerationParams

FINISH_REASONS = {"COMPLETE": "end_turn", "MAX_TOKENS": "max_tokens", "STOP_SEQUENCE": "stop_sequence",
                  "ERROR_TOXIC": "content_filtered", "ERROR_LIMIT": "model_context_window_exceeded",
                  "ERROR": "error", "USER_CANCEL": "stopped_by_user"}


class CohereCodec:
    def body(self, messages: list[ChatMessage], params: GenerationParams) -> dict[str, Any]:
        *earlier, (_, last) = messages
        body: dict[str, Any] = {
            "message": text_of(last),
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
            "p": min(max(params.top_p, 0.01), 0.99),  # Cohere accepts 0.01-0.99 only
        }
        if earlier:
            body["chat_history"] = [
                {"role": "USER" if role == Role.USER else "CHATBOT", "message": text_of(parts)}
                for role, parts in earlier
            ]
        if params.system_prompt:
            body["preamble"] = params.system_prompt
        if params.stop_sequences:
            body["stop_sequences"] = list(params.stop_sequences)
        return body

    def response(self, body: dict[str, Any]) -> list[StreamEvent]:
        return [TextDelta(body["text"]), *_stopped(body.get("finish_reason"), FINISH_REASONS)]

    def stream_chunk(self, chunk: dict[str, Any]) -> list[StreamEvent]:
        kind = chunk.get("event_type")
        if kind == "text-generation":
            return [TextDelta(chunk["text"])] if chunk["text"] else []
        if kind == "stream-end":
            return _stopped(chunk.get("finish_reason"), FINISH_REASONS)
        return []

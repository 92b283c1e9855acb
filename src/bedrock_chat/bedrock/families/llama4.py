"""Llama 4 (Scout, Maverick): Llama's native body (``prompt``, ``max_gen_len``) with Llama 4's chat template.

Llama 4 renamed the template's tokens (``<|header_start|>``/``<|header_end|>``, ``<|eot|>``); its answer and
stream chunks are Llama 3's (``generation``, ``stop_reason``), which the shared decoder reads.
"""

from __future__ import annotations

from typing import Any

from bedrock_chat.bedrock.families.base import ChatMessage, stopped, text_of
from bedrock_chat.core.events import StreamEvent, TextDelta
from bedrock_chat.core.params import GenerationParams


def llama4_prompt(messages: list[ChatMessage], system: str) -> str:
    parts = ["<|begin_of_text|>"]
    if system:
        parts.append(f"<|header_start|>system<|header_end|>\n\n{system}<|eot|>")
    for role, content in messages:
        parts.append(f"<|header_start|>{role.value}<|header_end|>\n\n{text_of(content)}<|eot|>")
    parts.append("<|header_start|>assistant<|header_end|>\n\n")
    return "".join(parts)


class Llama4Codec:
    def body(self, messages: list[ChatMessage], params: GenerationParams) -> dict[str, Any]:
        # Llama's native schema has no stop sequences.
        return {"prompt": llama4_prompt(messages, params.system_prompt), "max_gen_len": params.max_tokens,
                "temperature": params.temperature, "top_p": params.top_p}

    def response(self, body: dict[str, Any]) -> list[StreamEvent]:
        return [TextDelta(body["generation"]), *stopped(body.get("stop_reason"))]

    def stream_chunk(self, chunk: dict[str, Any]) -> list[StreamEvent]:
        text = [TextDelta(chunk["generation"])] if chunk.get("generation") else []
        return [*text, *stopped(chunk.get("stop_reason"))]

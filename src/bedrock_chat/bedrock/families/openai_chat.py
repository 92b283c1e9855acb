"""The OpenAI chat-completions schema that gpt-oss, Qwen3, AI21 Jamba and Mistral Large 2 take natively.

In: ``messages`` (``system``/``user``/``assistant``, string content), the family's length key, sampling and
stop. Out: ``choices[0].message.content`` and ``finish_reason``; stream chunks ``choices[0].delta.content``.
Families differ in small ways, so each is one instance with its own settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bedrock_chat.bedrock.families.base import ChatMessage, stopped, text_of
from bedrock_chat.core.events import ReasoningDelta, StreamEvent, TextDelta, Usage
from bedrock_chat.core.params import GenerationParams

_REASONING = re.compile(r"\A\s*<reasoning>(.*?)</reasoning>\s*", re.DOTALL)
_ALIASES = {"content_filter": "content_filtered", "tool_calls": "tool_use"}
_EFFORTS = ("low", "medium", "high")


def split_reasoning(content: str) -> tuple[str, str]:
    """gpt-oss on InvokeModel puts its reasoning, in ``<reasoning>`` tags, before the answer's text."""
    match = _REASONING.match(content)
    if match is None:
        return "", content
    return match.group(1), content[match.end():]


@dataclass(frozen=True)
class ChatCompletionsCodec:
    length_key: str = "max_tokens"  # gpt-oss: "max_completion_tokens"
    stop_key: str | None = "stop"
    system_role: str = "system"  # gpt-oss: "developer"
    reasoning_tags: bool = False  # gpt-oss
    message_in_chunks: bool = False  # Mistral's stream repeats ``message`` where others send ``delta``
    stop_reason_key: str = "finish_reason"  # Mistral: "stop_reason"
    effort_key: str | None = None  # gpt-oss: "reasoning_effort" (low/medium/high; absent: the model's default)

    def body(self, messages: list[ChatMessage], params: GenerationParams) -> dict[str, Any]:
        wire: list[dict[str, Any]] = []
        if params.system_prompt:
            wire.append({"role": self.system_role, "content": params.system_prompt})
        wire.extend({"role": role.value, "content": text_of(parts)} for role, parts in messages)
        body: dict[str, Any] = {"messages": wire, self.length_key: params.max_tokens,
                                "temperature": params.temperature, "top_p": params.top_p}
        if params.stop_sequences and self.stop_key:
            body[self.stop_key] = list(params.stop_sequences)
        if self.effort_key and params.reasoning_effort in _EFFORTS:
            body[self.effort_key] = params.reasoning_effort
        return body

    def _text(self, content: str) -> list[StreamEvent]:
        reasoning, text = split_reasoning(content) if self.reasoning_tags else ("", content)
        events: list[StreamEvent] = [ReasoningDelta(reasoning)] if reasoning else []
        return [*events, TextDelta(text)]

    def response(self, body: dict[str, Any]) -> list[StreamEvent]:
        choice = body["choices"][0]
        events = self._text(str(choice["message"].get("content") or ""))
        events.extend(stopped(choice.get(self.stop_reason_key), _ALIASES))
        usage = body.get("usage")
        if isinstance(usage, dict):
            events.append(Usage(usage.get("prompt_tokens"), usage.get("completion_tokens")))
        return events

    def stream_chunk(self, chunk: dict[str, Any]) -> list[StreamEvent]:
        events: list[StreamEvent] = []
        for choice in chunk.get("choices") or []:
            delta = choice["message" if self.message_in_chunks and "message" in choice else "delta"]
            reasoning = delta.get("reasoning_content") or delta.get("reasoning")
            if reasoning:
                events.append(ReasoningDelta(str(reasoning)))
            if delta.get("content"):
                events.append(TextDelta(str(delta["content"])))
            events.extend(stopped(choice.get(self.stop_reason_key), _ALIASES))
        return events


GPT_OSS = ChatCompletionsCodec(length_key="max_completion_tokens", system_role="developer", reasoning_tags=True,
                               effort_key="reasoning_effort")
QWEN = ChatCompletionsCodec()
JAMBA = ChatCompletionsCodec()
MISTRAL_CHAT = ChatCompletionsCodec(stop_key=None, message_in_chunks=True, stop_reason_key="stop_reason")

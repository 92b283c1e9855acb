"""What every native payload builder and decoder shares: messages as content parts, and the codec shape.

A message is a role and a list of Converse-style content parts (``{"text": ...}`` today; ``{"image": ...}``
and ``{"document": ...}`` slot in the same list), so a family that accepts images maps them where it can.
"""

from __future__ import annotations

from typing import Any, Protocol

from bedrock_chat.core.conversation import Role
from bedrock_chat.core.events import MessageStopped, StopReason, StreamEvent
from bedrock_chat.core.params import GenerationParams

Part = dict[str, Any]
ChatMessage = tuple[Role, list[Part]]


def chat_messages(history: list[tuple[Role, str]]) -> list[ChatMessage]:
    """The conversation's text turns as messages of content parts."""
    return [(role, [{"text": text}]) for role, text in history]


def text_of(parts: list[Part]) -> str:
    """The text of a message for families whose schema carries one string per message."""
    return "".join(str(part["text"]) for part in parts if "text" in part)


def stopped(reason: str | None, aliases: dict[str, str] | None = None) -> list[StreamEvent]:
    """A stop event when the family reported a reason, spelled the way core's StopReason knows it."""
    if not reason:
        return []
    return [MessageStopped(StopReason.from_wire((aliases or {}).get(reason, reason)))]


class NativeCodec(Protocol):
    """One native request schema: the body it sends, and how its answer and stream chunks decode.

    Token counts and latency of InvokeModel come from the response headers and the stream's invocation
    metrics, which the shared decoder reads; a codec reports only what its own body says.
    """

    def body(self, messages: list[ChatMessage], params: GenerationParams) -> dict[str, Any]: ...

    def response(self, body: dict[str, Any]) -> list[StreamEvent]: ...

    def stream_chunk(self, chunk: dict[str, Any]) -> list[StreamEvent]: ...

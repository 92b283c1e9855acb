"""What every native model family implements on InvokeModel and its stream, and the pieces they share.

Each family's schema lives in its own module (``native_nova``, ``native_anthropic``, ...); ``families`` picks one.
"""

from __future__ import annotations

from typing import Any, Protocol

from bedrock_chat.local_endpoint.attachments import Received, check_counts
from bedrock_chat.local_endpoint.catalog import CatalogModel
from bedrock_chat.local_endpoint.generator import MAX_TOKENS, Generation, GenerationRequest

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


class TextOnlyStream:
    """Families whose stream has no opening events and no reasoning blocks."""

    def stream_start(self, request: GenerationRequest, model: CatalogModel) -> list[Chunk]:
        return []

    def stream_reasoning(self, token: str) -> list[Chunk]:
        return []

    def stream_reasoning_end(self) -> list[Chunk]:
        return []


def attachment_notes(received: list[Received]) -> tuple[str, ...]:
    """The images and documents of a request, counted against Bedrock's limits and described for the reply."""
    check_counts(received)
    return tuple(item.describe() for item in received)


def default_max_tokens(model: CatalogModel) -> int:
    """The answer's length limit when the body sets none."""
    return min(model.max_output_tokens, 1024)


def short_stop_reason(generation: Generation) -> str:
    """The stop reason as the families that say only ``length`` or ``stop`` spell it."""
    return "length" if generation.stop_reason == MAX_TOKENS else "stop"

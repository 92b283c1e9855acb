"""Converse answers carrying what the request's features changed: signed or redacted reasoning, cache usage,
the guardrail's trace, the latency mode and service tier the request was served with."""

from __future__ import annotations

import base64
from typing import Any

from bedrock_chat.local_endpoint.converse import ConverseStreamEvents, Event, converse_response
from bedrock_chat.local_endpoint.generator import Generation, GenerationRequest
from bedrock_chat.local_endpoint.request_features import FeatureState
from bedrock_chat.local_endpoint.request_options import ConverseExtras, served, usage


def feature_response(generation: Generation, latency_ms: int, extras: ConverseExtras,
                     state: FeatureState) -> dict[str, Any]:
    response = converse_response(generation, latency_ms)
    content = response["output"]["message"]["content"]
    if generation.reasoning_tokens:
        reasoning = "".join(generation.reasoning_tokens)
        content[0] = ({"reasoningContent": {"redactedContent": base64.b64encode(state.redacted_blob()).decode()}}
                      if extras.redact else
                      {"reasoningContent": {"reasoningText": {"text": reasoning, "signature": state.sign(reasoning)}}})
    response["usage"] = usage(generation, extras)
    response.update(served(extras))
    return response


class FeatureStreamEvents(ConverseStreamEvents):
    """ConverseStream events with a real signature (or a redacted block) and the features' metadata."""

    def __init__(self, extras: ConverseExtras, state: FeatureState) -> None:
        super().__init__()
        self._extras = extras
        self._state = state
        self._reasoning: list[str] = []

    def start(self, request: GenerationRequest) -> list[Event]:
        return super().start(request)

    def reasoning(self, token: str) -> list[Event]:
        self._reasoning.append(token)
        if self._extras.redact:  # redacted thinking arrives as one opaque block, no text
            return []
        return super().reasoning(token)

    def reasoning_end(self) -> list[Event]:
        self._text_index = 1
        if self._extras.redact:
            blob = base64.b64encode(self._state.redacted_blob()).decode()
            delta: dict[str, Any] = {"reasoningContent": {"redactedContent": blob}}
        else:
            delta = {"reasoningContent": {"signature": self._state.sign("".join(self._reasoning))}}
        return [("contentBlockDelta", {"contentBlockIndex": 0, "delta": delta}),
                ("contentBlockStop", {"contentBlockIndex": 0})]

    def finish(self, generation: Generation, latency_ms: int) -> list[Event]:
        metadata = {"usage": usage(generation, self._extras), "metrics": {"latencyMs": latency_ms},
                    **served(self._extras)}
        return [
            ("contentBlockStop", {"contentBlockIndex": self._text_index}),
            ("messageStop", {"stopReason": generation.stop_reason}),
            ("metadata", metadata),
        ]

"""Typed events decoded from any Bedrock response, whatever the API or model family."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bedrock_chat.core.reasoning import ReasoningBlock, ReasoningSignature, RedactedReasoning


class StopReason(StrEnum):
    END_TURN = "end_turn"
    MAX_TOKENS = "max_tokens"
    STOP_SEQUENCE = "stop_sequence"
    TOOL_USE = "tool_use"
    CONTENT_FILTERED = "content_filtered"
    GUARDRAIL = "guardrail_intervened"
    CONTEXT_WINDOW = "model_context_window_exceeded"
    STOPPED_BY_USER = "stopped_by_user"
    ERROR = "error"
    OTHER = "other"

    @classmethod
    def from_wire(cls, value: str | None) -> StopReason:
        """Maps every family's spelling (``length``, ``LENGTH``, ``FINISH``, ``stop``...) onto one set."""
        if not value:
            return cls.OTHER
        aliases = {
            "length": cls.MAX_TOKENS, "LENGTH": cls.MAX_TOKENS, "max_tokens": cls.MAX_TOKENS,
            "stop": cls.END_TURN, "FINISH": cls.END_TURN, "end_turn": cls.END_TURN,
            "STOP_CRITERIA_MET": cls.STOP_SEQUENCE, "stop_sequence": cls.STOP_SEQUENCE,
            "CONTENT_FILTERED": cls.CONTENT_FILTERED,
        }
        if value in aliases:
            return aliases[value]
        try:
            return cls(value)
        except ValueError:
            return cls.OTHER

    @property
    def label(self) -> str:
        return {
            StopReason.END_TURN: "finished",
            StopReason.MAX_TOKENS: "cut at max tokens",
            StopReason.STOP_SEQUENCE: "stop sequence reached",
            StopReason.STOPPED_BY_USER: "stopped by you",
            StopReason.ERROR: "failed",
        }.get(self, self.value.replace("_", " "))


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class ReasoningDelta:
    text: str


@dataclass(frozen=True)
class Usage:
    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_read_tokens: int | None = None
    cache_write_tokens: int | None = None

    def merged(self, newer: Usage) -> Usage:
        """Later reports win field by field; streams report usage in pieces."""
        return Usage(
            newer.input_tokens if newer.input_tokens is not None else self.input_tokens,
            newer.output_tokens if newer.output_tokens is not None else self.output_tokens,
            newer.cache_read_tokens if newer.cache_read_tokens is not None else self.cache_read_tokens,
            newer.cache_write_tokens if newer.cache_write_tokens is not None else self.cache_write_tokens,
        )


@dataclass(frozen=True)
class ServiceMetrics:
    """The service's own latency figures, in milliseconds, as far as the response reports them."""

    latency_ms: int | None = None
    invocation_latency_ms: int | None = None
    first_byte_latency_ms: int | None = None

    def merged(self, newer: ServiceMetrics) -> ServiceMetrics:
        return ServiceMetrics(
            newer.latency_ms if newer.latency_ms is not None else self.latency_ms,
            newer.invocation_latency_ms if newer.invocation_latency_ms is not None else self.invocation_latency_ms,
            newer.first_byte_latency_ms if newer.first_byte_latency_ms is not None else self.first_byte_latency_ms,
        )


@dataclass(frozen=True)
class MessageStopped:
    reason: StopReason


@dataclass(frozen=True)
class ResponseStarted:
    """The service accepted the request; its id is what AWS support asks for."""

    request_id: str | None


@dataclass(frozen=True)
class ReasoningComplete:
    """A whole reasoning block, signed or redacted, to keep with the reply and send back on later turns."""

    block: ReasoningBlock


@dataclass(frozen=True)
class GuardrailIntervened:
    """The guardrail blocked or masked something; its trace, put in words a person reads."""

    action: str  # e.g. "Guardrail blocked."
    findings: tuple[str, ...]  # one line per policy that matched: which policy, what, where (input or output)


@dataclass(frozen=True)
class RequestServed:
    """How the service says it served the request (latency mode, service tier), when it reports it."""

    latency: str | None = None
    service_tier: str | None = None


StreamEvent = (ResponseStarted | TextDelta | ReasoningDelta | Usage | ServiceMetrics | MessageStopped
               | ReasoningSignature | RedactedReasoning | ReasoningComplete | GuardrailIntervened | RequestServed)

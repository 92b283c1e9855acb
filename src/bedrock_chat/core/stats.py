"""Per-reply statistics as the client measured them and as the service reported them, plus session totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bedrock_chat.core.catalog import Pricing
from bedrock_chat.core.events import GuardrailIntervened, RequestServed, ServiceMetrics, StopReason, Usage


@dataclass
class ReplyStats:
    """Filled in while a reply streams; times are ``time.monotonic()`` seconds."""

    started_at: float
    first_token_at: float | None = None
    last_text_at: float | None = None
    finished_at: float | None = None
    usage: Usage = field(default_factory=Usage)
    service: ServiceMetrics = field(default_factory=ServiceMetrics)
    stop_reason: StopReason | None = None
    request_id: str | None = None
    output_chars: int = 0
    reasoning_chars: int = 0
    guardrail: GuardrailIntervened | None = None
    served: RequestServed | None = None

    def note_text(self, text: str, now: float) -> None:
        if text:
            if self.first_token_at is None:
                self.first_token_at = now
            self.last_text_at = now
        self.output_chars += len(text)

    def finish(self, at: float) -> None:
        """Ends the reply at ``at``, or when its last text was shown if that was later.

        The first token is timed when it reaches the screen and the end where the turn's thread saw it; a reply
        that arrives faster than it is drawn would otherwise end before its first token and show a total time
        shorter than its time to first token."""
        self.finished_at = max(at, self.last_text_at or at)

    def note_reasoning(self, text: str) -> None:
        """Reasoning is also counted by ``note_text``; this keeps its share for the reasoning-token estimate."""
        self.reasoning_chars += len(text)

    @property
    def reasoning_tokens(self) -> int | None:
        """Bedrock reports reasoning inside the output tokens, not apart: its share, by characters (an estimate)."""
        if not self.reasoning_chars:
            return None
        output = self.usage.output_tokens
        if output is not None and self.output_chars:
            return min(output, round(output * self.reasoning_chars / self.output_chars))
        return round(self.reasoning_chars / 4)

    @property
    def time_to_first_token_ms(self) -> int | None:
        if self.first_token_at is None:
            return None
        return round((self.first_token_at - self.started_at) * 1000)

    def total_latency_ms(self, now: float) -> int:
        return round(((self.finished_at or now) - self.started_at) * 1000)

    def output_tokens_per_second(self, now: float) -> float | None:
        tokens = self.usage.output_tokens
        if tokens is None:
            # While streaming, before the service reports usage, about four characters make a token.
            tokens = round(self.output_chars / 4)
        if self.first_token_at is None or tokens == 0:
            return None
        elapsed = (self.finished_at or now) - self.first_token_at
        return tokens / elapsed if elapsed > 0 else None

    @property
    def total_tokens(self) -> int | None:
        if self.usage.input_tokens is None or self.usage.output_tokens is None:
            return None
        # As Bedrock's totalTokens: inputTokens leaves out the tokens read from or written to the prompt cache.
        return (self.usage.input_tokens + self.usage.output_tokens + (self.usage.cache_read_tokens or 0)
                + (self.usage.cache_write_tokens or 0))

    def cost(self, pricing: Pricing | None) -> float | None:
        if pricing is None or self.usage.input_tokens is None or self.usage.output_tokens is None:
            return None
        return pricing.cost(self.usage.input_tokens, self.usage.output_tokens, self.usage.cache_read_tokens or 0,
                            self.usage.cache_write_tokens or 0)

    def cache_saving(self, pricing: Pricing | None) -> float | None:
        """What the cache saved against sending every cached token as plain input (negative: writes cost more)."""
        usage = self.usage
        if pricing is None or not (usage.cache_read_tokens or usage.cache_write_tokens):
            return None
        cached = (usage.cache_read_tokens or 0) + (usage.cache_write_tokens or 0)
        return pricing.cost(cached, 0) - pricing.cost(0, 0, usage.cache_read_tokens or 0, usage.cache_write_tokens or 0)

    def to_dict(self, now: float) -> dict[str, Any]:
        """The figures a transcript keeps (relative times only: monotonic clocks mean nothing later)."""
        tps = self.output_tokens_per_second(now)
        return {
            "inputTokens": self.usage.input_tokens,
            "outputTokens": self.usage.output_tokens,
            "totalTokens": self.total_tokens,
            "cacheReadInputTokens": self.usage.cache_read_tokens,
            "cacheWriteInputTokens": self.usage.cache_write_tokens,
            "timeToFirstTokenMs": self.time_to_first_token_ms,
            "latencyMs": self.total_latency_ms(now),
            "serviceLatencyMs": self.service.latency_ms,
            "invocationLatencyMs": self.service.invocation_latency_ms,
            "firstByteLatencyMs": self.service.first_byte_latency_ms,
            "outputTokensPerSecond": round(tps, 1) if tps is not None else None,
            "stopReason": self.stop_reason.value if self.stop_reason else None,
            "requestId": self.request_id,
            **self._feature_dict(),
        }

    def _feature_dict(self) -> dict[str, Any]:
        """Only what applies, so transcripts of plain replies stay as they were. Flat values only: a transcript's
        stats map holds scalars and lists of text."""
        extra: dict[str, Any] = {}
        if self.reasoning_tokens is not None:
            extra["reasoningTokensEstimate"] = self.reasoning_tokens
        if self.guardrail is not None:
            extra["guardrailAction"] = self.guardrail.action
            extra["guardrailFindings"] = list(self.guardrail.findings)
        if self.served is not None:
            extra["servedLatency"] = self.served.latency
            extra["servedServiceTier"] = self.served.service_tier
        return extra


@dataclass
class SessionTotals:
    replies: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0
    cost_known: bool = True

    def add(self, stats: ReplyStats, pricing: Pricing | None) -> None:
        self.replies += 1
        self.input_tokens += stats.usage.input_tokens or 0
        self.output_tokens += stats.usage.output_tokens or 0
        cost = stats.cost(pricing)
        if cost is None:
            self.cost_known = False
        else:
            self.cost += cost

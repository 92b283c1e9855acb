"""Per-reply statistics as the client measured them and as the service reported them, plus session totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bedrock_chat.core.catalog import Pricing
from bedrock_chat.core.events import ServiceMetrics, StopReason, Usage


@dataclass
class ReplyStats:
    """Filled in while a reply streams; times are ``time.monotonic()`` seconds."""

    started_at: float
    first_token_at: float | None = None
    finished_at: float | None = None
    usage: Usage = field(default_factory=Usage)
    service: ServiceMetrics = field(default_factory=ServiceMetrics)
    stop_reason: StopReason | None = None
    request_id: str | None = None
    output_chars: int = 0

    def note_text(self, text: str, now: float) -> None:
        if self.first_token_at is None and text:
            self.first_token_at = now
        self.output_chars += len(text)

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
        return self.usage.input_tokens + self.usage.output_tokens

    def cost(self, pricing: Pricing | None) -> float | None:
        if pricing is None or self.usage.input_tokens is None or self.usage.output_tokens is None:
            return None
        return pricing.cost(self.usage.input_tokens, self.usage.output_tokens)

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
        }


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

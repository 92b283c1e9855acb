"""What Bedrock offers per request for one model: reasoning controls, prompt caching, guardrails, latency
and service tiers, CountTokens. Read from the catalog's flags; an absent flag means the feature is off."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# How a model's reasoning is steered: not at all, a token budget (Claude extended thinking), adaptive thinking
# with an effort level (newer Claude), an effort level alone (gpt-oss), or always on with no control (R1).
REASONING_CONTROLS = ("none", "budget", "adaptive", "effort", "always")


@dataclass(frozen=True)
class ModelFeatures:
    reasoning_control: str = "none"
    reasoning_efforts: tuple[str, ...] = ()
    prompt_caching: bool = False
    cache_min_tokens: int = 0
    latency_optimized: bool = False
    service_tiers: tuple[str, ...] = ()
    count_tokens: bool = False
    guardrails: bool = False

    @property
    def reasoning_adjustable(self) -> bool:
        return self.reasoning_control in ("budget", "adaptive", "effort")


def features_from_entry(entry: dict[str, Any]) -> ModelFeatures:
    """The flags of one models.json entry; anything malformed counts as absent (the file is data, not code)."""
    control = entry.get("reasoningControl", "none")
    if control not in REASONING_CONTROLS:
        control = "none"
    return ModelFeatures(
        reasoning_control=control,
        reasoning_efforts=_strings(entry.get("reasoningEfforts")),
        prompt_caching=entry.get("promptCaching") is True,
        cache_min_tokens=_count(entry.get("cacheMinTokens")),
        latency_optimized=entry.get("latencyOptimized") is True,
        service_tiers=_strings(entry.get("serviceTiers")),
        count_tokens=entry.get("countTokens") is True,
        guardrails=entry.get("guardrails") is True,
    )


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(item for item in value if isinstance(item, str)) if isinstance(value, list) else ()


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0

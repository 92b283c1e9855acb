"""Generation parameters and the bounds a model puts on them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

MAX_STOP_SEQUENCES = 4


@dataclass(frozen=True)
class ParamLimits:
    max_output_tokens: int
    temperature_max: float = 1.0
    top_p_max: float = 1.0
    default_temperature: float = 0.7
    default_top_p: float = 0.9
    default_max_tokens: int = 1024


@dataclass(frozen=True)
class GenerationParams:
    temperature: float = 0.7
    top_p: float = 0.9
    max_tokens: int = 1024
    stop_sequences: tuple[str, ...] = ()
    system_prompt: str = ""
    reasoning: bool = False
    reasoning_budget: int = 2048
    reasoning_effort: str = ""  # "low"/"medium"/"high" where the model takes an effort level; "" = its default
    # What Bedrock offers per request; each is sent only where the model offers it (ModelInfo.features).
    prompt_caching: bool = True
    latency_optimized: bool = False
    service_tier: str = ""  # "" = don't ask (the default tier)
    guardrail_id: str = ""  # an identifier and version of a guardrail in the account; never a credential
    guardrail_version: str = ""

    @classmethod
    def defaults_for(cls, limits: ParamLimits) -> GenerationParams:
        return cls(
            temperature=limits.default_temperature,
            top_p=limits.default_top_p,
            max_tokens=min(limits.default_max_tokens, limits.max_output_tokens),
        )

    def clamped(self, limits: ParamLimits) -> GenerationParams:
        """Never lets a value the model would reject leave the client."""
        stops = tuple(stop for stop in self.stop_sequences if stop)[:MAX_STOP_SEQUENCES]
        return replace(
            self,
            temperature=round(min(max(self.temperature, 0.0), limits.temperature_max), 2),
            top_p=round(min(max(self.top_p, 0.0), limits.top_p_max), 3),
            max_tokens=min(max(self.max_tokens, 1), limits.max_output_tokens),
            stop_sequences=stops,
            reasoning_budget=max(1024, self.reasoning_budget),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "temperature": self.temperature,
            "topP": self.top_p,
            "maxTokens": self.max_tokens,
            "stopSequences": list(self.stop_sequences),
            "systemPrompt": self.system_prompt,
            "reasoning": self.reasoning,
            "reasoningBudget": self.reasoning_budget,
            "reasoningEffort": self.reasoning_effort,
            "promptCaching": self.prompt_caching,
            "latencyOptimized": self.latency_optimized,
            "serviceTier": self.service_tier,
            "guardrailId": self.guardrail_id,
            "guardrailVersion": self.guardrail_version,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GenerationParams:
        base = cls()
        return cls(
            temperature=float(data.get("temperature", base.temperature)),
            top_p=float(data.get("topP", base.top_p)),
            max_tokens=int(data.get("maxTokens", base.max_tokens)),
            stop_sequences=tuple(str(stop) for stop in data.get("stopSequences", [])),
            system_prompt=str(data.get("systemPrompt", "")),
            reasoning=bool(data.get("reasoning", False)),
            reasoning_budget=int(data.get("reasoningBudget", base.reasoning_budget)),
            reasoning_effort=str(data.get("reasoningEffort", "")),
            prompt_caching=bool(data.get("promptCaching", base.prompt_caching)),
            latency_optimized=bool(data.get("latencyOptimized", False)),
            service_tier=str(data.get("serviceTier", "")),
            guardrail_id=str(data.get("guardrailId", "")).strip(),
            guardrail_version=str(data.get("guardrailVersion", "")).strip(),
        )


@dataclass(frozen=True)
class RequestOptions:
    """How a turn is sent: which API, and whether the reply streams."""

    api: str = "converse"  # "converse" or "invoke"
    streaming: bool = True

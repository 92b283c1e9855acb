"""The model list as a person picks from it: one entry per model, grouped by provider, with its capabilities.

Bedrock lists a model once under its own id and again under each inference profile that routes to it. A person
picks the model; the id a request uses is chosen here: the one already in use, else the model's own id where it
runs on demand, else the profile of the region's geography, else the first profile. Every id stays in the
entry's tooltip. Qt-free so the choice is easy to test.
"""

from __future__ import annotations

from dataclasses import dataclass

from bedrock_chat.core import number_format as fmt
from bedrock_chat.core.catalog import ModelInfo, base_model_id, profile_geography
from bedrock_chat.core.display_names import model_facts


@dataclass(frozen=True)
class ModelChoice:
    """One entry of the picker: a model, with every listed id that reaches it."""

    key: str
    name: str
    provider: str
    variants: tuple[ModelInfo, ...]
    badges: tuple[str, ...]

    def preferred(self, current: ModelInfo | None, region: str | None) -> ModelInfo:
        if current is not None and current in self.variants:
            return current
        on_demand = [model for model in self.variants if model.invoke_id == model.model_id]
        if on_demand:
            return on_demand[0]
        geography = profile_geography(region)
        local = [model for model in self.variants if geography and model.invoke_id.startswith(f"{geography}.")]
        return (local or list(self.variants))[0]

    def matches(self, words: list[str]) -> bool:
        """Every typed word appears in the name, the provider or one of the ids (case-insensitive)."""
        haystack = " ".join([self.name, self.provider, *(model.invoke_id for model in self.variants)]).lower()
        return all(word in haystack for word in words)

    @property
    def tooltip(self) -> str:
        ids = "\n".join(model.invoke_id for model in self.variants)
        pricing = self.variants[0].pricing
        prices = f"\n{pricing.as_of_note}" if pricing else ""  # prices change: say how old the badge's are
        return f"{self.provider} · {self.name}\nInvoked as:\n{ids}{prices}"


def _key(model: ModelInfo) -> str:
    """Models and their profiles share a key; an application profile or a typed ARN is its own entry."""
    if model.invoke_id == model.model_id or base_model_id(model.invoke_id) == model.model_id:
        return model.model_id
    return model.invoke_id


def _context(tokens: int) -> str:
    """Context windows are powers of two as often as round numbers: 8,192 reads "8k", 200,000 "200k"."""
    if tokens % 1024 == 0 and tokens < 1024 * 1024:
        return f"{tokens // 1024}k"
    return fmt.compact_count(tokens)


def _per_million(value: float) -> str:
    return f"${value:,.2f}" if value >= 0.1 else f"${value:.3f}".rstrip("0")


def badges(model: ModelInfo) -> tuple[str, ...]:
    """Context window, vision, reasoning and the price per million tokens in / out, where the catalog knows."""
    facts = model_facts(model.model_id)
    found = []
    if facts.context_tokens:
        found.append(f"{_context(facts.context_tokens)} context")
    if facts.vision:
        found.append("Vision")
    if facts.reasoning or model.reasoning:
        found.append("Reasoning")
    if facts.input_per_million is not None and facts.output_per_million is not None:
        found.append(f"{_per_million(facts.input_per_million)} / {_per_million(facts.output_per_million)} per 1M")
    return tuple(found)


def group_models(models: list[ModelInfo]) -> list[ModelChoice]:
    """One choice per model, in the order providers and models first appear (the catalog sorts them)."""
    grouped: dict[str, list[ModelInfo]] = {}
    for model in models:
        grouped.setdefault(_key(model), []).append(model)
    choices = [ModelChoice(key, variants[0].name, variants[0].provider, tuple(variants), badges(variants[0]))
               for key, variants in grouped.items()]
    providers = list(dict.fromkeys(choice.provider for choice in choices))
    return sorted(choices, key=lambda choice: (providers.index(choice.provider), choice.name.lower()))


def exact_model(text: str, models: list[ModelInfo]) -> ModelInfo | None:
    """The listed model whose invoke id is exactly what was typed (a person pasting an id picks that id)."""
    wanted = text.strip()
    return next((model for model in models if model.invoke_id == wanted), None)

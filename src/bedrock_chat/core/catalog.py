"""The model catalog: which models can chat, under which id to call them, their limits and prices."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bedrock_chat.core.attachment_request_checks import Capabilities
from bedrock_chat.core.model_features import ModelFeatures, features_from_entry
from bedrock_chat.core.params import ParamLimits
from bedrock_chat.resource_files import model_catalog_data

FAMILIES = ("nova", "anthropic", "llama", "mistral", "titan", "deepseek", "cohere", "jamba", "openai", "qwen")
_PROFILE_PREFIXES = ("us.", "eu.", "apac.", "global.", "us-gov.")


def base_model_id(model_id: str) -> str:
    """``us.anthropic.claude...`` and ARNs map to the foundation model id they route to."""
    if model_id.startswith("arn:"):
        model_id = model_id.rsplit("/", 1)[-1]
    for prefix in _PROFILE_PREFIXES:
        if model_id.startswith(prefix):
            return model_id[len(prefix):]
    return model_id


def family_of(model_id: str) -> str | None:
    base = base_model_id(model_id)
    if base.startswith("amazon.nova-") and "canvas" not in base and "reel" not in base and "sonic" not in base:
        return "nova"
    if base.startswith("amazon.titan-text"):
        return "titan"
    for family, prefix in (("anthropic", "anthropic.claude"), ("llama", "meta.llama"), ("mistral", "mistral."),
                           ("deepseek", "deepseek."), ("cohere", "cohere.command-r"), ("jamba", "ai21.jamba"),
                           ("openai", "openai.gpt-oss"), ("qwen", "qwen.qwen3")):
        if base.startswith(prefix):
            return family
    return None


@dataclass(frozen=True)
class Pricing:
    input_per_1k: float
    output_per_1k: float
    # Prompt caching: tokens read from the cache are billed at a discount, tokens written to it at a premium
    # (Claude) or at the input price (Nova). None where the model has no caching.
    cache_read_per_1k: float | None = None
    cache_write_per_1k: float | None = None
    as_of: str | None = None  # the day these prices were last checked ("YYYY-MM-DD"): prices change

    @property
    def as_of_note(self) -> str:
        """A line for a tooltip beside a cost: which prices it used and how old they are."""
        per_million = f"${self.input_per_1k * 1000:,.2f} in / ${self.output_per_1k * 1000:,.2f} out per 1M tokens"
        when = f"as of {self.as_of}" if self.as_of else "date unknown"
        return f"Prices {when} (on demand, us-east-1):\n{per_million}; check AWS's pricing page for your region."

    def cost(self, input_tokens: int, output_tokens: int, cache_read_tokens: int = 0,
             cache_write_tokens: int = 0) -> float:
        """Bedrock's inputTokens excludes cached tokens; those are billed separately at their own rates."""
        read_rate = self.input_per_1k if self.cache_read_per_1k is None else self.cache_read_per_1k
        write_rate = self.input_per_1k if self.cache_write_per_1k is None else self.cache_write_per_1k
        return (input_tokens / 1000 * self.input_per_1k + output_tokens / 1000 * self.output_per_1k
                + cache_read_tokens / 1000 * read_rate + cache_write_tokens / 1000 * write_rate)


@dataclass(frozen=True)
class ModelInfo:
    model_id: str  # the foundation model
    invoke_id: str  # what requests name: the model id, or an inference profile id where one is needed
    name: str
    provider: str
    family: str | None
    streaming: bool
    reasoning: bool
    limits: ParamLimits
    pricing: Pricing | None
    input_modalities: tuple[str, ...] = ("TEXT",)  # from ListFoundationModels (or the bundled catalog)
    documents: bool = True  # Converse "document chat"; a model the catalog does not know gets the benefit of doubt
    features: ModelFeatures = field(default_factory=ModelFeatures)

    @property
    def attachment_capabilities(self) -> Capabilities:
        return Capabilities(self.name, images="IMAGE" in self.input_modalities, documents=self.documents)

    @property
    def display_name(self) -> str:
        suffix = " (cross-region)" if self.invoke_id != self.model_id else ""
        return f"{self.provider} · {self.name}{suffix}"


def _known() -> dict[str, dict[str, Any]]:
    return {entry["modelId"]: entry for entry in model_catalog_data()["models"]}


def limits_for(model_id: str) -> ParamLimits:
    entry = _known().get(base_model_id(model_id))
    if entry is None:
        return ParamLimits(max_output_tokens=4096)
    defaults = entry.get("defaults", {})
    return ParamLimits(
        max_output_tokens=max(1, entry["maxOutputTokens"]),
        default_temperature=defaults.get("temperature", 0.7),
        default_top_p=defaults.get("topP", 0.9),
        default_max_tokens=defaults.get("maxTokens", 1024),
    )


def pricing_for(model_id: str) -> Pricing | None:
    entry = _known().get(base_model_id(model_id))
    if entry is None or "pricePer1kInput" not in entry:
        return None
    return Pricing(entry["pricePer1kInput"], entry["pricePer1kOutput"], entry.get("pricePer1kCacheRead"),
                   entry.get("pricePer1kCacheWrite"), as_of=entry.get("pricesAsOf"))


def model_info(model_id: str, invoke_id: str | None = None, name: str | None = None,
               provider: str | None = None, streaming: bool = True,
               input_modalities: Iterable[str] | None = None) -> ModelInfo:
    entry = _known().get(base_model_id(model_id), {})
    modalities = input_modalities if input_modalities is not None else entry.get("inputModalities", ["TEXT"])
    return ModelInfo(
        model_id=base_model_id(model_id),
        invoke_id=invoke_id or model_id,
        name=name or entry.get("modelName", model_id),
        provider=provider or entry.get("providerName", model_id.split(".", 1)[0].title()),
        family=family_of(model_id),
        streaming=streaming,
        reasoning=bool(entry.get("reasoning", False)),
        limits=limits_for(model_id),
        pricing=pricing_for(model_id),
        input_modalities=tuple(str(item) for item in modalities),
        documents=bool(entry.get("documentChat", True)),
        features=features_from_entry(entry),
    )


def profile_geography(region: str | None) -> str | None:
    """The prefix of the cross-region inference profiles a region uses (``us``, ``eu``, ``apac``, ``us-gov``)."""
    if not region:
        return None
    if region.startswith("us-gov-"):
        return "us-gov"
    return {"us": "us", "eu": "eu", "ap": "apac"}.get(region.split("-", 1)[0])


def _offered_in(model_id: str, geography: str) -> bool:
    """Models we know say which geographies have a profile for them; an unknown model gets the benefit of doubt."""
    entry = _known().get(model_id)
    return entry is None or geography in entry.get("profileRegions", [geography])


def build_catalog(foundation_models: Iterable[dict[str, Any]], inference_profiles: Iterable[dict[str, Any]],
                  region: str | None = None, profiles_listed: bool = True) -> list[ModelInfo]:
    """Chat-capable models from ListFoundationModels, each under the id a request must use.

    Models offered only through inference profiles are listed under their profile id; models that also run
    on demand are listed under their own id, with their profiles as extra entries. When the profiles could not
    be listed (``profiles_listed`` false), a profile-only model is offered under the regional profile id of
    ``region`` (``us.``/``eu.``/``apac.``), which is what Bedrock names it there.
    """
    profiles_by_model: dict[str, list[str]] = {}
    for profile in inference_profiles:
        for routed in profile.get("models", []):
            model_id = str(routed.get("modelArn", "")).rsplit("/", 1)[-1]
            profiles_by_model.setdefault(model_id, []).append(profile["inferenceProfileId"])
    geography = profile_geography(region)

    catalog: list[ModelInfo] = []
    for summary in foundation_models:
        model_id = summary["modelId"]
        if "TEXT" not in summary.get("outputModalities", []) or family_of(model_id) is None:
            continue
        if summary.get("modelLifecycle", {}).get("status", "ACTIVE") != "ACTIVE":
            continue
        name, provider = summary.get("modelName"), summary.get("providerName")
        streaming = bool(summary.get("responseStreamingSupported", True))
        inference_types = summary.get("inferenceTypesSupported", [])
        invoke_ids = []
        if "ON_DEMAND" in inference_types:
            invoke_ids.append(model_id)
        invoke_ids.extend(sorted(set(profiles_by_model.get(model_id, []))))
        if (not profiles_listed and not invoke_ids and "INFERENCE_PROFILE" in inference_types and geography
                and _offered_in(model_id, geography)):
            invoke_ids.append(f"{geography}.{model_id}")
        for invoke_id in invoke_ids:
            catalog.append(model_info(model_id, invoke_id, name, provider, streaming,
                                      summary.get("inputModalities")))
    catalog.sort(key=lambda info: (info.provider, info.name, info.invoke_id != info.model_id))
    return catalog


def bundled_catalog(region: str | None) -> list[ModelInfo]:
    """The models in resources/models.json, under the ids a request in ``region`` must use.

    Used when the account may not list models: each on-demand model under its own id, each model with a
    profile in the region's geography also under that profile id (the only id for profile-only models).
    """
    geography = profile_geography(region)
    summaries = [{**entry, "modelLifecycle": {"status": "ACTIVE"}} for entry in model_catalog_data()["models"]]
    profiles = [{"inferenceProfileId": f"{geography}.{entry['modelId']}", "models": [{"modelArn": entry["modelId"]}]}
                for entry in summaries if geography and geography in entry.get("profileRegions", [])]
    return build_catalog(summaries, profiles, region)


def find_model(typed: str, known: Iterable[ModelInfo]) -> ModelInfo | None:
    """The listed model a typed id names: its invoke id, or the plain id of a model offered only via a profile."""
    wanted = typed.strip()
    candidates = list(known)
    exact = next((model for model in candidates if model.invoke_id == wanted), None)
    if exact is not None:
        return exact
    # The plain id of a profile-only model cannot be called; its profile is the same model at the same price.
    return next((model for model in candidates if model.model_id == wanted), None)


def custom_model(invoke_id: str, base_model: str | None = None, name: str | None = None) -> ModelInfo:
    """A model the list does not have: an id or ARN typed by the user, with limits and prices of its base model
    when known (``base_model``, e.g. resolved from an application inference profile), else safe defaults."""
    invoke_id = invoke_id.strip()
    base = base_model or base_model_id(invoke_id)
    entry = _known().get(base_model_id(base), {})
    info = model_info(base, invoke_id, name or (entry.get("modelName", invoke_id)),
                      entry.get("providerName") or ("Custom" if not entry else None))
    return info

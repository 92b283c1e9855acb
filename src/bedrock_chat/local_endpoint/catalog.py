"""The endpoint's model catalog: foundation models, inference profiles, and model id resolution."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from bedrock_chat.local_endpoint.errors import validation
from bedrock_chat.resource_files import model_catalog_data

_PROFILE_PREFIXES = {"us": "US", "eu": "EU", "apac": "APAC"}


@dataclass(frozen=True)
class CatalogModel:
    model_id: str
    name: str
    provider: str
    family: str
    input_modalities: tuple[str, ...]
    output_modalities: tuple[str, ...]
    streaming: bool
    inference_types: tuple[str, ...]
    profile_regions: tuple[str, ...]
    max_output_tokens: int
    reasoning: bool
    document_chat: bool = True
    # What the model offers per request (resources/models.json flags; absent = off), validated like Bedrock.
    reasoning_control: str = "none"
    reasoning_efforts: tuple[str, ...] = ()
    prompt_caching: bool = False
    cache_min_tokens: int = 0
    latency_optimized: bool = False
    service_tiers: tuple[str, ...] = ()
    count_tokens: bool = False
    guardrails: bool = False

    @property
    def accepts_images(self) -> bool:
        return "IMAGE" in self.input_modalities

    @property
    def on_demand(self) -> bool:
        return "ON_DEMAND" in self.inference_types

    @property
    def generates_text(self) -> bool:
        return "TEXT" in self.output_modalities


def _load() -> dict[str, CatalogModel]:
    models = {}
    for entry in model_catalog_data()["models"]:
        model = CatalogModel(
            model_id=entry["modelId"],
            name=entry["modelName"],
            provider=entry["providerName"],
            family=entry["family"],
            input_modalities=tuple(entry["inputModalities"]),
            output_modalities=tuple(entry["outputModalities"]),
            streaming=entry["responseStreamingSupported"],
            inference_types=tuple(entry["inferenceTypesSupported"]),
            profile_regions=tuple(entry["profileRegions"]),
            max_output_tokens=entry["maxOutputTokens"],
            reasoning=entry["reasoning"],
            document_chat=entry.get("documentChat", True),
            reasoning_control=str(entry.get("reasoningControl", "none")),
            reasoning_efforts=tuple(entry.get("reasoningEfforts", ())),
            prompt_caching=entry.get("promptCaching") is True,
            cache_min_tokens=int(entry.get("cacheMinTokens", 0)),
            latency_optimized=entry.get("latencyOptimized") is True,
            service_tiers=tuple(entry.get("serviceTiers", ())),
            count_tokens=entry.get("countTokens") is True,
            guardrails=entry.get("guardrails") is True,
        )
        models[model.model_id] = model
    return models


class Catalog:
    def __init__(self) -> None:
        self.models = _load()

    def resolve(self, raw_model_id: str, application_profiles: dict[str, str] | None = None) -> CatalogModel:
        """Maps a plain id, a cross-region profile id or an ARN to its model, as Bedrock does."""
        model_id = unquote(raw_model_id)
        via_profile = False
        if model_id.startswith("arn:"):
            resource = model_id.split(":", 5)[-1]
            kind, _, model_id = resource.partition("/")
            via_profile = kind == "inference-profile"
            if kind == "application-inference-profile":
                model_id, via_profile = (application_profiles or {}).get(model_id, ""), True
        prefix, _, rest = model_id.partition(".")
        if prefix in _PROFILE_PREFIXES and rest in self.models:
            model_id, via_profile = rest, True
            if prefix not in self.models[rest].profile_regions:
                raise validation("The provided model identifier is invalid.")
        model = self.models.get(model_id)
        if model is None:
            raise validation("The provided model identifier is invalid.")
        if not via_profile and not model.on_demand:
            raise validation(
                f"Invocation of model ID {model_id} with on-demand throughput isn’t supported. Retry your "
                "request with the ID or ARN of an inference profile that contains this model."
            )
        return model

    def resolve_for_counting(self, raw_model_id: str) -> CatalogModel:
        """CountTokens names the foundation model (no inference runs), so a profile-only model counts by its id."""
        model_id = unquote(raw_model_id)
        prefix, _, rest = model_id.partition(".")
        model = self.models.get(rest if prefix in _PROFILE_PREFIXES else model_id)
        if model is None:
            raise validation("The provided model identifier is invalid.")
        return model

    def foundation_model_summaries(self, region: str, query: dict[str, str]) -> list[dict[str, Any]]:
        summaries = []
        for model in self.models.values():
            if query.get("byProvider") and query["byProvider"].lower() != model.provider.lower():
                continue
            if query.get("byOutputModality") and query["byOutputModality"] not in model.output_modalities:
                continue
            if query.get("byInferenceType") and query["byInferenceType"] not in model.inference_types:
                continue
            summaries.append(
                {
                    "modelArn": f"arn:aws:bedrock:{region}::foundation-model/{model.model_id}",
                    "modelId": model.model_id,
                    "modelName": model.name,
                    "providerName": model.provider,
                    "inputModalities": list(model.input_modalities),
                    "outputModalities": list(model.output_modalities),
                    "responseStreamingSupported": model.streaming,
                    "customizationsSupported": [],
                    "inferenceTypesSupported": list(model.inference_types),
                    "modelLifecycle": {"status": "ACTIVE"},
                }
            )
        return summaries

    def inference_profile_summaries(self, region: str) -> list[dict[str, Any]]:
        geography = region.split("-", 1)[0]
        prefix = {"ap": "apac"}.get(geography, geography)
        summaries = []
        for model in self.models.values():
            if prefix not in model.profile_regions:
                continue
            profile_id = f"{prefix}.{model.model_id}"
            label = _PROFILE_PREFIXES[prefix]
            summaries.append(
                {
                    "inferenceProfileName": f"{label} {model.name}",
                    "description": f"Routes requests to {model.name} in regions of the {label} geography.",
                    "createdAt": "2024-09-01T00:00:00Z",
                    "updatedAt": "2025-06-01T00:00:00Z",
                    "inferenceProfileArn": f"arn:aws:bedrock:{region}:123456789012:inference-profile/{profile_id}",
                    "models": [
                        {"modelArn": f"arn:aws:bedrock:{region}::foundation-model/{model.model_id}"},
                    ],
                    "inferenceProfileId": profile_id,
                    "status": "ACTIVE",
                    "type": "SYSTEM_DEFINED",
                }
            )
        return summaries

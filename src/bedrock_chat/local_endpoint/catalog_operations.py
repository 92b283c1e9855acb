"""The bedrock (control-plane) operations: foundation models and inference profiles, answered from the catalog."""

from __future__ import annotations

from typing import Any

from bedrock_chat.local_endpoint.catalog import Catalog
from bedrock_chat.local_endpoint.errors import BedrockError, validation


def foundation_models(catalog: Catalog, region: str, query: dict[str, str]) -> dict[str, Any]:
    return {"modelSummaries": catalog.foundation_model_summaries(region, query)}


def foundation_model(catalog: Catalog, region: str, model_id: str) -> dict[str, Any]:
    for summary in catalog.foundation_model_summaries(region, {}):
        if summary["modelId"] == model_id:
            return {"modelDetails": summary}
    raise BedrockError("ResourceNotFoundException", f"The model {model_id} was not found.")


def inference_profiles_page(catalog: Catalog, region: str, query: dict[str, str]) -> dict[str, Any]:
    """One page of the system-defined profiles; the endpoint lists no application profiles."""
    profiles = catalog.inference_profile_summaries(region)
    if query.get("typeEquals") == "APPLICATION":
        profiles = []
    try:
        start = int(query.get("nextToken") or 0)
        size = int(query.get("maxResults") or 1000)
    except ValueError as error:
        raise validation("nextToken and maxResults must be integers.") from error
    page: dict[str, Any] = {"inferenceProfileSummaries": profiles[start : start + size]}
    if start + size < len(profiles):
        page["nextToken"] = str(start + size)
    return page


def inference_profile(catalog: Catalog, application_profiles: dict[str, str], region: str,
                      identifier: str) -> dict[str, Any]:
    """A system-defined profile, or one of the options' application profiles, by id or ARN."""
    profile_id = identifier.rsplit("/", 1)[-1]
    for summary in catalog.inference_profile_summaries(region):
        if profile_id == summary["inferenceProfileId"]:
            return summary
    model_id = application_profiles.get(profile_id)
    if model_id is None:
        raise BedrockError("ResourceNotFoundException", f"The inference profile {identifier} was not found.")
    return {
        "inferenceProfileName": f"application profile {profile_id}",
        "inferenceProfileArn": f"arn:aws:bedrock:{region}:123456789012:application-inference-profile/{profile_id}",
        "inferenceProfileId": profile_id,
        "models": [{"modelArn": f"arn:aws:bedrock:{region}::foundation-model/{model_id}"}],
        "status": "ACTIVE",
        "type": "APPLICATION",
        "createdAt": "2025-06-01T00:00:00Z",
        "updatedAt": "2025-06-01T00:00:00Z",
    }

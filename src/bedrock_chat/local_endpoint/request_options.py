"""Per-request options of Converse and InvokeModel, emulated and validated as Bedrock does: a guardrail that
intervenes on a marker word (with its trace), latency-optimized inference and service tiers; and the usage and
metadata members they change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bedrock_chat.local_endpoint.catalog import CatalogModel
from bedrock_chat.local_endpoint.errors import BedrockError, malformed, validation
from bedrock_chat.local_endpoint.generator import Generation, tokenize

GUARDRAIL_MARKER = "contraband"  # the local guardrail's one custom blocked word
GUARDRAIL_BLOCKED_TEXT = "Sorry, this request was blocked by the guardrail you chose."
_SERVICE_TIERS = ("priority", "default", "flex", "reserved")


@dataclass
class ConverseExtras:
    """What the request's features change in the answer."""

    cache_read: int = 0
    cache_write: int = 0
    redact: bool = False
    guardrail_trace: dict[str, Any] | None = None  # set when the guardrail intervened
    guardrail_id: str | None = None
    latency: str | None = None
    service_tier: str | None = None


def guardrail_config(body: dict[str, Any], model: CatalogModel, streaming: bool) -> dict[str, Any] | None:
    config = body.get("guardrailConfig")
    if config is None:
        return None
    if not isinstance(config, dict):
        raise malformed("#/guardrailConfig: expected type: JSONObject")
    allowed = {"guardrailIdentifier", "guardrailVersion", "trace"} | ({"streamProcessingMode"} if streaming else set())
    for key in config:
        if key not in allowed:
            raise malformed(f"#/guardrailConfig: extraneous key [{key}] is not permitted")
    identifier, version = config.get("guardrailIdentifier"), config.get("guardrailVersion")
    if not isinstance(identifier, str) or not identifier or not isinstance(version, str) or not version:
        raise validation("guardrailConfig needs both guardrailIdentifier and guardrailVersion.")
    if not (version == "DRAFT" or (version.isdigit() and not version.startswith("0") and len(version) <= 8)):
        raise validation(f"1 validation error detected: Value '{version}' at 'guardrailConfig.guardrailVersion' "
                         "failed to satisfy constraint: Member must satisfy regular expression pattern: "
                         "(([1-9][0-9]{0,7})|(DRAFT))")
    if identifier.startswith("missing"):
        raise BedrockError("ResourceNotFoundException", f"The guardrail {identifier} version {version} was not "
                           "found. Check the guardrail's identifier and version.")
    if not model.guardrails:
        raise validation(f"Guardrails are not supported for the model {model.model_id}.")
    if config.get("trace") not in (None, "enabled", "disabled", "enabled_full"):
        raise malformed("#/guardrailConfig/trace: must be enabled, disabled or enabled_full")
    return config


def intervention_trace(identifier: str, word: str) -> dict[str, Any]:
    assessment = {"wordPolicy": {"customWords": [{"match": word, "action": "BLOCKED", "detected": True}],
                                 "managedWordLists": []},
                  "invocationMetrics": {"guardrailProcessingLatency": 12,
                                        "usage": {"wordPolicyUnits": 1},
                                        "guardrailCoverage": {"textCharacters": {"guarded": 40, "total": 40}}}}
    return {"guardrail": {"inputAssessment": {identifier: assessment}, "actionReason": "Guardrail blocked."}}


def latency_option(body: dict[str, Any], model: CatalogModel) -> str | None:
    config = body.get("performanceConfig")
    if config is None:
        return None
    latency = config.get("latency") if isinstance(config, dict) else None
    if latency not in ("standard", "optimized"):
        raise malformed("#/performanceConfig/latency: must be standard or optimized")
    if latency == "optimized" and not model.latency_optimized:
        raise validation(f"Latency-optimized inference isn't supported for the model {model.model_id}. "
                         "Use standard latency or choose a model that offers it.")
    return str(latency)


def service_tier_option(body: dict[str, Any], model: CatalogModel) -> str | None:
    tier = body.get("serviceTier")
    if tier is None:
        return None
    kind = tier.get("type") if isinstance(tier, dict) else None
    if kind not in _SERVICE_TIERS:
        raise malformed("#/serviceTier/type: must be one of priority, default, flex, reserved")
    if kind != "default" and kind not in model.service_tiers:
        raise validation(f"The service tier {kind} isn't available for the model {model.model_id}.")
    return str(kind)


def blocked_generation(generation: Generation) -> Generation:
    """The guardrail's canned answer in place of the model's; the prompt was still read (input tokens)."""
    return Generation(tokenize(GUARDRAIL_BLOCKED_TEXT), [], "guardrail_intervened", None, generation.input_tokens)


def usage(generation: Generation, extras: ConverseExtras) -> dict[str, int]:
    """Converse's usage: inputTokens excludes what was read from or written to the cache."""
    plain_input = max(0, generation.input_tokens - extras.cache_read - extras.cache_write)
    return {
        "inputTokens": plain_input,
        "outputTokens": generation.output_tokens,
        "totalTokens": plain_input + extras.cache_read + extras.cache_write + generation.output_tokens,
        "cacheReadInputTokens": extras.cache_read,
        "cacheWriteInputTokens": extras.cache_write,
    }


def served(extras: ConverseExtras) -> dict[str, Any]:
    """The metadata members that say how the request was served, and the guardrail's trace."""
    fields: dict[str, Any] = {}
    if extras.latency:
        fields["performanceConfig"] = {"latency": extras.latency}
    if extras.service_tier:
        fields["serviceTier"] = {"type": extras.service_tier}
    if extras.guardrail_trace:
        fields["trace"] = extras.guardrail_trace
    return fields


def invoke_extras(headers: Any, model: CatalogModel, prompt: str) -> ConverseExtras:
    """InvokeModel's header options (guardrail, trace, latency, tier), validated like the Converse members."""
    body: dict[str, Any] = {}
    identifier = headers.get("X-Amzn-Bedrock-GuardrailIdentifier")
    version = headers.get("X-Amzn-Bedrock-GuardrailVersion")
    if identifier or version:
        body["guardrailConfig"] = {"guardrailIdentifier": identifier or "", "guardrailVersion": version or ""}
    if headers.get("X-Amzn-Bedrock-PerformanceConfig-Latency"):
        body["performanceConfig"] = {"latency": headers["X-Amzn-Bedrock-PerformanceConfig-Latency"]}
    if headers.get("X-Amzn-Bedrock-Service-Tier"):
        body["serviceTier"] = {"type": headers["X-Amzn-Bedrock-Service-Tier"]}
    guardrail = guardrail_config(body, model, streaming=False)
    extras = ConverseExtras(latency=latency_option(body, model), service_tier=service_tier_option(body, model))
    if guardrail is not None and GUARDRAIL_MARKER in prompt.lower():
        extras.guardrail_id = str(guardrail["guardrailIdentifier"]).rsplit("/", 1)[-1]
        extras.guardrail_trace = intervention_trace(extras.guardrail_id, GUARDRAIL_MARKER)
    return extras


def served_headers(extras: ConverseExtras) -> dict[str, str]:
    headers = {}
    if extras.latency:
        headers["X-Amzn-Bedrock-PerformanceConfig-Latency"] = extras.latency
    if extras.service_tier:
        headers["X-Amzn-Bedrock-Service-Tier"] = extras.service_tier
    return headers


def mark_intervention(payload: dict[str, Any], extras: ConverseExtras) -> dict[str, Any]:
    """A native body (or last chunk) as Bedrock marks it when the guardrail intervened."""
    if extras.guardrail_trace is None:
        return payload
    return {**payload, "amazon-bedrock-guardrailAction": "INTERVENED", "amazon-bedrock-trace": extras.guardrail_trace}


def with_cache_usage(chunks: list[dict[str, Any]], extras: ConverseExtras) -> list[dict[str, Any]]:
    """Claude's native ``message_start`` reports cache reads and writes apart from the plain input tokens."""
    if not (extras.cache_read or extras.cache_write):
        return chunks
    out = []
    for chunk in chunks:
        if chunk.get("type") == "message_start":
            message = dict(chunk["message"])
            usage = dict(message.get("usage", {}))
            usage["input_tokens"] = max(0, int(usage.get("input_tokens", 0)) - extras.cache_read - extras.cache_write)
            usage.update(cache_read_input_tokens=extras.cache_read, cache_creation_input_tokens=extras.cache_write)
            message["usage"] = usage
            chunk = {**chunk, "message": message}
        out.append(chunk)
    return out

"""What Converse offers per request, emulated and validated the way Bedrock does: signed reasoning (and a
refusal of a later turn whose thinking lost or changed its signature), redacted reasoning, prompt caching on a
repeated prefix, a guardrail that intervenes on a marker word, latency-optimized inference and service tiers."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from bedrock_chat.local_endpoint.catalog import CatalogModel
from bedrock_chat.local_endpoint.errors import BedrockError, malformed, validation
from bedrock_chat.local_endpoint.generator import Generation, count_tokens, tokenize

# Anthropic's documented prompt that makes Claude return its thinking redacted (for testing clients).
REDACTION_TRIGGER = ("ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_"
                     "46C9A13E193C177646C7398A98432ECCCE4C1253D5E2D82641AC0E52CC2876CB")
GUARDRAIL_MARKER = "contraband"  # the local guardrail's one custom blocked word
GUARDRAIL_BLOCKED_TEXT = "Sorry, this request was blocked by the guardrail you chose."
CACHE_TTL_S = 300.0
_CACHE_ENTRIES = 4096
_SERVICE_TIERS = ("priority", "default", "flex", "reserved")


class FeatureState:
    """Per-server state: the key that signs reasoning, and the prompt cache (prefix hash -> expiry)."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)
        self._cache: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def sign(self, text: str) -> str:
        return base64.b64encode(hmac.new(self._key, text.encode("utf-8"), hashlib.sha256).digest()).decode()

    def signature_valid(self, text: str, signature: str) -> bool:
        return hmac.compare_digest(self.sign(text), signature)

    def redacted_blob(self) -> bytes:
        """Opaque bytes that only this server can vouch for, as Bedrock's encrypted thinking is."""
        nonce = secrets.token_bytes(24)
        return nonce + hmac.new(self._key, b"redacted" + nonce, hashlib.sha256).digest()

    def redacted_valid(self, blob: bytes) -> bool:
        nonce, mac = blob[:24], blob[24:]
        return len(blob) == 56 and hmac.compare_digest(mac, hmac.new(self._key, b"redacted" + nonce,
                                                                     hashlib.sha256).digest())

    def cache_lookup(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            expiry = self._cache.get(key)
            if expiry is None or expiry < now:
                self._cache.pop(key, None)
                return False
            self._cache[key] = now + CACHE_TTL_S  # a hit refreshes the entry's time to live, as Bedrock's does
            self._cache.move_to_end(key)
            return True

    def cache_store(self, key: str) -> None:
        with self._lock:
            self._cache[key] = time.monotonic() + CACHE_TTL_S
            self._cache.move_to_end(key)
            while len(self._cache) > _CACHE_ENTRIES:
                self._cache.popitem(last=False)


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
    sign: Any = field(default=None, repr=False)  # FeatureState.sign, for the reasoning this answer carries


def check_reasoning_blocks(messages: list[Any], state: FeatureState) -> None:
    """Rejects a turn whose assistant reasoning lost or changed its signature, as Bedrock does for Claude."""
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            continue
        for position, block in enumerate(message.get("content") or []):
            if not isinstance(block, dict) or "reasoningContent" not in block:
                continue
            where = f"messages.{index}.content.{position}"
            if message.get("role") != "assistant":
                raise validation(f"{where}: reasoning content is only allowed in assistant messages.")
            content = block["reasoningContent"]
            if not isinstance(content, dict):
                raise malformed(f"#/{where}/reasoningContent: expected type: JSONObject")
            if "redactedContent" in content:
                try:
                    blob = base64.b64decode(str(content["redactedContent"]), validate=True)
                except (binascii.Error, ValueError) as error:
                    raise malformed(f"#/{where}/reasoningContent/redactedContent: not base64") from error
                if not state.redacted_valid(blob):
                    raise validation(f"{where}: Invalid `data` in `redacted_thinking` block. Send the redacted "
                                     "reasoning back exactly as you received it.")
                continue
            text_block = content.get("reasoningText")
            if not isinstance(text_block, dict) or not isinstance(text_block.get("text"), str):
                raise malformed(f"#/{where}/reasoningContent: required key [reasoningText] not found")
            signature = text_block.get("signature")
            if not signature:
                raise validation(f"{where}.thinking.signature: Field required. A reasoning block sent back "
                                 "must carry the signature it arrived with.")
            if not isinstance(signature, str) or not state.signature_valid(text_block["text"], signature):
                raise validation(f"{where}: Invalid `signature` in `thinking` block. Send reasoning blocks back "
                                 "unchanged.")


def _block_text(block: Any) -> str:
    return str(block.get("text", "")) if isinstance(block, dict) else ""


def _prefix_points(body: dict[str, Any]) -> list[tuple[str, int]]:
    """(hash of everything before the cache point, its token count) for each cachePoint in system and messages."""
    points: list[tuple[str, int]] = []
    seen: list[Any] = []
    system = body.get("system") or []
    system_text = "\n".join(_block_text(block) for block in system if isinstance(block, dict) and "text" in block)
    for block in system:
        if isinstance(block, dict) and "cachePoint" in block:
            points.append((_digest(seen), count_tokens(system_text)))
        else:
            seen.append(block)
    tokens_before = count_tokens(system_text)
    for message in body.get("messages") or []:
        if not isinstance(message, dict):
            continue
        texts: list[str] = []
        for block in message.get("content") or []:
            if isinstance(block, dict) and "cachePoint" in block:
                points.append((_digest([*seen, message.get("role")]), tokens_before + count_tokens("".join(texts))))
            else:
                seen.append(block)
                if isinstance(block, dict) and "text" in block:
                    texts.append(_block_text(block))
        seen.append(message.get("role"))
        tokens_before += count_tokens("".join(texts))
    return points


def _digest(items: list[Any]) -> str:
    return hashlib.sha256(json.dumps(items, sort_keys=True, default=str).encode()).hexdigest()


def cache_usage(body: dict[str, Any], model: CatalogModel, state: FeatureState, input_tokens: int) -> tuple[int, int]:
    """(read, write) tokens: the longest cached prefix is read; the last cache point's prefix, if new, is written.
    Points below the model's minimum are ignored, as Bedrock ignores them."""
    points = [(key, min(tokens, input_tokens)) for key, tokens in _prefix_points(body)]
    if points and not model.prompt_caching:
        raise validation(f"The model {model.model_id} doesn't support prompt caching. Remove the cachePoint "
                         "blocks and try again.")
    if len(points) > 4:
        raise validation("A request can have at most 4 cache points (cachePoint blocks).")
    eligible = [(key, tokens) for key, tokens in points if tokens >= max(1, model.cache_min_tokens)]
    read = max((tokens for key, tokens in eligible if state.cache_lookup(key)), default=0)
    write = 0
    if eligible:
        key, tokens = eligible[-1]
        if tokens > read:
            write = tokens - read
        for key, _ in eligible:
            state.cache_store(key)
    return read, write


def _guardrail(body: dict[str, Any], model: CatalogModel, streaming: bool) -> dict[str, Any] | None:
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


def _intervention_trace(identifier: str, word: str) -> dict[str, Any]:
    assessment = {"wordPolicy": {"customWords": [{"match": word, "action": "BLOCKED", "detected": True}],
                                 "managedWordLists": []},
                  "invocationMetrics": {"guardrailProcessingLatency": 12,
                                        "usage": {"wordPolicyUnits": 1},
                                        "guardrailCoverage": {"textCharacters": {"guarded": 40, "total": 40}}}}
    return {"guardrail": {"inputAssessment": {identifier: assessment}, "actionReason": "Guardrail blocked."}}


def _latency(body: dict[str, Any], model: CatalogModel) -> str | None:
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


def _service_tier(body: dict[str, Any], model: CatalogModel) -> str | None:
    tier = body.get("serviceTier")
    if tier is None:
        return None
    kind = tier.get("type") if isinstance(tier, dict) else None
    if kind not in _SERVICE_TIERS:
        raise malformed("#/serviceTier/type: must be one of priority, default, flex, reserved")
    if kind != "default" and kind not in model.service_tiers:
        raise validation(f"The service tier {kind} isn't available for the model {model.model_id}.")
    return str(kind)


def check_thinking(body: dict[str, Any], model: CatalogModel) -> None:
    """Claude's rules for thinking through Converse: the model's kind of control, a budget of at least 1,024
    below maxTokens, temperature 1 (or unset) and no top P; an effort level the model knows."""
    fields = body.get("additionalModelRequestFields") or {}
    if not isinstance(fields, dict):
        return
    config = body.get("inferenceConfig") or {}
    thinking = fields.get("thinking")
    if isinstance(thinking, dict) and thinking.get("type") in ("enabled", "adaptive"):
        wanted = "budget" if thinking["type"] == "enabled" else "adaptive"
        if model.reasoning_control != wanted:
            raise validation(f"thinking.type: {thinking['type']} is not supported by the model {model.model_id}.")
        if wanted == "budget":
            budget = thinking.get("budget_tokens")
            limit = config.get("maxTokens", model.max_output_tokens)
            if not isinstance(budget, int) or budget < 1024 or budget >= limit:
                raise validation("thinking.budget_tokens: must be at least 1024 and less than max_tokens")
        if config.get("temperature", 1) != 1:
            raise validation("temperature may only be set to 1 when thinking is enabled.")
        if "topP" in config:
            raise validation("top_p may not be set when thinking is enabled.")
    effort = (fields.get("output_config") or {}).get("effort") if isinstance(fields.get("output_config"), dict) \
        else fields.get("reasoning_effort")
    if effort is not None and effort not in (model.reasoning_efforts or ("low", "medium", "high")):
        raise validation(f"effort: {effort!r} is not one of {', '.join(model.reasoning_efforts)}.")


def converse_extras(body: dict[str, Any], model: CatalogModel, state: FeatureState, input_tokens: int,
                    streaming: bool) -> ConverseExtras:
    """Validates the request's features (raising Bedrock's errors) and works out what they change."""
    messages = body.get("messages") or []
    check_thinking(body, model)
    check_reasoning_blocks(messages, state)
    guardrail = _guardrail(body, model, streaming)
    extras = ConverseExtras(latency=_latency(body, model), service_tier=_service_tier(body, model), sign=state.sign)
    extras.cache_read, extras.cache_write = cache_usage(body, model, state, input_tokens)
    last = messages[-1] if messages and isinstance(messages[-1], dict) else {}
    prompt = " ".join(_block_text(block) for block in last.get("content") or [])
    extras.redact = REDACTION_TRIGGER in prompt
    if guardrail is not None and GUARDRAIL_MARKER in prompt.lower():
        identifier = str(guardrail["guardrailIdentifier"]).rsplit("/", 1)[-1]
        extras.guardrail_id = identifier
        extras.guardrail_trace = _intervention_trace(identifier, GUARDRAIL_MARKER)
    return extras


def check_count_tokens(model: CatalogModel) -> None:
    if not model.count_tokens:
        raise validation(f"The provided model {model.model_id} doesn't support counting tokens.")


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

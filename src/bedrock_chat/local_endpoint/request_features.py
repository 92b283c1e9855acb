"""Reasoning and caching, emulated and validated the way Bedrock does: signed reasoning (and a refusal of a later
turn whose thinking lost or changed its signature), redacted reasoning, Claude's thinking rules, prompt caching on
a repeated prefix, CountTokens; ``converse_extras`` gathers them with the options of ``request_options``."""

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
from typing import Any

from bedrock_chat.local_endpoint.catalog import CatalogModel
from bedrock_chat.local_endpoint.errors import malformed, validation
from bedrock_chat.local_endpoint.generator import count_tokens
from bedrock_chat.local_endpoint.request_options import (
    GUARDRAIL_MARKER,
    ConverseExtras,
    guardrail_config,
    intervention_trace,
    latency_option,
    service_tier_option,
)

# Anthropic's documented prompt that makes Claude return its thinking redacted (for testing clients).
REDACTION_TRIGGER = ("ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_"
                     "46C9A13E193C177646C7398A98432ECCCE4C1253D5E2D82641AC0E52CC2876CB")
CACHE_TTL_S = 300.0
_CACHE_ENTRIES = 4096


# One signing key for the process: the native Anthropic schema (no server state of its own) signs and verifies
# thinking with it too, so both APIs accept what either produced, as Bedrock's signatures are.
_PROCESS_KEY = secrets.token_bytes(32)


class FeatureState:
    """Per-server state: the key that signs reasoning, and the prompt cache (prefix hash -> expiry)."""

    def __init__(self) -> None:
        self._key = _PROCESS_KEY
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


def check_native_thinking(messages: list[Any], state: FeatureState) -> None:
    """The native Anthropic schema's thinking blocks, checked like Converse's reasoning content."""
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or not isinstance(message.get("content"), list):
            continue
        for position, block in enumerate(message["content"]):
            if not isinstance(block, dict) or block.get("type") not in ("thinking", "redacted_thinking"):
                continue
            where = f"messages.{index}.content.{position}"
            if message.get("role") != "assistant":
                raise validation(f"{where}: thinking blocks are only allowed in assistant messages.")
            if block["type"] == "redacted_thinking":
                try:
                    blob = base64.b64decode(str(block.get("data", "")), validate=True)
                except (binascii.Error, ValueError) as error:
                    raise validation(f"{where}.data: Invalid `data` in `redacted_thinking` block.") from error
                if not state.redacted_valid(blob):
                    raise validation(f"{where}.data: Invalid `data` in `redacted_thinking` block.")
            elif not block.get("signature"):
                raise validation(f"{where}.thinking.signature: Field required")
            elif not state.signature_valid(str(block.get("thinking", "")), str(block["signature"])):
                raise validation(f"{where}: Invalid `signature` in `thinking` block.")


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
    return _cache_from_points(_prefix_points(body), model, state, input_tokens)


def _cache_from_points(found: list[tuple[str, int]], model: CatalogModel, state: FeatureState,
                       input_tokens: int) -> tuple[int, int]:
    points = [(key, min(tokens, input_tokens)) for key, tokens in found]
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
    guardrail = guardrail_config(body, model, streaming)
    extras = ConverseExtras(latency=latency_option(body, model), service_tier=service_tier_option(body, model))
    extras.cache_read, extras.cache_write = cache_usage(body, model, state, input_tokens)
    last = messages[-1] if messages and isinstance(messages[-1], dict) else {}
    prompt = " ".join(_block_text(block) for block in last.get("content") or [])
    extras.redact = REDACTION_TRIGGER in prompt
    if guardrail is not None and GUARDRAIL_MARKER in prompt.lower():
        identifier = str(guardrail["guardrailIdentifier"]).rsplit("/", 1)[-1]
        extras.guardrail_id = identifier
        extras.guardrail_trace = intervention_trace(identifier, GUARDRAIL_MARKER)
    return extras


def check_count_tokens(model: CatalogModel) -> None:
    if not model.count_tokens:
        raise validation(f"The provided model {model.model_id} doesn't support counting tokens.")




def _native_prefix_points(body: dict[str, Any]) -> list[tuple[str, int]]:
    """Claude's native body marks cache points with ``cache_control`` on a block; like ``_prefix_points``."""
    points: list[tuple[str, int]] = []
    seen: list[Any] = []
    system = body.get("system")
    blocks = system if isinstance(system, list) else ([{"type": "text", "text": system}] if system else [])
    system_text = "".join(_block_text(block) for block in blocks)
    for block in blocks:
        seen.append(_block_text(block))
        if isinstance(block, dict) and block.get("cache_control"):
            points.append((_digest(["native", *seen]), count_tokens(system_text)))
    tokens_before = count_tokens(system_text)
    for message in body.get("messages") or []:
        if not isinstance(message, dict):
            continue
        content = message.get("content")
        content = content if isinstance(content, list) else [{"type": "text", "text": content or ""}]
        texts: list[str] = []
        for block in content:
            seen.append(block.get("text", block.get("type")) if isinstance(block, dict) else block)
            if isinstance(block, dict) and block.get("type") == "text":
                texts.append(_block_text(block))
            if isinstance(block, dict) and block.get("cache_control"):
                points.append((_digest(["native", *seen, message.get("role")]),
                               tokens_before + count_tokens("".join(texts))))
        seen.append(message.get("role"))
        tokens_before += count_tokens("".join(texts))
    return points


def native_cache_usage(body: dict[str, Any], model: CatalogModel, state: FeatureState,
                       input_tokens: int) -> tuple[int, int]:
    """(read, write) for a native Claude body, by the same rules as Converse's cache points."""
    return _cache_from_points(_native_prefix_points(body), model, state, input_tokens)

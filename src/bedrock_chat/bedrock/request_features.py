"""What a Converse request asks of Bedrock beyond the messages: reasoning (a budget, an effort level or adaptive
thinking), signed reasoning sent back, prompt-cache points, a guardrail, latency-optimized inference and a
service tier. Each is sent only where the model offers it (``ModelInfo.features``), so no option a model would
reject leaves the client."""

from __future__ import annotations

import base64
import re
from typing import Any

from bedrock_chat.core.catalog import ModelInfo
from bedrock_chat.core.conversation import Role
from bedrock_chat.core.params import GenerationParams
from bedrock_chat.core.reasoning import MIN_THINKING_BUDGET, ReasoningBlock

CACHE_POINT: dict[str, Any] = {"cachePoint": {"type": "default"}}
# Bedrock's patterns for GuardrailIdentifier and GuardrailVersion (service model, botocore 1.44).
_GUARDRAIL_ID = re.compile(r"^(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+))$")
_GUARDRAIL_VERSION = re.compile(r"^(([1-9][0-9]{0,7})|(DRAFT))$")
CACHED_USER_TURNS = 2  # cache points on the last two prompts: this turn reads what the previous one wrote


def reasoning_control(model: ModelInfo) -> str:
    """The catalog's control, or the old rule for a model it does not describe (a Claude that reasons: budget)."""
    control = model.features.reasoning_control
    if control == "none" and model.reasoning and model.family == "anthropic":
        return "budget"
    return control


def thinking_budget(params: GenerationParams) -> int:
    """Claude's rule: at least 1,024 tokens and fewer than max tokens."""
    return max(MIN_THINKING_BUDGET, min(params.reasoning_budget, params.max_tokens - 1))


def thinking_enabled(model: ModelInfo, params: GenerationParams) -> bool:
    """Whether the request turns Claude's thinking on (which fixes the temperature at 1 and drops top P)."""
    control = reasoning_control(model)
    if not params.reasoning:
        return False
    if control == "budget":
        return params.max_tokens > MIN_THINKING_BUDGET
    return control == "adaptive"


def effort_level(model: ModelInfo, params: GenerationParams) -> str | None:
    efforts = model.features.reasoning_efforts or ("low", "medium", "high")
    return params.reasoning_effort if params.reasoning_effort in efforts else None


def reasoning_fields(model: ModelInfo, params: GenerationParams) -> dict[str, Any]:
    """additionalModelRequestFields for the model's kind of reasoning control (empty when none applies)."""
    control = reasoning_control(model)
    if control == "budget" and thinking_enabled(model, params):
        return {"thinking": {"type": "enabled", "budget_tokens": thinking_budget(params)}}
    if control == "adaptive" and thinking_enabled(model, params):
        fields: dict[str, Any] = {"thinking": {"type": "adaptive"}}
        if (effort := effort_level(model, params)) is not None:
            fields["output_config"] = {"effort": effort}
        return fields
    if control == "effort" and (effort := effort_level(model, params)) is not None:
        return {"reasoning_effort": effort}
    return {}


def reasoning_content(block: ReasoningBlock) -> dict[str, Any]:
    """A stored block as Converse takes it back, exactly as it arrived. Redacted content stays base64 text here
    (the body must print as JSON in the preview); ``with_blobs`` turns it into the bytes boto3 expects."""
    if block.redacted is not None:
        return {"reasoningContent": {"redactedContent": block.redacted}}
    text: dict[str, Any] = {"text": block.text}
    if block.signature is not None:
        text["signature"] = block.signature
    return {"reasoningContent": {"reasoningText": text}}


def sends_reasoning_back(model: ModelInfo) -> bool:
    """Signed thinking goes back to Claude models that think; other models would reject reasoning content."""
    return reasoning_control(model) in ("budget", "adaptive")


def add_reasoning_blocks(messages: list[dict[str, Any]], reasoning: tuple[tuple[ReasoningBlock, ...], ...],
                         model: ModelInfo) -> None:
    """Puts each assistant turn's signed blocks before its text, as they came (unsigned text never goes back)."""
    if not sends_reasoning_back(model):
        return
    for message, blocks in zip(messages, reasoning, strict=False):
        if message["role"] != Role.ASSISTANT.value:
            continue
        kept = [reasoning_content(block) for block in blocks if block.redacted is not None or block.signature]
        message["content"] = [*kept, *message["content"]]


def with_blobs(body: dict[str, Any]) -> dict[str, Any]:
    """The body for boto3: redacted reasoning as bytes (botocore base64-encodes a Blob itself)."""
    messages = []
    for message in body.get("messages", []):
        content = []
        for block in message["content"]:
            redacted = block.get("reasoningContent", {}).get("redactedContent")
            if isinstance(redacted, str):
                padded = redacted + "=" * (-len(redacted) % 4)  # a native ``data`` string may come unpadded
                block = {"reasoningContent": {"redactedContent": base64.b64decode(padded)}}
            content.append(block)
        messages.append({**message, "content": content})
    return {**body, "messages": messages} if "messages" in body else body


def _rough_tokens(blocks: list[dict[str, Any]]) -> int:
    return sum(len(str(block.get("text", ""))) for block in blocks) // 4


def add_native_thinking_blocks(body: dict[str, Any], reasoning: tuple[tuple[ReasoningBlock, ...], ...],
                               model: ModelInfo) -> None:
    """The same blocks in Anthropic's native schema (``thinking`` with its signature, ``redacted_thinking``)."""
    if model.family != "anthropic" or not sends_reasoning_back(model):
        return
    for message, blocks in zip(body.get("messages", []), reasoning, strict=False):
        if message["role"] != Role.ASSISTANT.value:
            continue
        kept = [{"type": "redacted_thinking", "data": block.redacted} if block.redacted is not None else
                {"type": "thinking", "thinking": block.text, "signature": block.signature}
                for block in blocks if block.redacted is not None or block.signature]
        message["content"] = [*kept, *message["content"]]


def add_cache_points(body: dict[str, Any], model: ModelInfo, params: GenerationParams) -> None:
    """A cache point after the system prompt and after the last prompts, for models with prompt caching, where
    the prefix before it is long enough to be cached (Bedrock ignores shorter ones, so they would only clutter)."""
    if not (params.prompt_caching and model.features.prompt_caching):
        return
    # About four characters a token, with a margin: a point just under the minimum costs nothing.
    worth = max(1, model.features.cache_min_tokens) * 0.8
    prefix = _rough_tokens(body.get("system", []))
    if body.get("system") and prefix >= worth:
        body["system"] = [*body["system"], CACHE_POINT]
    last_prompts = [message for message in body["messages"] if message["role"] == Role.USER.value]
    last_prompts = last_prompts[-CACHED_USER_TURNS:]
    for message in body["messages"]:
        prefix += _rough_tokens(message["content"])
        if any(message is prompt for prompt in last_prompts) and prefix >= worth:
            message["content"] = [*message["content"], CACHE_POINT]


def add_native_cache_points(body: dict[str, Any], model: ModelInfo, params: GenerationParams) -> None:
    """The same cache points in Claude's native body: ``cache_control`` on the system prompt and recent prompts."""
    if not (model.family == "anthropic" and params.prompt_caching and model.features.prompt_caching):
        return
    worth = max(1, model.features.cache_min_tokens) * 0.8
    marker = {"cache_control": {"type": "ephemeral"}}
    prefix = len(str(body.get("system", ""))) // 4
    if body.get("system") and prefix >= worth:
        body["system"] = [{"type": "text", "text": body["system"], **marker}]
    last_prompts = [message for message in body["messages"] if message["role"] == Role.USER.value]
    last_prompts = last_prompts[-CACHED_USER_TURNS:]
    for message in body["messages"]:
        prefix += sum(len(str(block.get("text", ""))) for block in message["content"]) // 4
        if any(message is prompt for prompt in last_prompts) and prefix >= worth:
            *rest, last = message["content"]
            message["content"] = [*rest, {**last, **marker}]


def guardrail_config(params: GenerationParams, model: ModelInfo, streaming: bool) -> dict[str, Any] | None:
    """guardrailConfig when a valid id and version are set and the model takes guardrails; trace always on,
    so an intervention can say which policy matched."""
    if not (model.features.guardrails and guardrail_ready(params)):
        return None
    config: dict[str, Any] = {"guardrailIdentifier": params.guardrail_id, "guardrailVersion": params.guardrail_version,
                              "trace": "enabled"}
    if streaming:
        config["streamProcessingMode"] = "sync"  # text is checked before it is shown
    return config


def guardrail_ready(params: GenerationParams) -> bool:
    return bool(_GUARDRAIL_ID.match(params.guardrail_id) and _GUARDRAIL_VERSION.match(params.guardrail_version))


def guardrail_problem(params: GenerationParams) -> str | None:
    """Why the typed guardrail cannot be sent (shown beside the fields), or None when it can or none is set."""
    if not params.guardrail_id and not params.guardrail_version:
        return None
    if not _GUARDRAIL_ID.match(params.guardrail_id):
        return "The guardrail id is its lowercase identifier (e.g. abc123xyz) or its ARN."
    if not _GUARDRAIL_VERSION.match(params.guardrail_version):
        return "The guardrail version is a number (1, 2, …) or DRAFT."
    return None


def add_request_features(body: dict[str, Any], model: ModelInfo, params: GenerationParams, streaming: bool,
                         reasoning: tuple[tuple[ReasoningBlock, ...], ...]) -> None:
    """Adds everything above to a Converse body in place."""
    fields = reasoning_fields(model, params)
    if fields:
        body["additionalModelRequestFields"] = {**body.get("additionalModelRequestFields", {}), **fields}
    add_reasoning_blocks(body["messages"], reasoning, model)
    add_cache_points(body, model, params)
    if (guardrail := guardrail_config(params, model, streaming)) is not None:
        body["guardrailConfig"] = guardrail
    if params.latency_optimized and model.features.latency_optimized:
        body["performanceConfig"] = {"latency": "optimized"}
    if params.service_tier and params.service_tier in model.features.service_tiers:
        body["serviceTier"] = {"type": params.service_tier}


def invoke_arguments(model: ModelInfo, params: GenerationParams) -> dict[str, Any]:
    """The same options for InvokeModel, where they travel as headers beside the model's native body."""
    arguments: dict[str, Any] = {}
    if model.features.guardrails and guardrail_ready(params):
        arguments.update(guardrailIdentifier=params.guardrail_id, guardrailVersion=params.guardrail_version,
                         trace="ENABLED")
    if params.latency_optimized and model.features.latency_optimized:
        arguments["performanceConfigLatency"] = "optimized"
    if params.service_tier and params.service_tier in model.features.service_tiers:
        arguments["serviceTier"] = params.service_tier
    return arguments

"""Decodes every response shape (Converse, ConverseStream, each family's native body and chunks) into events."""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable
from typing import Any, ParamSpec

from bedrock_chat.bedrock.families import decoder_for
from bedrock_chat.bedrock.guardrail_trace import describe_trace
from bedrock_chat.core.events import (
    MessageStopped,
    ReasoningComplete,
    ReasoningDelta,
    RequestServed,
    ServiceMetrics,
    StopReason,
    StreamEvent,
    TextDelta,
    Usage,
)
from bedrock_chat.core.reasoning import ReasoningBlock, ReasoningSignature, RedactedReasoning

P = ParamSpec("P")


class MalformedStreamError(ValueError):
    """A stream event that decodes but is not what the API promises (missing fields, invalid JSON)."""


def _converse_usage(usage: dict[str, Any]) -> Usage:
    return Usage(usage.get("inputTokens"), usage.get("outputTokens"), usage.get("cacheReadInputTokens"),
                 usage.get("cacheWriteInputTokens"))


def _guarded(decode: Callable[P, list[StreamEvent]]) -> Callable[P, list[StreamEvent]]:
    """Events of the wrong shape become one typed error instead of an AttributeError deep in a worker."""

    @functools.wraps(decode)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> list[StreamEvent]:
        try:
            result = decode(*args, **kwargs)
        except (AttributeError, TypeError, KeyError, IndexError, ValueError) as error:
            raise MalformedStreamError(f"an event of the stream has an unexpected shape ({error!r})") from error
        return result

    return wrapper


@_guarded
def converse_stream_event(event: dict[str, Any]) -> list[StreamEvent]:
    """One ConverseStream event as boto3 yields it."""
    # Required members are indexed, not .get(): botocore turns an unparsable event payload into {}, and a
    # delta that silently vanished would be text lost without a word.
    if "contentBlockDelta" in event:
        delta = event["contentBlockDelta"]["delta"]
        if "text" in delta:
            return [TextDelta(delta["text"])]
        reasoning = delta.get("reasoningContent", {})
        if reasoning.get("text"):
            return [ReasoningDelta(reasoning["text"])]
        if "signature" in reasoning:
            return [ReasoningSignature(reasoning["signature"])]
        if "redactedContent" in reasoning:
            return [RedactedReasoning(_base64(reasoning["redactedContent"]))]
        return []
    if "messageStop" in event:
        return [MessageStopped(StopReason.from_wire(event["messageStop"]["stopReason"]))]
    if "metadata" in event:
        metadata = event["metadata"]
        return [_converse_usage(metadata["usage"]),
                ServiceMetrics(latency_ms=metadata.get("metrics", {}).get("latencyMs")),
                *_served_and_trace(metadata)]
    return []


def _base64(blob: bytes | str) -> str:
    """botocore hands a Blob over as bytes; it is kept as base64 text, exactly what goes back."""
    return base64.b64encode(blob).decode("ascii") if isinstance(blob, bytes) else str(blob)


def _served_and_trace(response: dict[str, Any]) -> list[StreamEvent]:
    events: list[StreamEvent] = []
    latency = response.get("performanceConfig", {}).get("latency")
    tier = response.get("serviceTier", {}).get("type")
    if latency or tier:
        events.append(RequestServed(latency, tier))
    trace = response.get("trace")
    if isinstance(trace, dict) and trace.get("guardrail"):
        intervention = describe_trace(trace)
        if intervention.findings:
            events.append(intervention)
    return events


def converse_response(response: dict[str, Any]) -> list[StreamEvent]:
    events: list[StreamEvent] = []
    for block in response.get("output", {}).get("message", {}).get("content", []):
        if "reasoningContent" in block:
            content = block["reasoningContent"]
            if "redactedContent" in content:
                events.append(ReasoningComplete(ReasoningBlock(redacted=_base64(content["redactedContent"]))))
                continue
            text = content.get("reasoningText", {}).get("text")
            if text:
                events.append(ReasoningDelta(text))
            signature = content.get("reasoningText", {}).get("signature")
            if signature:
                events.append(ReasoningComplete(ReasoningBlock(text=text or "", signature=signature)))
        elif "text" in block:
            events.append(TextDelta(block["text"]))
    events.append(_converse_usage(response.get("usage", {})))
    events.append(ServiceMetrics(latency_ms=response.get("metrics", {}).get("latencyMs")))
    events.extend(_served_and_trace(response))
    events.append(MessageStopped(StopReason.from_wire(response.get("stopReason"))))
    return events


def _native_guardrail(body: dict[str, Any]) -> list[StreamEvent]:
    """InvokeModel marks an intervention in the body (or the last chunk), its trace beside it."""
    if body.get("amazon-bedrock-guardrailAction") != "INTERVENED":
        return []
    return [describe_trace(body.get("amazon-bedrock-trace") or {})]


def _invocation_metrics(chunk: dict[str, Any]) -> list[StreamEvent]:
    guardrail = _native_guardrail(chunk)
    metrics = chunk.get("amazon-bedrock-invocationMetrics")
    if not metrics:
        return guardrail
    return [
        Usage(metrics.get("inputTokenCount"), metrics.get("outputTokenCount"),
              metrics.get("cacheReadInputTokenCount"), metrics.get("cacheWriteInputTokenCount")),
        ServiceMetrics(invocation_latency_ms=metrics.get("invocationLatency"),
                       first_byte_latency_ms=metrics.get("firstByteLatency")),
        *guardrail,
    ]


def _stopped(reason: str | None) -> list[StreamEvent]:
    return [MessageStopped(StopReason.from_wire(reason))] if reason else []


@_guarded
def native_stream_chunk(family: str | None, chunk: dict[str, Any]) -> list[StreamEvent]:
    """One decoded ``chunk`` payload of InvokeModelWithResponseStream, in the family's own shape."""
    events: list[StreamEvent] = []
    codec = decoder_for(family, chunk)
    if codec is not None:
        events = codec.stream_chunk(chunk)
    elif family == "nova":
        events = converse_stream_event(chunk)
        if "metadata" in chunk:  # Nova's metadata repeats what the invocation metrics say
            events = []
    elif family == "anthropic":
        kind = chunk.get("type")
        if kind == "content_block_delta":
            delta = chunk.get("delta", {})
            if delta.get("type") == "text_delta":
                events.append(TextDelta(delta.get("text", "")))
            elif delta.get("type") == "thinking_delta":
                events.append(ReasoningDelta(delta.get("thinking", "")))
            elif delta.get("type") == "signature_delta":
                events.append(ReasoningSignature(delta.get("signature", "")))
        elif kind == "content_block_start" and chunk.get("content_block", {}).get("type") == "redacted_thinking":
            events.append(RedactedReasoning(str(chunk["content_block"].get("data", ""))))
        elif kind == "message_start":
            usage = chunk.get("message", {}).get("usage", {})
            events.append(Usage(input_tokens=usage.get("input_tokens"),
                                cache_read_tokens=usage.get("cache_read_input_tokens"),
                                cache_write_tokens=usage.get("cache_creation_input_tokens")))
        elif kind == "message_delta":
            events.extend(_stopped(chunk.get("delta", {}).get("stop_reason")))
            events.append(Usage(output_tokens=chunk.get("usage", {}).get("output_tokens")))
    elif family == "llama":
        if chunk.get("generation"):
            events.append(TextDelta(chunk["generation"]))
        events.extend(_stopped(chunk.get("stop_reason")))
    elif family in ("mistral", "deepseek"):
        key = "outputs" if family == "mistral" else "choices"
        for output in chunk.get(key, []):
            if output.get("text"):
                events.append(TextDelta(output["text"]))
            events.extend(_stopped(output.get("stop_reason")))
    elif family == "titan":
        if chunk.get("outputText"):
            events.append(TextDelta(chunk["outputText"]))
        events.extend(_stopped(chunk.get("completionReason")))
    return events + _invocation_metrics(chunk)


@_guarded
def native_response(family: str | None, body: dict[str, Any], headers: dict[str, str]) -> list[StreamEvent]:
    """A whole InvokeModel answer; the token counts and latency come from the response headers."""
    events: list[StreamEvent] = []
    codec = decoder_for(family, body)
    if codec is not None:
        events = codec.response(body)
    elif family == "nova":
        events = [event for event in converse_response(body) if isinstance(event, TextDelta | MessageStopped)]
    elif family == "anthropic":
        for block in body.get("content", []):
            if block.get("type") == "thinking":
                events.append(ReasoningDelta(block.get("thinking", "")))
                if block.get("signature"):
                    events.append(ReasoningComplete(ReasoningBlock(block.get("thinking", ""), block["signature"])))
            elif block.get("type") == "redacted_thinking":
                events.append(ReasoningComplete(ReasoningBlock(redacted=str(block.get("data", "")))))
            elif block.get("type") == "text":
                events.append(TextDelta(block.get("text", "")))
        events.extend(_stopped(body.get("stop_reason")))
    elif family == "llama":
        events = [TextDelta(body.get("generation", "")), *_stopped(body.get("stop_reason"))]
    elif family in ("mistral", "deepseek"):
        output = (body.get("outputs") or body.get("choices") or [{}])[0]
        events = [TextDelta(output.get("text", "")), *_stopped(output.get("stop_reason"))]
    elif family == "titan":
        result = (body.get("results") or [{}])[0]
        events = [TextDelta(result.get("outputText", "")), *_stopped(result.get("completionReason"))]

    def header_int(name: str) -> int | None:
        value = headers.get(name)
        return int(value) if value and value.isdigit() else None

    events.append(Usage(header_int("x-amzn-bedrock-input-token-count"),
                        header_int("x-amzn-bedrock-output-token-count"),
                        header_int("x-amzn-bedrock-cache-read-input-token-count"),
                        header_int("x-amzn-bedrock-cache-write-input-token-count")))
    events.append(ServiceMetrics(invocation_latency_ms=header_int("x-amzn-bedrock-invocation-latency")))
    events.extend(_native_guardrail(body))
    events.extend(native_served(headers))
    return events


def native_served(headers: dict[str, str]) -> list[StreamEvent]:
    """InvokeModel says in headers which latency mode and tier served it."""
    latency = headers.get("x-amzn-bedrock-performanceconfig-latency")
    tier = headers.get("x-amzn-bedrock-service-tier")
    return [RequestServed(latency, tier)] if latency or tier else []

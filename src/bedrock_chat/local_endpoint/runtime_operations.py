"""The bedrock-runtime operations: InvokeModel and Converse, whole or streamed at a chosen pace, and CountTokens."""

from __future__ import annotations

import base64
import binascii
import socket
import time
from typing import Any

from bedrock_chat.local_endpoint.catalog import CatalogModel
from bedrock_chat.local_endpoint.converse import count_converse_input, parse_converse
from bedrock_chat.local_endpoint.converse_features import FeatureStreamEvents, feature_response
from bedrock_chat.local_endpoint.errors import validation
from bedrock_chat.local_endpoint.eventstream import encode_event
from bedrock_chat.local_endpoint.exchange import Exchange, json_body
from bedrock_chat.local_endpoint.families import native_family
from bedrock_chat.local_endpoint.faults import Fault
from bedrock_chat.local_endpoint.generator import Generation, GenerationRequest, generate
from bedrock_chat.local_endpoint.request_features import check_count_tokens, converse_extras, native_cache_usage
from bedrock_chat.local_endpoint.request_options import (
    ConverseExtras,
    blocked_generation,
    invoke_extras,
    mark_intervention,
    served_headers,
    with_cache_usage,
)
from bedrock_chat.local_endpoint.streaming import (
    Pace,
    StreamCutShort,
    TokenSchedule,
    chunk_frame,
    parse_pace,
)

PACE_HEADER = "x-bedrock-local-pace"


def count_tokens(exchange: Exchange, model: CatalogModel, body: bytes) -> None:
    if not exchange.state.options.count_tokens_for_every_model:
        check_count_tokens(model)
    request = json_body(body).get("input") or {}
    if "converse" in request:
        tokens = count_converse_input(request["converse"], model)
    elif "invokeModel" in request:
        try:
            native_body = base64.b64decode(request["invokeModel"].get("body", ""), validate=True)
        except (binascii.Error, AttributeError) as error:
            raise validation("input.invokeModel.body must be base64-encoded JSON.") from error
        tokens = native_family(model).parse(json_body(native_body), model).input_tokens
    else:
        raise validation("Provide either input.invokeModel or input.converse.")
    exchange.send_json({"inputTokens": tokens})


def invoke(exchange: Exchange, model: CatalogModel, body: bytes, fault: Fault | None, streaming: bool) -> None:
    if streaming and not model.streaming:
        raise validation("The model is unsupported for streaming.")
    family = native_family(model)
    data = json_body(body)
    request = family.parse(data, model)
    extras = invoke_extras(exchange.headers, model, request.prompt)
    if model.family == "anthropic":
        extras.cache_read, extras.cache_write = native_cache_usage(data, model, exchange.state.features,
                                                                   request.input_tokens)
    plain_input = generation_input = request.input_tokens - extras.cache_read - extras.cache_write
    generation = _generation(request, extras)
    pace = parse_pace(exchange.headers.get(PACE_HEADER), exchange.state.options.pace)
    start = time.monotonic()
    if not streaming:
        latency_ms = _delay_whole_answer(exchange, generation, pace, fault, start)
        exchange.send_json(mark_intervention(family.response(generation, model), extras), {
            **served_headers(extras),
            "x-amzn-bedrock-invocation-latency": str(latency_ms),
            "x-amzn-bedrock-input-token-count": str(plain_input),
            "x-amzn-bedrock-output-token-count": str(generation.output_tokens),
            "x-amzn-bedrock-cache-read-input-token-count": str(extras.cache_read),
            "x-amzn-bedrock-cache-write-input-token-count": str(extras.cache_write),
        })
        return

    writer = exchange.start_event_stream(served_headers(extras))
    schedule = TokenSchedule(writer, pace, fault, start)
    first_byte: list[float] = []

    def emit_chunks(chunks: list[dict[str, Any]]) -> None:
        for chunk in chunks:
            writer.add(chunk_frame(chunk))

    def on_reasoning(token: str, index: int) -> None:
        first_byte[:] = first_byte or [time.monotonic()]
        emit_chunks(family.stream_reasoning(token))

    def on_text(token: str, index: int) -> None:
        first_byte[:] = first_byte or [time.monotonic()]
        emit_chunks(family.stream_text(token, index - len(generation.reasoning_tokens), request))

    emit_chunks(with_cache_usage(family.stream_start(request, model), extras))
    emitted = schedule.run(generation.reasoning_tokens, on_reasoning)
    if generation.reasoning_tokens:
        emit_chunks(family.stream_reasoning_end())
    schedule.run(generation.text_tokens, on_text, offset=emitted)
    metrics = _invocation_metrics(generation_input, generation.output_tokens, start,
                                  first_byte[0] if first_byte else None)
    if extras.cache_read or extras.cache_write:
        metrics.update(cacheReadInputTokenCount=extras.cache_read, cacheWriteInputTokenCount=extras.cache_write)
    finish = family.stream_finish(generation, metrics)
    emit_chunks([*finish[:-1], mark_intervention(finish[-1], extras)])
    writer.finish()


def converse(exchange: Exchange, model: CatalogModel, body: bytes, fault: Fault | None, streaming: bool) -> None:
    data = json_body(body)
    request = parse_converse(data, model)
    extras = converse_extras(data, model, exchange.state.features, request.input_tokens, streaming)
    generation = _generation(request, extras)
    pace = parse_pace(exchange.headers.get(PACE_HEADER), exchange.state.options.pace)
    start = time.monotonic()
    if not streaming:
        latency_ms = _delay_whole_answer(exchange, generation, pace, fault, start)
        exchange.send_json(feature_response(generation, latency_ms, extras, exchange.state.features))
        return

    writer = exchange.start_event_stream()
    schedule = TokenSchedule(writer, pace, fault, start)
    events = FeatureStreamEvents(extras, exchange.state.features)

    def emit(pairs: list[tuple[str, dict[str, Any]]]) -> None:
        for event_type, payload in pairs:
            writer.add(encode_event(event_type, payload))

    emit(events.start(request))
    emitted = schedule.run(generation.reasoning_tokens, lambda token, _: emit(events.reasoning(token)))
    if generation.reasoning_tokens:
        emit(events.reasoning_end())
    schedule.run(generation.text_tokens, lambda token, _: emit(events.text(token)), offset=emitted)
    emit(events.finish(generation, round((time.monotonic() - start) * 1000)))
    writer.finish()


def _generation(request: GenerationRequest, extras: ConverseExtras) -> Generation:
    """The answer to the request; only the guardrail's refusal when the guardrail intervened."""
    generation = generate(request)
    return blocked_generation(generation) if extras.guardrail_trace is not None else generation


def _delay_whole_answer(exchange: Exchange, generation: Generation, pace: Pace, fault: Fault | None,
                                start: float) -> int:
    """Takes as long as the model would take to write the whole answer (or as the fault says); the latency in ms."""
    if fault and fault.name == "drop":
        exchange.connection.shutdown(socket.SHUT_RDWR)
        raise StreamCutShort
    if fault and fault.name == "stall":
        exchange.wait_watching_client(fault.argument or 30.0)
    total = pace.first_token_delay
    if pace.tokens_per_second > 0:
        total += generation.output_tokens / pace.tokens_per_second
    exchange.wait_watching_client(min(total, 30.0))
    return round((time.monotonic() - start) * 1000)


def _invocation_metrics(input_tokens: int, output_tokens: int, start: float,
                        first_byte: float | None) -> dict[str, int]:
    """The ``amazon-bedrock-invocationMetrics`` of a native stream's last chunk."""
    now = time.monotonic()
    return {
        "inputTokenCount": input_tokens,
        "outputTokenCount": output_tokens,
        "invocationLatency": round((now - start) * 1000),
        "firstByteLatency": round(((first_byte or now) - start) * 1000),
    }

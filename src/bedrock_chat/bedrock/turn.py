"""Runs one turn against Bedrock and hands each decoded event to a callback; Stop interrupts it at once."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from bedrock_chat.bedrock.cancel import CancelToken, TurnCancelled, make_interruptible
from bedrock_chat.bedrock.decoding import (
    MalformedStreamError,
    converse_response,
    converse_stream_event,
    native_response,
    native_served,
    native_stream_chunk,
)
from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.core.events import ReasoningComplete, ReasoningDelta, ResponseStarted, StreamEvent, TextDelta
from bedrock_chat.core.reasoning import ReasoningAssembler, ReasoningSignature, RedactedReasoning

EventSink = Callable[[StreamEvent], None]

__all__ = ["CancelToken", "EventSink", "TurnCancelled", "run_turn"]


def run_turn(runtime: Any, request: TurnRequest, emit: EventSink, cancel: CancelToken) -> None:
    """Calls the chosen operation and emits events until the reply ends, fails or is cancelled.

    Raises the SDK's exception on failure (after the events that arrived were emitted), and
    ``TurnCancelled`` if ``cancel`` fired. Meant to run on a thread of its own: the token finds the turn's
    sockets through the thread it runs on.
    """
    make_interruptible(runtime)
    with cancel.bound_to_this_thread():
        _run(runtime, request, assemble_reasoning(emit), cancel)


def assemble_reasoning(emit: EventSink) -> EventSink:
    """Passes every event on, and a whole ``ReasoningComplete`` block once a stream signs or redacts one."""
    assembler = ReasoningAssembler()

    def sink(event: StreamEvent) -> None:
        emit(event)
        if type(event) is TextDelta:  # nearly every event of a stream: one check instead of three
            return
        if isinstance(event, ReasoningDelta):
            assembler.add_text(event.text)
        elif isinstance(event, ReasoningSignature):
            emit(ReasoningComplete(assembler.sign(event.signature)))
        elif isinstance(event, RedactedReasoning):
            emit(ReasoningComplete(assembler.redacted(event.data)))

    return sink


def _run(runtime: Any, request: TurnRequest, emit: EventSink, cancel: CancelToken) -> None:
    cancel.raise_if_cancelled()
    operation = getattr(runtime, request.operation)
    try:
        response = operation(**request.call_arguments())
        emit(ResponseStarted(response.get("ResponseMetadata", {}).get("RequestId")))
        if request.operation == "converse":
            _emit_all(converse_response(response), emit)
        elif request.operation == "invoke_model":
            body = json.loads(response["body"].read())
            headers = response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
            _emit_all(native_response(request.model.family, body, headers), emit)
        elif request.operation == "converse_stream":
            _consume(response["stream"], converse_stream_event, emit, cancel)
        else:
            family = request.model.family
            _emit_all(native_served(response.get("ResponseMetadata", {}).get("HTTPHeaders", {})), emit)
            _consume(response["body"], lambda event: _native_event(family, event), emit, cancel)
    except Exception:
        if cancel.cancelled:
            raise TurnCancelled from None
        raise
    cancel.raise_if_cancelled()


def _native_event(family: str | None, event: dict[str, Any]) -> list[StreamEvent]:
    if "chunk" not in event:
        return []
    try:
        chunk = json.loads(event["chunk"]["bytes"])
    except (KeyError, TypeError, ValueError) as error:
        raise MalformedStreamError(f"a chunk of the stream could not be decoded ({type(error).__name__})") from error
    if not isinstance(chunk, dict):
        raise MalformedStreamError("a chunk of the stream is not a JSON object")
    return native_stream_chunk(family, chunk)


def _emit_all(events: Iterable[StreamEvent], emit: EventSink) -> None:
    for event in events:
        emit(event)


def _consume(stream: Any, decode: Callable[[dict[str, Any]], list[StreamEvent]], emit: EventSink,
             cancel: CancelToken) -> None:
    # This loop runs once per event of a stream, 20,000 times for a long reply, beside botocore's ~16 us of
    # decoding: it calls as little as it can (bench/decode_profile.py measures our share).
    cancel.attach(stream)
    cancelled = cancel.is_cancelled
    try:
        for raw_event in stream:
            if cancelled():
                raise TurnCancelled
            for event in decode(raw_event):
                emit(event)
    finally:
        with contextlib.suppress(Exception):
            stream.close()

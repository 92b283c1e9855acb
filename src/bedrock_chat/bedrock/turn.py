"""Runs one turn against Bedrock and hands each decoded event to a callback; Stop interrupts it at once."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any

from bedrock_chat.bedrock.decoding import (
    MalformedStreamError,
    converse_response,
    converse_stream_event,
    native_response,
    native_stream_chunk,
)
from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.core.events import ResponseStarted, StreamEvent

EventSink = Callable[[StreamEvent], None]


class TurnCancelled(Exception):
    """The user stopped the turn; what arrived before stays."""


class CancelToken:
    """Shared between the GUI thread (cancel) and the worker thread (the blocking read)."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        self._stream: Any = None

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def attach(self, stream: Any) -> None:
        with self._lock:
            self._stream = stream
        if self.cancelled:
            _interrupt(stream)

    def cancel(self) -> None:
        """Safe from any thread: shuts the socket down so a read blocked on a silent server returns now."""
        self._cancelled.set()
        with self._lock:
            stream = self._stream
        if stream is not None:
            _interrupt(stream)

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise TurnCancelled


def _socket_of(stream: Any) -> socket.socket | None:
    raw = getattr(stream, "_raw_stream", stream)  # botocore EventStream wraps the urllib3 response
    connection = getattr(raw, "_connection", None) or getattr(raw, "connection", None)
    sock = getattr(connection, "sock", None)
    if isinstance(sock, socket.socket):
        return sock
    fp = getattr(getattr(getattr(raw, "_fp", None), "fp", None), "raw", None)
    candidate = getattr(fp, "_sock", None)
    return candidate if isinstance(candidate, socket.socket) else None


def _interrupt(stream: Any) -> None:
    sock = _socket_of(stream)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(Exception):
        stream.close()


def run_turn(runtime: Any, request: TurnRequest, emit: EventSink, cancel: CancelToken) -> None:
    """Calls the chosen operation and emits events until the reply ends, fails or is cancelled.

    Raises the SDK's exception on failure (after the events that arrived were emitted), and
    ``TurnCancelled`` if ``cancel`` fired.
    """
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
    cancel.attach(stream)
    try:
        for raw_event in stream:
            if cancel.cancelled:
                raise TurnCancelled
            _emit_all(decode(raw_event), emit)
    finally:
        with contextlib.suppress(Exception):
            stream.close()

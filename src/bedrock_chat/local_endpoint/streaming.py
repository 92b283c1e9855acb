"""Writes an event stream over HTTP/1.1 chunked encoding at a chosen pace, with in-stream faults."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import select
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bedrock_chat.local_endpoint.eventstream import encode_event, encode_exception, reframe
from bedrock_chat.local_endpoint.faults import Fault

_FLUSH_BYTES = 32 * 1024


class ClientGone(Exception):
    """The client closed the connection (a user pressed Stop): the stream simply ends."""


class StreamCutShort(Exception):
    """A fault ended the stream early on purpose (an exception event or a dropped connection)."""


def wait_watching_client(connection: socket.socket, stopping: threading.Event, seconds: float) -> None:
    """Sleeps up to ``seconds`` but raises ``ClientGone`` as soon as the client hangs up or the server stops.

    A client sends nothing while it waits for an answer, so a readable socket means it closed or reset it.
    """
    deadline = time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0:
        if stopping.is_set():
            raise ClientGone
        slice_s = min(remaining, 0.05)
        try:
            readable, _, _ = select.select([connection], [], [], slice_s)
            if readable and not connection.recv(1, socket.MSG_PEEK):
                raise ClientGone
        except (OSError, ValueError) as error:  # reset by the client, or already closed
            raise ClientGone from error
        if readable:  # bytes of a pipelined request: not a hang-up, and no reason to spin on select
            stopping.wait(slice_s)
    if stopping.is_set():
        raise ClientGone


@dataclass(frozen=True)
class Pace:
    tokens_per_second: float  # 0 means as fast as the server can write
    first_token_delay: float

    def token_due(self, start: float, index: int) -> float:
        if self.tokens_per_second <= 0:
            return start + self.first_token_delay
        return start + self.first_token_delay + index / self.tokens_per_second


def parse_pace(header: str | None, default: Pace) -> Pace:
    """``x-bedrock-local-pace: tps=0;delay=0`` overrides the server's pace for one request."""
    if not header:
        return default
    values = dict(part.split("=", 1) for part in header.replace(",", ";").split(";") if "=" in part)
    try:
        return Pace(
            float(values.get("tps", default.tokens_per_second)),
            float(values.get("delay", default.first_token_delay)),
        )
    except ValueError:
        return default


def chunk_frame(payload: dict[str, Any]) -> bytes:
    """An InvokeModelWithResponseStream event: the native chunk, base64 inside ``{"bytes": ...}``."""
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return encode_event("chunk", {"bytes": base64.b64encode(raw).decode("ascii")})


class EventStreamWriter:
    """Buffers frames and writes them as HTTP chunks, sleeping (interruptibly) to keep the pace."""

    def __init__(self, output: io.BufferedIOBase, connection: socket.socket, stopping: threading.Event,
                 fault: Fault | None = None) -> None:
        self._output = output
        self._connection = connection
        self._stopping = stopping
        self._buffer = bytearray()
        self._fault = fault
        self._frames = 0
        self._written = 0

    def add(self, frame: bytes) -> None:
        frame = self._damage(frame)
        if self._fault is not None and self._fault.name == "cut-bytes":
            budget = int(self._fault.argument or 0) - self._written
            if len(frame) >= budget:
                self._buffer += frame[:budget]
                self.drop()
        self._written += len(frame)
        self._buffer += frame
        if len(self._buffer) >= _FLUSH_BYTES:
            self.flush()

    def _damage(self, frame: bytes) -> bytes:
        """Wire-level faults: the frame numbered by the fault's argument arrives broken, or after a stranger."""
        self._frames += 1
        fault = self._fault
        if fault is None or self._frames != fault.after_tokens(default=5):
            return frame
        if fault.name == "corrupt-crc":
            return frame[:-1] + bytes([frame[-1] ^ 0xFF])
        if fault.name == "bad-json":
            return reframe(frame, b'{"bytes": "not json')
        if fault.name == "unknown-event":
            return encode_event("futureEventType", {"novel": True}) + frame
        if fault.name == "oversized":
            # A prelude announcing a 24 MiB message, beyond what any client accepts, then the cut.
            self._buffer += struct.pack(">II", 24 * 1024 * 1024, 0)
            self.drop()
        return frame

    def flush(self) -> None:
        if not self._buffer:
            return
        data = bytes(self._buffer)
        self._buffer.clear()
        try:
            self._output.write(b"%x\r\n%s\r\n" % (len(data), data))
            self._output.flush()
        except OSError as error:
            raise ClientGone from error

    def wait_until(self, deadline: float) -> None:
        delay = deadline - time.monotonic()
        if delay <= 0:
            return
        self.flush()
        wait_watching_client(self._connection, self._stopping, delay)

    def exception(self, exception_type: str, message: str) -> None:
        self.add(encode_exception(exception_type, message))
        self.finish()

    def finish(self) -> None:
        self.flush()
        try:
            self._output.write(b"0\r\n\r\n")
            self._output.flush()
        except OSError as error:
            raise ClientGone from error

    def drop(self) -> None:
        self.flush()
        with contextlib.suppress(OSError):
            self._connection.shutdown(socket.SHUT_RDWR)
        raise StreamCutShort


@dataclass
class TokenSchedule:
    """Feeds tokens to ``emit`` on time, applying the request's in-stream fault at its token."""

    writer: EventStreamWriter
    pace: Pace
    fault: Fault | None
    start: float

    def run(self, tokens: Iterable[str], emit: Callable[[str, int], None], offset: int = 0) -> int:
        pace = self.pace
        if self.fault and self.fault.name == "drip":
            pace = Pace(self.fault.argument or 2.0, pace.first_token_delay)
        index = offset
        for token in tokens:
            self._before_token(index)
            self.writer.wait_until(pace.token_due(self.start, index))
            emit(token, index)
            index += 1
        return index

    def _before_token(self, index: int) -> None:
        fault = self.fault
        if fault is None:
            return
        if fault.name == "stream-exception" and index == fault.after_tokens():
            self.writer.exception("modelStreamErrorException",
                                  "The model stream failed while generating the response. Retry your request.")
            raise StreamCutShort
        if fault.name == "drop" and index == fault.after_tokens():
            self.writer.drop()
        if fault.name == "stall" and index == 3:
            self.writer.wait_until(time.monotonic() + (fault.argument or 30.0))

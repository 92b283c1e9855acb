"""Encoder for the ``application/vnd.amazon.eventstream`` binary framing used by streaming responses."""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

_STRING_HEADER = 7


def _encode_headers(headers: dict[str, str]) -> bytes:
    parts = []
    for name, value in headers.items():
        name_bytes = name.encode("utf-8")
        value_bytes = value.encode("utf-8")
        parts.append(struct.pack(">B", len(name_bytes)) + name_bytes)
        parts.append(struct.pack(">BH", _STRING_HEADER, len(value_bytes)) + value_bytes)
    return b"".join(parts)


def encode_message(headers: dict[str, str], payload: bytes) -> bytes:
    """One frame: prelude (lengths and their CRC), headers, payload, message CRC."""
    return _frame(_encode_headers(headers), payload)


def reframe(frame: bytes, payload: bytes) -> bytes:
    """The same event (same headers) with another payload; how a fault delivers a broken one."""
    headers_length = struct.unpack(">I", frame[4:8])[0]
    return _frame(frame[12 : 12 + headers_length], payload)


def _frame(header_bytes: bytes, payload: bytes) -> bytes:
    total_length = 12 + len(header_bytes) + len(payload) + 4
    prelude = struct.pack(">II", total_length, len(header_bytes))
    prelude += struct.pack(">I", zlib.crc32(prelude) & 0xFFFFFFFF)
    body = prelude + header_bytes + payload
    return body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def encode_event(event_type: str, payload: dict[str, Any]) -> bytes:
    return encode_message(
        {
            ":event-type": event_type,
            ":content-type": "application/json",
            ":message-type": "event",
        },
        json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
    )


def encode_exception(exception_type: str, message: str) -> bytes:
    return encode_message(
        {
            ":exception-type": exception_type,
            ":content-type": "application/json",
            ":message-type": "exception",
        },
        json.dumps({"message": message}).encode("utf-8"),
    )

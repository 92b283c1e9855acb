"""Faults on demand, chosen per request by a header or a ``[fault:NAME]`` directive in the prompt.

Names: ``throttle`` (always), ``throttle-once`` (then success), ``access-denied``, ``validation``,
``model-timeout``, ``expired-token``, ``not-ready``, ``internal``, ``unavailable``,
``stream-exception[:N]`` (an exception event after N tokens), ``drop[:N]`` (the connection is cut after
N tokens), ``drip[:TPS]`` (a slow drip of TPS tokens a second) and ``stall[:SECONDS]`` (silence after the
first tokens), ``hang[:SECONDS]`` (no answer at all, not even response headers, for SECONDS; then the normal
answer). Wire-level faults break the event stream itself: ``cut-bytes:N`` (the connection ends after N bytes
of the body), and ``corrupt-crc:K``, ``bad-json:K``, ``unknown-event:K``, ``oversized:K`` (frame K arrives with a
bad checksum, an unparsable payload, after an event type no client knows, or announcing 24 MiB).
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass

from bedrock_chat.local_endpoint.errors import BedrockError

FAULT_HEADER = "x-bedrock-local-fault"
_DIRECTIVE = re.compile(r"\[fault:([a-z-]+(?::[0-9.]+)?)\]")

_IMMEDIATE = {
    "throttle": ("ThrottlingException", "Too many requests, please wait before trying again."),
    "throttle-once": ("ThrottlingException", "Too many requests, please wait before trying again."),
    "access-denied": ("AccessDeniedException", "You don't have access to the model with the specified model ID."),
    "validation": ("ValidationException", "The request was rejected by the local endpoint's validation fault."),
    "model-timeout": ("ModelTimeoutException", "The model took too long to respond. Try again later."),
    "expired-token": ("ExpiredTokenException", "The security token included in the request is expired"),
    "not-ready": ("ModelNotReadyException", "The model is not ready to serve inference requests."),
    "internal": ("InternalServerException", "An internal server error occurred. Retry your request."),
    "unavailable": ("ServiceUnavailableException", "The service is temporarily unavailable. Try again later."),
}
_IN_STREAM = {"stream-exception", "drop", "drip", "stall", "hang", "cut-bytes", "corrupt-crc", "bad-json",
              "unknown-event", "oversized"}


@dataclass(frozen=True)
class Fault:
    name: str
    argument: float | None = None

    def after_tokens(self, default: int = 8) -> int:
        return int(self.argument) if self.argument is not None else default


def parse_fault(spec: str) -> Fault | None:
    name, _, argument = spec.strip().lower().partition(":")
    if name not in _IMMEDIATE and name not in _IN_STREAM:
        return None
    try:
        value = float(argument) if argument else None
    except ValueError:
        return None
    return Fault(name, value)


def find_fault(header_value: str | None, body: bytes) -> Fault | None:
    if header_value:
        return parse_fault(header_value)
    match = _DIRECTIVE.search(body.decode("utf-8", errors="replace"))
    return parse_fault(match.group(1)) if match else None


class FaultState:
    """Remembers which ``throttle-once`` requests already failed, so their retry succeeds."""

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def raise_immediate(self, fault: Fault | None, path: str, body: bytes) -> None:
        if fault is None or fault.name not in _IMMEDIATE:
            return
        if fault.name == "throttle-once":
            key = hashlib.sha256(path.encode() + b"\0" + body).hexdigest()
            with self._lock:
                if key in self._seen:
                    return
                self._seen.add(key)
        code, message = _IMMEDIATE[fault.name]
        raise BedrockError(code, message)

"""One HTTP exchange with a client: reads the body, answers with JSON, XML, an error or an event stream.

Every answer carries Bedrock's headers (request id, error type), so botocore parses it as it parses AWS's.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import time
from http.server import BaseHTTPRequestHandler
from typing import Any

from bedrock_chat.local_endpoint.errors import BedrockError, malformed, validation
from bedrock_chat.local_endpoint.faults import Fault
from bedrock_chat.local_endpoint.server_state import ConnectionEnd, SharedState
from bedrock_chat.local_endpoint.streaming import EventStreamWriter, wait_watching_client

log = logging.getLogger(__name__)

_REGION = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/")


class Exchange(BaseHTTPRequestHandler):
    """The plumbing of a request handler; what a request means is decided by ``server`` and the operations."""

    protocol_version = "HTTP/1.1"
    server_version = "bedrock-chat-local"
    state: SharedState
    request_id: str
    fault: Fault | None  # the fault the current request asked for, remembered when its connection ends

    def setup(self) -> None:
        super().setup()
        self.fault = None
        with self.state.lock:
            self.state.connections.add(self.connection)

    def finish(self) -> None:
        with self.state.lock:
            self.state.connections.discard(self.connection)
            self.state.ended.append(ConnectionEnd(self.fault.name if self.fault else None, time.monotonic()))
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > self.state.options.max_body_bytes:
            remaining = length
            while remaining > 0:
                remaining -= len(self.rfile.read(min(remaining, 1 << 16)) or b"\0" * remaining)
            raise validation(
                f"The request body of {length} bytes is larger than the limit of "
                f"{self.state.options.max_body_bytes} bytes. Shorten the input and try again."
            )
        return self.rfile.read(length) if length else b""

    def region(self) -> str:
        """The region the request was signed for; us-east-1 when it was not signed (a bearer key)."""
        match = _REGION.search(self.headers.get("Authorization", ""))
        return match.group(1) if match else "us-east-1"

    def wait_watching_client(self, seconds: float) -> None:
        wait_watching_client(self.connection, self.state.stopping, seconds)

    def send_json(self, payload: dict[str, Any], extra_headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", self.request_id)
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def send_xml(self, status: int, document: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(document)))
        self.send_header("x-amzn-RequestId", self.request_id)
        self.end_headers()
        self.wfile.write(document)

    def send_bedrock_error(self, error: BedrockError) -> None:
        data = json.dumps({"message": error.message}).encode("utf-8")
        try:
            self.send_response(error.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", self.request_id)
            self.send_header("x-amzn-ErrorType", f"{error.code}:http://internal.amazon.com/coral/com.amazon.bedrock/")
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True

    def start_event_stream(self, extra_headers: dict[str, str] | None = None) -> EventStreamWriter:
        self.send_response(200)
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/vnd.amazon.eventstream")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("x-amzn-RequestId", self.request_id)
        self.send_header("x-amzn-bedrock-content-type", "application/json")
        self.end_headers()
        return EventStreamWriter(self.wfile, self.connection, self.state.stopping, self.fault)


def json_body(body: bytes) -> dict[str, Any]:
    """A request body that must be one JSON object, refused as Bedrock refuses it otherwise."""
    try:
        data = json.loads(body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise malformed(f"#: the body is not valid JSON ({error.msg if hasattr(error, 'msg') else error})") \
            from error
    if not isinstance(data, dict):
        raise malformed("#: expected type: JSONObject")
    return data

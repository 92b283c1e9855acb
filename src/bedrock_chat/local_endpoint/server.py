"""The HTTP server: routes bedrock-runtime and bedrock requests, answers with Bedrock's shapes."""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import logging
import re
import socket
import ssl
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from bedrock_chat.local_endpoint.catalog import Catalog, CatalogModel
from bedrock_chat.local_endpoint.converse import count_converse_input, parse_converse
from bedrock_chat.local_endpoint.converse_features import FeatureStreamEvents, feature_response
from bedrock_chat.local_endpoint.errors import BedrockError, malformed, validation
from bedrock_chat.local_endpoint.eventstream import encode_event
from bedrock_chat.local_endpoint.families import native_family
from bedrock_chat.local_endpoint.faults import FAULT_HEADER, Fault, FaultState, find_fault
from bedrock_chat.local_endpoint.generator import Generation, generate
from bedrock_chat.local_endpoint.request_features import (
    FeatureState,
    check_count_tokens,
    converse_extras,
    native_cache_usage,
)
from bedrock_chat.local_endpoint.request_options import (
    blocked_generation,
    invoke_extras,
    mark_intervention,
    served_headers,
    with_cache_usage,
)
from bedrock_chat.local_endpoint.streaming import (
    ClientGone,
    EventStreamWriter,
    Pace,
    StreamCutShort,
    TokenSchedule,
    chunk_frame,
    parse_pace,
    wait_watching_client,
)
from bedrock_chat.local_endpoint.sts import is_sts_request, sts_answer

log = logging.getLogger(__name__)

PACE_HEADER = "x-bedrock-local-pace"
_MODEL_ROUTE = re.compile(
    r"^/model/([^/]+)/(invoke|invoke-with-response-stream|converse|converse-stream|count-tokens)$")
_REGION = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/")
_ACCESS_KEY = re.compile(r"Credential=([^/]+)/")


@dataclass
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 0
    tokens_per_second: float = 300.0
    first_token_delay: float = 0.35
    max_body_bytes: int = 20 * 1024 * 1024
    # Operations answered with AccessDeniedException, as for an account with narrow permissions
    # (e.g. {"ListFoundationModels", "ListInferenceProfiles", "GetInferenceProfile"}).
    denied_operations: frozenset[str] = frozenset()
    # Application inference profiles: id -> the foundation model they route to (invoked through their ARN).
    application_profiles: dict[str, str] = field(default_factory=dict)
    tls: ssl.SSLContext | None = None  # serve https (tests of bearer auth, which botocore sends only over TLS)
    # Bedrock answers CountTokens only for the models that have it (catalog "countTokens"); True counts any model,
    # for tests of how each native body is counted.
    count_tokens_for_every_model: bool = False

    @property
    def pace(self) -> Pace:
        return Pace(self.tokens_per_second, self.first_token_delay)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    fault: str | None
    access_key_id: str | None = None  # which key signed it (tests check credentials flow); never the secret
    auth_scheme: str | None = None  # "AWS4-HMAC-SHA256" or "Bearer"
    bearer_fingerprint: str | None = None  # sha256 prefix of a bearer token: which key, never the key itself


@dataclass(frozen=True)
class ConnectionEnd:
    """A client connection ended (tests check that Stop hangs up): the fault of its last request, and when."""

    fault: str | None
    at: float


@dataclass
class _SharedState:
    options: ServerOptions
    catalog: Catalog = field(default_factory=Catalog)
    faults: FaultState = field(default_factory=FaultState)
    stopping: threading.Event = field(default_factory=threading.Event)
    requests: list[RecordedRequest] = field(default_factory=list)
    connections: set[socket.socket] = field(default_factory=set)
    # Bounded: the app's built-in endpoint runs for a whole session.
    ended: deque[ConnectionEnd] = field(default_factory=lambda: deque(maxlen=10_000))
    lock: threading.Lock = field(default_factory=threading.Lock)
    features: FeatureState = field(default_factory=FeatureState)  # reasoning signatures, the prompt cache


def bearer_fingerprint(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()[:16]


def _metrics(input_tokens: int, output_tokens: int, start: float, first_byte: float | None) -> dict[str, int]:
    now = time.monotonic()
    return {
        "inputTokenCount": input_tokens,
        "outputTokenCount": output_tokens,
        "invocationLatency": round((now - start) * 1000),
        "firstByteLatency": round(((first_byte or now) - start) * 1000),
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "bedrock-chat-local"
    state: _SharedState

    # -- plumbing ---------------------------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self._fault: Fault | None = None
        with self.state.lock:
            self.state.connections.add(self.connection)

    def finish(self) -> None:
        with self.state.lock:
            self.state.connections.discard(self.connection)
            self.state.ended.append(ConnectionEnd(self._fault.name if self._fault else None, time.monotonic()))
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        self.request_id = str(uuid.uuid4())
        try:
            body = self._read_body()
            self._route(body)
        except BedrockError as error:
            self._send_error(error)
        except (ClientGone, StreamCutShort):
            self.close_connection = True
        except Exception:
            log.exception("local endpoint failed on %s %s", self.command, self.path)
            self._send_error(BedrockError("InternalServerException", "An internal server error occurred."))

    def _read_body(self) -> bytes:
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

    def _region(self) -> str:
        match = _REGION.search(self.headers.get("Authorization", ""))
        return match.group(1) if match else "us-east-1"

    def _send_json(self, payload: dict[str, Any], extra_headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", self.request_id)
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_xml(self, status: int, document: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(document)))
        self.send_header("x-amzn-RequestId", self.request_id)
        self.end_headers()
        self.wfile.write(document)

    def _send_error(self, error: BedrockError) -> None:
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

    # -- routing ----------------------------------------------------------------------------------

    def _route(self, body: bytes) -> None:
        url = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        fault = find_fault(self.headers.get(FAULT_HEADER), body)
        self._fault = fault
        with self.state.lock:
            authorization = self.headers.get("Authorization", "")
            signer = _ACCESS_KEY.search(authorization)
            scheme, _, token = authorization.partition(" ")
            self.state.requests.append(RecordedRequest(
                self.command, self.path, fault.name if fault else None, signer.group(1) if signer else None,
                scheme or None, bearer_fingerprint(token) if scheme == "Bearer" else None))
        model_route = _MODEL_ROUTE.match(url.path)
        self._refuse_if_denied(url.path, model_route)
        if self.command == "POST" and model_route:
            self.state.faults.raise_immediate(fault, url.path, body)
            if fault and fault.name == "hang":  # a cold model or a hung proxy: not even response headers
                self._wait_watching_client(fault.argument or 30.0)
            operation = model_route.group(2)
            model = (self.state.catalog.resolve_for_counting(model_route.group(1)) if operation == "count-tokens"
                     else self.state.catalog.resolve(model_route.group(1), self.state.options.application_profiles))
            if operation == "count-tokens":
                self._count_tokens(model, body)
            elif operation.startswith("invoke"):
                self._invoke(model, body, fault, streaming=operation.endswith("stream"))
            else:
                self._converse(model, body, fault, streaming=operation.endswith("stream"))
        elif self.command == "GET" and url.path == "/foundation-models":
            summaries = self.state.catalog.foundation_model_summaries(self._region(), query)
            self._send_json({"modelSummaries": summaries})
        elif self.command == "GET" and url.path.startswith("/foundation-models/"):
            self._get_foundation_model(unquote(url.path.rsplit("/", 1)[1]))
        elif self.command == "GET" and url.path == "/inference-profiles":
            self._list_inference_profiles(query)
        elif self.command == "GET" and url.path.startswith("/inference-profiles/"):
            self._get_inference_profile(unquote(url.path.split("/", 2)[2]))
        elif self.command == "POST" and is_sts_request(url.path, self.headers.get("Content-Type", ""), body):
            status, document = sts_answer(body, signer.group(1) if signer else None, self.request_id, fault)
            self._send_xml(status, document)
        else:
            raise BedrockError("UnknownOperationException", f"No operation matches {self.command} {url.path}.")

    def _refuse_if_denied(self, path: str, model_route: re.Match[str] | None) -> None:
        if model_route:
            operation = {"invoke": "InvokeModel", "invoke-with-response-stream": "InvokeModelWithResponseStream",
                         "converse": "Converse", "converse-stream": "ConverseStream",
                         "count-tokens": "CountTokens"}[model_route.group(2)]
        elif path == "/foundation-models":
            operation = "ListFoundationModels"
        elif path.startswith("/foundation-models/"):
            operation = "GetFoundationModel"
        elif path == "/inference-profiles":
            operation = "ListInferenceProfiles"
        elif path.startswith("/inference-profiles/"):
            operation = "GetInferenceProfile"
        else:
            return  # STS and unknown routes: answered (or refused) by their own handlers
        if operation in self.state.options.denied_operations:
            raise BedrockError("AccessDeniedException", f"User: arn:aws:iam::123456789012:user/local is not "
                               f"authorized to perform: bedrock:{operation} because no identity-based policy "
                               "allows the bedrock:" + operation + " action")

    def _get_inference_profile(self, identifier: str) -> None:
        profile_id = identifier.rsplit("/", 1)[-1]
        for summary in self.state.catalog.inference_profile_summaries(self._region()):
            if profile_id == summary["inferenceProfileId"]:
                self._send_json(summary)
                return
        model_id = self.state.options.application_profiles.get(profile_id)
        if model_id is None:
            raise BedrockError("ResourceNotFoundException", f"The inference profile {identifier} was not found.")
        region = self._region()
        self._send_json({
            "inferenceProfileName": f"application profile {profile_id}",
            "inferenceProfileArn": f"arn:aws:bedrock:{region}:123456789012:application-inference-profile/{profile_id}",
            "inferenceProfileId": profile_id,
            "models": [{"modelArn": f"arn:aws:bedrock:{region}::foundation-model/{model_id}"}],
            "status": "ACTIVE",
            "type": "APPLICATION",
            "createdAt": "2025-06-01T00:00:00Z",
            "updatedAt": "2025-06-01T00:00:00Z",
        })

    def _get_foundation_model(self, model_id: str) -> None:
        for summary in self.state.catalog.foundation_model_summaries(self._region(), {}):
            if summary["modelId"] == model_id:
                self._send_json({"modelDetails": summary})
                return
        raise BedrockError("ResourceNotFoundException", f"The model {model_id} was not found.")

    def _list_inference_profiles(self, query: dict[str, str]) -> None:
        profiles = self.state.catalog.inference_profile_summaries(self._region())
        if query.get("typeEquals") == "APPLICATION":
            profiles = []
        try:
            start = int(query.get("nextToken") or 0)
            size = int(query.get("maxResults") or 1000)
        except ValueError as error:
            raise validation("nextToken and maxResults must be integers.") from error
        page: dict[str, Any] = {"inferenceProfileSummaries": profiles[start : start + size]}
        if start + size < len(profiles):
            page["nextToken"] = str(start + size)
        self._send_json(page)

    @staticmethod
    def _json_body(body: bytes) -> dict[str, Any]:
        try:
            data = json.loads(body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise malformed(f"#: the body is not valid JSON ({error.msg if hasattr(error, 'msg') else error})") \
                from error
        if not isinstance(data, dict):
            raise malformed("#: expected type: JSONObject")
        return data

    # -- operations -------------------------------------------------------------------------------

    def _count_tokens(self, model: CatalogModel, body: bytes) -> None:
        if not self.state.options.count_tokens_for_every_model:
            check_count_tokens(model)
        request = self._json_body(body).get("input") or {}
        if "converse" in request:
            tokens = count_converse_input(request["converse"], model)
        elif "invokeModel" in request:
            try:
                native_body = base64.b64decode(request["invokeModel"].get("body", ""), validate=True)
            except (binascii.Error, AttributeError) as error:
                raise validation("input.invokeModel.body must be base64-encoded JSON.") from error
            tokens = native_family(model).parse(self._json_body(native_body), model).input_tokens
        else:
            raise validation("Provide either input.invokeModel or input.converse.")
        self._send_json({"inputTokens": tokens})

    def _simulate_latency(self, generation: Generation, pace: Pace) -> None:
        total = pace.first_token_delay
        if pace.tokens_per_second > 0:
            total += generation.output_tokens / pace.tokens_per_second
        self._wait_watching_client(min(total, 30.0))

    def _wait_watching_client(self, seconds: float) -> None:
        wait_watching_client(self.connection, self.state.stopping, seconds)

    def _apply_whole_response_fault(self, fault: Fault | None) -> None:
        if fault and fault.name == "drop":
            self.connection.shutdown(socket.SHUT_RDWR)
            raise StreamCutShort
        if fault and fault.name == "stall":
            self._wait_watching_client(fault.argument or 30.0)

    def _invoke(self, model: CatalogModel, body: bytes, fault: Fault | None, streaming: bool) -> None:
        if streaming and not model.streaming:
            raise validation("The model is unsupported for streaming.")
        family = native_family(model)
        data = self._json_body(body)
        request = family.parse(data, model)
        extras = invoke_extras(self.headers, model, request.prompt)
        if model.family == "anthropic":
            extras.cache_read, extras.cache_write = native_cache_usage(data, model, self.state.features,
                                                                       request.input_tokens)
        plain_input = generation_input = request.input_tokens - extras.cache_read - extras.cache_write
        generation = generate(request)
        if extras.guardrail_trace is not None:
            generation = blocked_generation(generation)
        pace = parse_pace(self.headers.get(PACE_HEADER), self.state.options.pace)
        start = time.monotonic()
        if not streaming:
            self._apply_whole_response_fault(fault)
            self._simulate_latency(generation, pace)
            latency = round((time.monotonic() - start) * 1000)
            self._send_json(mark_intervention(family.response(generation, model), extras), {
                **served_headers(extras),
                "x-amzn-bedrock-invocation-latency": str(latency),
                "x-amzn-bedrock-input-token-count": str(plain_input),
                "x-amzn-bedrock-output-token-count": str(generation.output_tokens),
                "x-amzn-bedrock-cache-read-input-token-count": str(extras.cache_read),
                "x-amzn-bedrock-cache-write-input-token-count": str(extras.cache_write),
            })
            return

        writer = self._start_stream(served_headers(extras))
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
        metrics = _metrics(generation_input, generation.output_tokens, start,
                           first_byte[0] if first_byte else None)
        if extras.cache_read or extras.cache_write:
            metrics.update(cacheReadInputTokenCount=extras.cache_read, cacheWriteInputTokenCount=extras.cache_write)
        finish = family.stream_finish(generation, metrics)
        emit_chunks([*finish[:-1], mark_intervention(finish[-1], extras)])
        writer.finish()

    def _converse(self, model: CatalogModel, body: bytes, fault: Fault | None, streaming: bool) -> None:
        data = self._json_body(body)
        request = parse_converse(data, model)
        extras = converse_extras(data, model, self.state.features, request.input_tokens, streaming)
        generation = generate(request)
        if extras.guardrail_trace is not None:
            generation = blocked_generation(generation)
        pace = parse_pace(self.headers.get(PACE_HEADER), self.state.options.pace)
        start = time.monotonic()
        if not streaming:
            self._apply_whole_response_fault(fault)
            self._simulate_latency(generation, pace)
            latency_ms = round((time.monotonic() - start) * 1000)
            self._send_json(feature_response(generation, latency_ms, extras, self.state.features))
            return

        writer = self._start_stream()
        schedule = TokenSchedule(writer, pace, fault, start)
        events = FeatureStreamEvents(extras, self.state.features)

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

    def _start_stream(self, extra_headers: dict[str, str] | None = None) -> EventStreamWriter:
        self.send_response(200)
        for name, value in (extra_headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/vnd.amazon.eventstream")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("x-amzn-RequestId", self.request_id)
        self.send_header("x-amzn-bedrock-content-type", "application/json")
        self.end_headers()
        return EventStreamWriter(self.wfile, self.connection, self.state.stopping, self._fault)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up is routine (Stop, a cut stream); anything else is logged, never printed."""
        log.debug("connection from %s ended abruptly", client_address, exc_info=True)


class LocalBedrockServer:
    """Runs the endpoint on a background thread; use as a context manager or call start() and stop()."""

    def __init__(self, options: ServerOptions | None = None) -> None:
        self.options = options or ServerOptions()
        self._state = _SharedState(self.options)
        handler = type("Handler", (_Handler,), {"state": self._state})
        self._httpd = _HTTPServer((self.options.host, self.options.port), handler)
        if self.options.tls is not None:
            self._httpd.socket = self.options.tls.wrap_socket(self._httpd.socket, server_side=True)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        address = self._httpd.server_address
        host, port = str(address[0]), int(address[1])
        shown = f"[{host}]" if ":" in host else host
        scheme = "https" if self.options.tls is not None else "http"
        return f"{scheme}://{shown}:{port}"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._state.lock:
            return list(self._state.requests)

    @property
    def connection_ends(self) -> list[ConnectionEnd]:
        with self._state.lock:
            return list(self._state.ended)

    @property
    def open_connections(self) -> int:
        with self._state.lock:
            return len(self._state.connections)

    def start(self) -> LocalBedrockServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="local-bedrock", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        """Stops accepting, ends streams in flight (their clients see a cut connection) and closes."""
        self._state.stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        with self._state.lock:
            connections = list(self._state.connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._httpd.server_close()

    def __enter__(self) -> LocalBedrockServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

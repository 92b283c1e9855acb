"""The HTTP server: routes bedrock-runtime and bedrock requests to their operations, runs on its own thread."""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading
import uuid
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from bedrock_chat.local_endpoint import catalog_operations, runtime_operations
from bedrock_chat.local_endpoint.errors import BedrockError
from bedrock_chat.local_endpoint.exchange import Exchange
from bedrock_chat.local_endpoint.faults import FAULT_HEADER, find_fault
from bedrock_chat.local_endpoint.server_state import (
    ConnectionEnd,
    RecordedRequest,
    ServerOptions,
    SharedState,
    bearer_fingerprint,
)
from bedrock_chat.local_endpoint.streaming import ClientGone, StreamCutShort
from bedrock_chat.local_endpoint.sts import is_sts_request, sts_answer

log = logging.getLogger(__name__)

_MODEL_ROUTE = re.compile(
    r"^/model/([^/]+)/(invoke|invoke-with-response-stream|converse|converse-stream|count-tokens)$")
_MODEL_OPERATIONS = {"invoke": "InvokeModel", "invoke-with-response-stream": "InvokeModelWithResponseStream",
                     "converse": "Converse", "converse-stream": "ConverseStream", "count-tokens": "CountTokens"}
_ACCESS_KEY = re.compile(r"Credential=([^/]+)/")


class _Handler(Exchange):
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
            body = self.read_body()
            self._route(body)
        except BedrockError as error:
            self.send_bedrock_error(error)
        except (ClientGone, StreamCutShort):
            self.close_connection = True
        except Exception:
            log.exception("local endpoint failed on %s %s", self.command, self.path)
            self.send_bedrock_error(BedrockError("InternalServerException", "An internal server error occurred."))

    def _route(self, body: bytes) -> None:
        url = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        fault = find_fault(self.headers.get(FAULT_HEADER), body)
        self.fault = fault
        with self.state.lock:
            authorization = self.headers.get("Authorization", "")
            signer = _ACCESS_KEY.search(authorization)
            scheme, _, token = authorization.partition(" ")
            self.state.requests.append(RecordedRequest(
                self.command, self.path, fault.name if fault else None, signer.group(1) if signer else None,
                scheme or None, bearer_fingerprint(token) if scheme == "Bearer" else None))
        model_route = _MODEL_ROUTE.match(url.path)
        self._refuse_if_denied(url.path, model_route)
        catalog = self.state.catalog
        if self.command == "POST" and model_route:
            self.state.faults.raise_immediate(fault, url.path, body)
            if fault and fault.name == "hang":  # a cold model or a hung proxy: not even response headers
                self.wait_watching_client(fault.argument or 30.0)
            operation = model_route.group(2)
            model = (catalog.resolve_for_counting(model_route.group(1)) if operation == "count-tokens"
                     else catalog.resolve(model_route.group(1), self.state.options.application_profiles))
            if operation == "count-tokens":
                runtime_operations.count_tokens(self, model, body)
            elif operation.startswith("invoke"):
                runtime_operations.invoke(self, model, body, fault, streaming=operation.endswith("stream"))
            else:
                runtime_operations.converse(self, model, body, fault, streaming=operation.endswith("stream"))
        elif self.command == "GET" and url.path == "/foundation-models":
            self.send_json(catalog_operations.foundation_models(catalog, self.region(), query))
        elif self.command == "GET" and url.path.startswith("/foundation-models/"):
            model_id = unquote(url.path.rsplit("/", 1)[1])
            self.send_json(catalog_operations.foundation_model(catalog, self.region(), model_id))
        elif self.command == "GET" and url.path == "/inference-profiles":
            self.send_json(catalog_operations.inference_profiles_page(catalog, self.region(), query))
        elif self.command == "GET" and url.path.startswith("/inference-profiles/"):
            identifier = unquote(url.path.split("/", 2)[2])
            self.send_json(catalog_operations.inference_profile(
                catalog, self.state.options.application_profiles, self.region(), identifier))
        elif self.command == "POST" and is_sts_request(url.path, self.headers.get("Content-Type", ""), body):
            status, document = sts_answer(body, signer.group(1) if signer else None, self.request_id, fault)
            self.send_xml(status, document)
        else:
            raise BedrockError("UnknownOperationException", f"No operation matches {self.command} {url.path}.")

    def _refuse_if_denied(self, path: str, model_route: re.Match[str] | None) -> None:
        if model_route:
            operation = _MODEL_OPERATIONS[model_route.group(2)]
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
        self._state = SharedState(self.options)
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

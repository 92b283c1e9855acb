"""A stand-in for a remote Bedrock: every ConverseStream request gets one recorded reply, written as fast as the
socket takes it, so the server spends next to no CPU on the machine under test.

The local endpoint builds each of a reply's 20,000 events in Python (about 0.2-0.3 s of CPU for the prose reply).
Real Bedrock does that work on AWS's machines, not on the user's; on a 2-core machine the endpoint's CPU competes
with the app's GUI thread and its turn host, and with the bare boto3 loop it is compared to. This server records
the endpoint's reply to one prompt once (its raw event-stream bytes, through botocore), then replays those bytes
for every ``converse-stream`` request; everything else (model lists, the app's other calls) is passed through to
the local endpoint unchanged.

    python bench/replay_endpoint.py ENDPOINT_URL MODEL PROMPT   (prints "listening on URL", serves until killed)
"""

from __future__ import annotations

import http.client
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3

CHUNK = 32 * 1024


def record(endpoint_url: str, model: str, prompt: str) -> bytes:
    """The raw event-stream body the endpoint sends for this prompt (what a remote service would send)."""
    client = boto3.client("bedrock-runtime", endpoint_url=endpoint_url, region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="x")
    response = client.converse_stream(modelId=model, messages=[{"role": "user", "content": [{"text": prompt}]}],
                                      inferenceConfig={"maxTokens": 32_000})
    raw: Any = response["stream"]._raw_stream  # a benchmark's tool: the bytes before botocore decodes them
    return bytes(raw.read())


def serve(endpoint_url: str, body: bytes) -> ThreadingHTTPServer:
    upstream = urllib.parse.urlsplit(endpoint_url)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _request_body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_POST(self) -> None:
            request_body = self._request_body()
            if self.path.endswith("/converse-stream"):
                self.send_response(200)
                self.send_header("Content-Type", "application/vnd.amazon.eventstream")
                self.send_header("x-amzn-RequestId", "replayed-0000")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for start in range(0, len(body), CHUNK):
                    piece = body[start:start + CHUNK]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
                return
            self._pass_through("POST", request_body)

        def do_GET(self) -> None:
            self._pass_through("GET", None)

        def _pass_through(self, method: str, request_body: bytes | None) -> None:
            connection = http.client.HTTPConnection(upstream.hostname or "127.0.0.1", upstream.port, timeout=30)
            headers = {key: value for key, value in self.headers.items() if key.lower() != "host"}
            connection.request(method, self.path, body=request_body, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
            self.send_response(answer.status)
            for key, value in answer.getheaders():
                if key.lower() not in ("transfer-encoding", "content-length", "connection"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            connection.close()

    class QuietServer(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a client that hangs up (Stop, the end of a benchmark) is not news

    return QuietServer(("127.0.0.1", 0), Handler)


def main(argv: list[str]) -> int:
    endpoint_url, model, prompt = argv
    server = serve(endpoint_url, record(endpoint_url, model, prompt))
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Small real servers for tests of networks as users have them: a TLS front with its own CA, a recording
HTTP proxy, a captive portal. Each relays raw bytes to the local endpoint, so boto3 runs end to end."""

from __future__ import annotations

import contextlib
import select
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

AWS_HOSTS = ("bedrock-runtime.us-east-1.amazonaws.com", "bedrock.us-east-1.amazonaws.com")


@dataclass(frozen=True)
class Certificates:
    ca: Path  # the test CA (what AWS_CA_BUNDLE should name)
    cert: Path  # the server certificate, for localhost, 127.0.0.1 and the us-east-1 Bedrock hosts
    key: Path


def make_certificates(folder: Path) -> Certificates:
    """A throwaway CA and a server certificate it signed (openssl, as any developer machine has)."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca, key, csr, cert = (folder / name for name in ("ca.key", "ca.pem", "server.key", "server.csr",
                                                            "server.pem"))
    names = ",".join(["DNS:localhost", "IP:127.0.0.1", *(f"DNS:{host}" for host in AWS_HOSTS)])
    extensions = folder / "ext.cnf"
    extensions.write_text(f"subjectAltName={names}\nbasicConstraints=CA:FALSE\n")

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out", str(ca), "-days", "2",
        "-subj", "/CN=bedrock-chat test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr), "-subj", "/CN=localhost")
    run("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial", "-out",
        str(cert), "-days", "2", "-extfile", str(extensions))
    return Certificates(ca, cert, key)


def _pump(a: socket.socket, b: socket.socket, record: list[bytes] | None, stop: threading.Event) -> None:
    """Copies bytes both ways until either side closes; what a sends is recorded."""
    sockets = [a, b]
    try:
        while not stop.is_set():
            pending = [s for s in sockets if isinstance(s, ssl.SSLSocket) and s.pending()]
            ready = pending or select.select(sockets, [], [], 0.2)[0]
            for source in ready:
                data = source.recv(65536)
                if not data:
                    return
                target = b if source is a else a
                if source is a and record is not None:
                    record.append(data)
                target.sendall(data)
    except OSError:
        return
    finally:
        for s in sockets:
            with contextlib.suppress(OSError):
                s.close()


class _Listener:
    """A loopback listener whose connections are handled on daemon threads; ``close`` stops everything."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self.port = self._socket.getsockname()[1]

    def start(self) -> _Listener:
        self._thread.start()
        return self

    def _accept(self) -> None:
        self._socket.settimeout(0.2)
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._guarded, args=(connection,), daemon=True).start()

    def _guarded(self, connection: socket.socket) -> None:
        try:
            self.handle(connection)
        except (OSError, ssl.SSLError):
            with contextlib.suppress(OSError):
                connection.close()

    def handle(self, connection: socket.socket) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self._stop.set()
        self._socket.close()
        self._thread.join(timeout=2)

    def __enter__(self) -> _Listener:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


class TlsFront(_Listener):
    """HTTPS in front of the local endpoint: records the decrypted requests (headers on the wire)."""

    def __init__(self, certificates: Certificates, upstream_port: int) -> None:
        super().__init__()
        self.upstream_port = upstream_port
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(str(certificates.cert), str(certificates.key))
        self.received: list[bytes] = []
        self.handshake_failures = 0

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}"

    @property
    def wire(self) -> bytes:
        return b"".join(self.received)

    def handle(self, connection: socket.socket) -> None:
        try:
            secure = self.context.wrap_socket(connection, server_side=True)
        except (ssl.SSLError, OSError):
            self.handshake_failures += 1
            connection.close()
            return
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        _pump(secure, upstream, self.received, self._stop)


class RecordingProxy(_Listener):
    """An HTTP proxy: CONNECT tunnels (to ``tunnel_port`` whatever host is asked) and absolute-form requests.

    Records the CONNECT targets and request lines it was asked for.
    """

    def __init__(self, tunnel_port: int, require_auth: bool = False) -> None:
        super().__init__()
        self.tunnel_port = tunnel_port
        self.require_auth = require_auth  # answers 407 to everything, as a proxy without credentials does
        self.requests: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def handle(self, connection: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = connection.recv(4096)
            if not chunk:
                connection.close()
                return
            head += chunk
        request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
        self.requests.append(request_line)
        if self.require_auth:
            connection.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic "
                               b"realm=\"corp\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            connection.close()
            return
        if request_line.startswith("CONNECT "):
            upstream = socket.create_connection(("127.0.0.1", self.tunnel_port))
            connection.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            _pump(connection, upstream, None, self._stop)
        else:
            connection.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            connection.close()


PORTAL_PAGE = (b"<!DOCTYPE html><html><head><title>Welcome to CoffeeNet</title></head>"
               b"<body><form action='/login'>Accept the terms to get online</form></body></html>")


class CaptivePortal(_Listener):
    """Answers every request with a sign-in page (200 text/html, or a 302 to it) until ``signed_in`` is set;
    then relays to the local endpoint, as the network does once the user accepted the terms."""

    def __init__(self, upstream_port: int, redirect: bool = False) -> None:
        super().__init__()
        self.upstream_port = upstream_port
        self.redirect = redirect
        self.signed_in = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def handle(self, connection: socket.socket) -> None:
        if self.signed_in.is_set():
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            _pump(connection, upstream, None, self._stop)
            return
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = connection.recv(65536)
            if not chunk:
                break
            head += chunk
        if self.redirect:
            answer = (b"HTTP/1.1 302 Found\r\nLocation: http://portal.example/login\r\nContent-Type: text/html\r\n"
                      b"Content-Length: " + str(len(PORTAL_PAGE)).encode() + b"\r\nConnection: close\r\n\r\n")
        else:
            answer = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
                      + str(len(PORTAL_PAGE)).encode() + b"\r\nConnection: close\r\n\r\n")
        connection.sendall(answer + PORTAL_PAGE)
        connection.close()

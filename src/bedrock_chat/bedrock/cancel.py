"""Stop at any phase of a turn: a token that owns the turn's socket from the moment it exists.

botocore keeps signing, retrying and decoding; three hooks make that interruptible. A connection class
(registered through the client's urllib3 pool classes) reports each socket it opens or reuses to the token of
the turn running on the current thread, so Stop can shut it down while botocore waits for a connection, for
response headers, or for the body of a non-streaming reply. A ``before-send`` handler refuses to send once the
turn is cancelled, and a ``needs-retry`` handler ends the call instead of letting botocore retry after Stop.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import weakref
from collections.abc import Callable, Iterator
from typing import Any

from botocore.awsrequest import (
    AWSHTTPConnection,
    AWSHTTPConnectionPool,
    AWSHTTPSConnection,
    AWSHTTPSConnectionPool,
)

log = logging.getLogger(__name__)

_current = threading.local()


class TurnCancelled(Exception):
    """The user stopped the turn; what arrived before stays."""


class CancelToken:
    """Shared between the GUI thread (``cancel``) and the turn's own thread (every blocking call)."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._stream: Any = None
        self._callbacks: list[Callable[[], None]] = []
        self.is_cancelled: Callable[[], bool] = self._cancelled.is_set
        """``cancelled`` as a bound call, for loops that check once per event."""

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise TurnCancelled

    def adopt_socket(self, sock: socket.socket) -> None:
        """The turn now talks over ``sock``; a cancelled turn has it shut down at once."""
        with self._lock:
            self._socket = sock
        if self.cancelled:
            _shut_down(sock)

    def attach(self, stream: Any) -> None:
        """The response stream being read (a fallback for a client whose sockets are not reported)."""
        with self._lock:
            self._stream = stream
            sock = self._socket
        if self.cancelled:
            if sock is not None:
                _shut_down(sock)
            _interrupt(stream)  # on the reading thread itself: nothing to wait for

    def release(self) -> None:
        """The turn is over: its socket may go back to the pool and serve another turn, so forget it."""
        with self._lock:
            self._socket = None
            self._stream = None

    def on_cancel(self, callback: Callable[[], None]) -> None:
        """Calls ``callback`` (which must not block) when the turn is cancelled, or now if it already was."""
        with self._lock:
            if not self.cancelled:
                self._callbacks.append(callback)
                return
        callback()

    def cancel(self) -> None:
        """Safe from any thread and never blocks: a connect, header wait or body read returns at once."""
        with self._lock:
            self._cancelled.set()
            sock, stream, callbacks = self._socket, self._stream, self._callbacks
            self._callbacks = []
        for callback in callbacks:
            callback()  # e.g. the turn host's "cancel N", for a turn that runs in the child process
        if sock is not None:
            _shut_down(sock)  # the reading thread gets EOF and closes the stream itself
        elif stream is not None:
            # Closing a stream another thread reads waits for that read; only after the shutdown it returns.
            _interrupt(stream)

    @contextlib.contextmanager
    def bound_to_this_thread(self) -> Iterator[None]:
        """While inside, sockets opened and requests sent on this thread belong to this token."""
        previous = getattr(_current, "token", None)
        _current.token = self
        try:
            yield
        finally:
            _current.token = previous
            self.release()


def current_token() -> CancelToken | None:
    token = getattr(_current, "token", None)
    return token if isinstance(token, CancelToken) else None


def _shut_down(sock: socket.socket) -> None:
    # shutdown, not close: the reading thread still owns the descriptor and gets EOF instead of a reused fd.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


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
        _shut_down(sock)
    with contextlib.suppress(Exception):
        stream.close()


# -- the connection classes ----------------------------------------------------------------------------


class _ReportsSocket:
    """Mixed into botocore's connection classes: every socket used for a turn is handed to its token."""

    sock: socket.socket | None

    def _new_conn(self) -> socket.socket:
        token = current_token()
        if token is not None:
            token.raise_if_cancelled()
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        if token is not None:
            token.adopt_socket(sock)  # a turn stopped while connecting has it shut down here
            token.raise_if_cancelled()
        return sock

    def request(self, *args: Any, **kwargs: Any) -> Any:
        token = current_token()
        if token is not None:
            token.raise_if_cancelled()  # the last gate before any byte of a request leaves
            if self.sock is not None:  # a pooled connection being reused
                token.adopt_socket(self.sock)
        return super().request(*args, **kwargs)  # type: ignore[misc]


# The ignores: botocore-stubs declares botocore's own two bases of these classes as incompatible.
class _InterruptibleHTTPConnection(_ReportsSocket, AWSHTTPConnection):  # type: ignore[misc]
    pass


class _InterruptibleHTTPSConnection(_ReportsSocket, AWSHTTPSConnection):  # type: ignore[misc]
    pass


class _InterruptibleHTTPConnectionPool(AWSHTTPConnectionPool):
    ConnectionCls = _InterruptibleHTTPConnection


class _InterruptibleHTTPSConnectionPool(AWSHTTPSConnectionPool):
    ConnectionCls = _InterruptibleHTTPSConnection


# -- the event handlers --------------------------------------------------------------------------------


def _refuse_to_send(**_: Any) -> None:
    token = current_token()
    if token is not None:
        token.raise_if_cancelled()


def _no_retry_after_cancel(**_: Any) -> None:
    # Raising here ends the call: botocore emits needs-retry after every attempt, before any back-off sleep.
    token = current_token()
    if token is not None and token.cancelled:
        raise TurnCancelled


_prepared: weakref.WeakSet[Any] = weakref.WeakSet()
_prepared_lock = threading.Lock()


def make_interruptible(client: Any) -> None:
    """Idempotent; call before the client's first request (pools that already exist keep their classes)."""
    with _prepared_lock:
        if client in _prepared:
            return
        _prepared.add(client)
    service = client.meta.service_model.service_id.hyphenize()
    events = client.meta.events
    # First, so they run before botocore's own retry handler and adaptive rate limiter.
    events.register_first(f"before-send.{service}", _refuse_to_send, unique_id="bedrock-chat-refuse-to-send")
    events.register_first(f"needs-retry.{service}", _no_retry_after_cancel, unique_id="bedrock-chat-no-retry")
    # botocore has no public setting for the connection class; its URLLib3Session keeps the pool classes in
    # this dict, shared with every pool manager it creates (proxies included). Without it Stop still ends a
    # stream in flight (``attach``), but not a wait for headers: tests/bedrock/test_cancel.py notices.
    session = getattr(getattr(client, "_endpoint", None), "http_session", None)
    pools = getattr(session, "_pool_classes_by_scheme", None)
    if isinstance(pools, dict):
        pools["http"] = _InterruptibleHTTPConnectionPool
        pools["https"] = _InterruptibleHTTPSConnectionPool
    else:
        log.warning("this botocore does not expose its pool classes; Stop before the reply starts may be slow")

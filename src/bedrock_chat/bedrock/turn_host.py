"""The app's side of the turn host: a long-lived child process that runs each turn's request with botocore
(signing, retries, event-stream decoding) and sends back text in small batches.

Why: botocore decodes an event stream in pure Python, about 93 % of a turn's CPU time (bench/decode_profile.py);
on a thread of the app it holds the GIL the GUI thread needs to render, so the two add up instead of overlapping.
In a process of its own the decoding has its own GIL; the app only reads batches (a blocking read releases the
GIL) into the turn's ``DeltaBuffer`` and signals.

The host starts in the background (multiprocessing's spawn context: never fork a process with Qt threads). A turn
that starts before it is ready, or with a client the host cannot copy, runs on a thread here as before; so do
all turns once starting a host has failed ``MAX_FAILED_STARTS`` times in a row, or with
``BEDROCK_CHAT_TURN_PROCESS=0`` (the benchmark's comparison). If the host dies, its turns fail with a clear
message and a new one is started.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import pickle
import queue
import threading
import time
from dataclasses import replace
from typing import Any, Protocol

from bedrock_chat.bedrock import host_protocol as protocol
from bedrock_chat.bedrock.error_context import context_for
from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.bedrock.session import ConnectionInfo, on_close, request_headers
from bedrock_chat.bedrock.turn_host_main import host_main
from bedrock_chat.bedrock.user_error import UserError

log = logging.getLogger(__name__)

SWITCH_VARIABLE = "BEDROCK_CHAT_TURN_PROCESS"
"""``0``: every turn runs on a thread of the app's process (how it was before the host; benchmarks compare)."""
MAX_FAILED_STARTS = 3
START_TIMEOUT_S = 60.0  # a host not ready by then (a machine thrashing, an import hanging) counts as failed

HOST_DIED = UserError("The connection process stopped unexpectedly", "The text that arrived is kept.",
                      "Retry; a new connection process has been started.", True)


class TurnSink(Protocol):
    """Whoever shows a turn: called on the host's reader thread with each report (``host_protocol`` kinds)."""

    def deliver(self, kind: str, payload: object) -> None: ...


class TurnHost:
    """One child process and the two threads that talk to it."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        host_commands, self._commands = context.Pipe(duplex=False)
        self._events, host_events = context.Pipe(duplex=False)
        self.process: Any = context.Process(target=host_main, args=(host_commands, host_events),
                                            name="bedrock-chat-turn-host", daemon=True)
        self.ready = threading.Event()
        self.started_at = time.monotonic()
        self._lock = threading.Lock()
        self._sinks: dict[int, TurnSink] = {}
        self._dead = False
        self._outgoing: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._host_ends = (host_commands, host_events)

    def start(self) -> None:
        """Starts the process (raises if it cannot) and the threads that talk to it."""
        try:
            self.process.start()
        except BaseException:
            for connection in (*self._host_ends, self._events, self._commands):
                connection.close()
            raise
        finally:
            for connection in self._host_ends:
                connection.close()  # only the child holds these ends: its exit is our EOF, ours is its EOF
        self.started_at = time.monotonic()
        threading.Thread(target=self._write_forever, name="turn-host-writer", daemon=True).start()
        threading.Thread(target=self._read_forever, name="turn-host-reader", daemon=True).start()

    @property
    def alive(self) -> bool:
        return not self._dead

    def submit(self, start: protocol.StartTurn, sink: TurnSink) -> None:
        """Hands a turn to the host; its reports go to ``sink``. Raises if the request cannot be pickled."""
        data = _pickled(start)  # here, on the turn's thread: a failure is that turn's, not the writer's
        with self._lock:
            dead = self._dead
            if not dead:
                self._sinks[start.number] = sink
        if dead:
            sink.deliver(protocol.FAILED, HOST_DIED)
            sink.deliver(protocol.RELEASED, None)
        else:
            self._outgoing.put(data)

    def cancel(self, number: int) -> None:
        """Never blocks (called on the GUI thread by Stop): the writer thread sends it."""
        self._outgoing.put(_pickled(protocol.CancelTurn(number)))

    def close_connection(self, serial: int) -> None:
        self._outgoing.put(_pickled(protocol.CloseConnection(serial)))

    def kill(self) -> None:
        self._outgoing.put(None)
        self.process.kill()

    def _write_forever(self) -> None:
        while (data := self._outgoing.get()) is not None:
            try:
                self._commands.send_bytes(data)
            except (OSError, ValueError):
                return  # the host is gone; the reader sees it too and ends its turns

    def _read_forever(self) -> None:
        try:
            while True:
                for number, kind, payload in pickle.loads(self._events.recv_bytes()):
                    if number:
                        self._deliver(number, kind, payload)
                    elif kind == protocol.READY:
                        self.ready.set()
                        log.info("turn host ready (pid %s) in %.2f s", self.process.pid,
                                 time.monotonic() - self.started_at)
                    elif kind == protocol.LOG:
                        level, name, message = payload
                        logging.getLogger(name).log(level, "turn host: %s", message)
        except (EOFError, OSError):
            pass  # the host exited or was killed
        except Exception:  # a batch that makes no sense: the host cannot be trusted to report correctly any more
            log.warning("the turn host sent something unreadable; stopping it", exc_info=True)
            self.process.kill()
        finally:
            self._died()

    def _deliver(self, number: int, kind: str, payload: object) -> None:
        with self._lock:
            sink = self._sinks.pop(number, None) if kind == protocol.RELEASED else self._sinks.get(number)
        if sink is None:
            return
        try:
            sink.deliver(kind, payload)
        except Exception:  # one turn's receiver failing must not end every other turn
            log.warning("a turn's report could not be delivered", exc_info=True)

    def _died(self) -> None:
        with self._lock:
            self._dead = True
            sinks, self._sinks = self._sinks, {}
        self._outgoing.put(None)
        for sink in sinks.values():  # each turn in flight ends with a message (ignored if it was stopped)
            sink.deliver(protocol.FAILED, HOST_DIED)
            sink.deliver(protocol.RELEASED, None)
        self.process.join(5)
        for connection in (self._events, self._commands):
            connection.close()
        _host_ended(self)


def _pickled(command: protocol.Command) -> bytes:
    return pickle.dumps(command, protocol=pickle.HIGHEST_PROTOCOL)


# -- the one host of this process ------------------------------------------------------------------------

_lock = threading.Lock()
_host: TurnHost | None = None
_starting = False
_failed_starts = 0
_gave_up: str | None = None
_exiting = False


def switched_off() -> bool:
    return os.environ.get(SWITCH_VARIABLE, "1") == "0"


def enabled() -> bool:
    return not switched_off() and _gave_up is None and not _exiting


def failure_reason() -> str:
    """Why turns run in this process: switched off, or what went wrong starting the host."""
    return f"{SWITCH_VARIABLE}=0" if switched_off() else _gave_up or "it is still starting"


def prestart() -> None:
    """Starts a host in the background unless one runs or starts; call it once the first frame is shown."""
    global _starting
    with _lock:
        if not enabled() or _host is not None or _starting:
            return
        _starting = True
    threading.Thread(target=_start, name="turn-host-start", daemon=True).start()


def _start() -> None:
    global _host, _starting
    host: TurnHost | None = None
    failure: str | None = None
    try:
        host = TurnHost()
        with _lock:
            _host = host  # before it runs: its end, however early, is then seen as this module's host's end
        host.start()
    except Exception as error:  # no process can be started here (a sandbox, a broken bundle): say why
        failure = f"{type(error).__name__}: {error}"
    with _lock:
        _starting = False
        if failure is not None and _host is host:
            _host = None
    if failure is not None:
        _count_failure(failure)


def ready_host() -> TurnHost | None:
    """The host, if one is ready for a turn now; otherwise None (the turn runs on a thread here) and one starts."""
    host = _host
    if host is not None and host.alive and host.ready.is_set():
        return host
    if host is not None and host.alive and time.monotonic() - host.started_at > START_TIMEOUT_S:
        log.warning("the turn host was not ready after %.0f s; stopping it", START_TIMEOUT_S)
        host.kill()
    prestart()
    return None


def wait_until_ready(timeout: float) -> TurnHost | None:
    """For benchmarks and tests: starts a host if needed and waits for it."""
    prestart()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and enabled():
        if (host := ready_host()) is not None:
            return host
        time.sleep(0.01)
    return None


def _host_ended(host: TurnHost) -> None:
    global _host, _failed_starts
    with _lock:
        if _host is not host or _exiting:
            return  # a host this module did not start (tests), or the app is exiting: nothing to recover
        _host = None
    if host.ready.is_set():
        _failed_starts = 0
        log.warning("the turn host exited (code %s); starting a new one", host.process.exitcode)
        prestart()
    else:
        _count_failure(f"it exited with code {host.process.exitcode} before it was ready")


def _count_failure(reason: str) -> None:
    global _failed_starts, _gave_up
    _failed_starts += 1
    if _failed_starts >= MAX_FAILED_STARTS:
        _gave_up = reason
        log.warning("the turn host could not be started (%s); turns run in this process from now on", reason)
    else:
        log.warning("the turn host could not be started (%s); trying again", reason)
        prestart()


def _on_exit() -> None:
    # Before multiprocessing's own exit handler ends the daemon host: its end is not a death to recover from.
    global _exiting
    _exiting = True


atexit.register(_on_exit)


def _forget_connection(serial: int) -> None:
    host = _host
    if host is not None and host.alive:
        host.close_connection(serial)


on_close(_forget_connection)


def start_command(number: int, runtime: Any, info: ConnectionInfo, request: TurnRequest) -> protocol.StartTurn:
    """What the host needs for one turn. Resolves the credentials here (may block on an SSO refresh: call it on
    the turn's thread), so the host never reads a profile, a cache or the environment for them."""
    settings = info.settings
    key = settings.effective_api_key
    secrets = protocol.TurnSecrets(None if settings.uses_api_key else info.resolved_credentials(),
                                   key.secret if key is not None else None)
    return protocol.StartTurn(number, info.serial, replace(settings, api_key=None),
                              context_for(runtime, "turn", request.model.invoke_id), request,
                              request_headers(runtime), info.environment, secrets)

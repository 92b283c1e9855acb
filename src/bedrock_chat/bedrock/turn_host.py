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
import os
import threading
import time
from dataclasses import replace
from typing import Any

from bedrock_chat.bedrock import host_protocol as protocol
from bedrock_chat.bedrock.error_context import context_for
from bedrock_chat.bedrock.host_process import TurnHost
from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.bedrock.session import ConnectionInfo, on_close, request_headers

log = logging.getLogger(__name__)

SWITCH_VARIABLE = "BEDROCK_CHAT_TURN_PROCESS"
"""``0``: every turn runs on a thread of the app's process (how it was before the host; benchmarks compare)."""
MAX_FAILED_STARTS = 3
START_TIMEOUT_S = 60.0  # a host not ready by then (a machine thrashing, an import hanging) counts as failed

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
        host = TurnHost(on_ready=_prepare_open_connections, on_end=_host_ended)
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


_open_connections: dict[int, ConnectionInfo] = {}


def prepare(info: ConnectionInfo) -> None:
    """The connection will carry turns: the host builds its client now, or as soon as it is ready, so the
    connection's first turn does not wait ~8 ms for botocore to build one."""
    if not enabled():
        return
    with _lock:
        _open_connections[info.serial] = info
        host = _host
    if host is not None and host.alive and host.ready.is_set():
        host.prepare(info)


def _prepare_open_connections(host: TurnHost) -> None:
    with _lock:
        connections = list(_open_connections.values())
    for info in connections:
        host.prepare(info)


def _forget_connection(serial: int) -> None:
    with _lock:
        _open_connections.pop(serial, None)
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

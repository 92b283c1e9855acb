"""The turn host process itself: runs turns with botocore (signing, retries, event-stream decoding) and sends
what they produce to the app in small batches, so the decoding never holds the app's GIL.

Started by ``bedrock.turn_host`` with multiprocessing's spawn context. Each turn runs on a thread of its own with
a ``CancelToken``, exactly as ``bedrock.turn.run_turn`` runs in the app; the main thread reads commands and ends
the process the moment the app's end of the pipe closes (the app exited or was killed).
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from bedrock_chat.bedrock import host_protocol as protocol

if TYPE_CHECKING:
    from bedrock_chat.bedrock.cancel import CancelToken
    from bedrock_chat.bedrock.session import HeldCredentials
    from bedrock_chat.core.events import StreamEvent

# How long the first report of a batch waits for more: a quarter of a frame, so text still reaches the screen
# in the frame it arrived in, while a full-speed stream costs the app a few hundred batches a second.
BATCH_S = 0.004


class Outbox:
    """Reports from every turn thread, joined and sent as one pickled batch by a sender thread of its own.

    ``put`` takes no lock: ``deque.append`` is atomic, and a lock (with a condition to wake the sender) per event
    made the host's side of a full-speed turn about a fifth slower than decoding alone (paired rounds against
    the replayed prose reply, docs/performance.md). The sender joins consecutive text of a turn when it sends.
    """

    def __init__(self, events: Connection) -> None:
        self._events = events
        self._queue: deque[tuple[int, str, object, float]] = deque()
        self._wake = threading.Event()
        self._last = threading.Event()  # a turn's last report: sent without waiting out the batch interval
        threading.Thread(target=self._send_forever, name="turn-host-sender", daemon=True).start()

    def put(self, number: int, kind: str, payload: object = None) -> None:
        # The time goes with the report: for text, when its first part was decoded is when its wait starts.
        self._queue.append((number, kind, payload, time.monotonic()))
        if not self._wake.is_set():
            self._wake.set()

    def put_last(self, number: int) -> None:
        """The turn is over (``RELEASED``): nothing more will join this batch from it, so the batch goes now and
        the reply ends on screen without waiting out the batch interval."""
        self.put(number, protocol.RELEASED)
        self._last.set()

    def _send_forever(self) -> None:
        while True:
            self._wake.wait()
            self._last.wait(BATCH_S)
            self._last.clear()
            self._wake.clear()  # before taking the reports: one put after this wakes the next round
            batch = _joined(self._take_all())
            if not batch:
                continue
            try:
                self._events.send_bytes(_pickled(batch))
            except (OSError, ValueError):
                os._exit(0)  # the app is gone: nobody to report to

    def _take_all(self) -> list[tuple[int, str, object, float]]:
        items = []
        take = self._queue.popleft
        while True:
            try:
                items.append(take())
            except IndexError:
                return items


def _joined(items: list[tuple[int, str, object, float]]) -> list[protocol.Report]:
    """Consecutive text (or reasoning) of one turn as one report: (text, when its first part was decoded)."""
    batch: list[protocol.Report] = []
    parts: list[str] = []
    for number, kind, payload, at in items:
        textual = kind in (protocol.TEXT, protocol.REASONING)
        if textual and parts and batch[-1][0] == number and batch[-1][1] == kind:
            parts.append(str(payload))
            continue
        if parts:
            batch[-1] = (batch[-1][0], batch[-1][1], ("".join(parts), batch[-1][2]))
            parts = []
        if textual:
            parts = [str(payload)]
            batch.append((number, kind, at))
        else:
            batch.append((number, kind, payload))
    if parts:
        batch[-1] = (batch[-1][0], batch[-1][1], ("".join(parts), batch[-1][2]))
    return batch


def _pickled(batch: list[protocol.Report]) -> bytes:
    try:
        return pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # a report that cannot travel: its turn fails with a message, the rest go on
        logging.getLogger(__name__).warning("a report could not be sent: %r", error)
        kept: list[protocol.Report] = []
        for number, kind, payload in batch:
            try:
                pickle.dumps(payload)
            except Exception:
                from bedrock_chat.bedrock.errors import describe_error

                payload, kind = describe_error(error), protocol.FAILED
            kept.append((number, kind, payload))
        return pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)


class _ForwardToApp(logging.Handler):
    """Warnings of the host go to the app's own log (the host has no log file of its own)."""

    def __init__(self, outbox: Outbox) -> None:
        super().__init__(logging.WARNING)
        self._outbox = outbox

    def emit(self, record: logging.LogRecord) -> None:
        self._outbox.put(0, protocol.LOG, (record.levelno, record.name, record.getMessage()))


_turn_headers = threading.local()


def _add_turn_headers(request: Any, **_: Any) -> None:
    for name, value in getattr(_turn_headers, "value", {}).items():
        request.headers[name] = value


class Host:
    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox
        self._lock = threading.Lock()
        self._tokens: dict[int, CancelToken] = {}
        self._clients: dict[int, tuple[Any, HeldCredentials]] = {}
        self._clients_lock = threading.Lock()  # building a client takes a while; a Stop must not wait for it
        self._closed: set[int] = set()

    def handle(self, command: protocol.Command) -> None:
        if isinstance(command, protocol.StartTurn):
            from bedrock_chat.bedrock.cancel import CancelToken

            token = CancelToken()
            with self._lock:
                self._tokens[command.number] = token  # before the thread starts: a Stop right away finds it
            threading.Thread(target=self._run, args=(command, token), name=f"bedrock-turn-{command.number}",
                             daemon=True).start()
        elif isinstance(command, protocol.CancelTurn):
            with self._lock:
                cancelled = self._tokens.get(command.number)
            if cancelled is not None:
                cancelled.cancel()
        elif isinstance(command, protocol.PrepareConnection):
            threading.Thread(target=self._prepare, args=(command,), name="turn-host-prepare", daemon=True).start()
        elif isinstance(command, protocol.CloseConnection):
            with self._clients_lock:
                self._closed.add(command.connection)  # a preparation still under way must not keep its client
                entry = self._clients.pop(command.connection, None)
            if entry is not None:
                entry[0].close()

    def _client(self, start: protocol.StartTurn) -> Any:
        client, held = self._connection_client(protocol.PrepareConnection(
            start.connection, start.settings, start.environment, start.secrets.api_key))
        held.hold(start.secrets.credentials)
        return client

    def _prepare(self, command: protocol.PrepareConnection) -> None:
        try:
            self._connection_client(command)
        except Exception as error:  # the connection's first turn builds it again and says what fails, and how
            logging.getLogger(__name__).warning("a connection could not be prepared (%s)",
                                                type(error).__name__)
        else:
            self._outbox.put(0, protocol.PREPARED, command.connection)

    def _connection_client(self, spec: protocol.PrepareConnection) -> tuple[Any, HeldCredentials]:
        from bedrock_chat.bedrock.api_key import ApiKey
        from bedrock_chat.bedrock.session import HeldCredentials, host_runtime_client

        with self._clients_lock:
            entry = self._clients.get(spec.connection)
            if entry is None:
                # botocore reads proxies, the CA bundle and endpoint variables when a client is built: build it in
                # the environment the app built its own in (only this lock's holder builds clients).
                os.environ.clear()
                os.environ.update(spec.environment)
                key = spec.api_key
                settings = replace(spec.settings, api_key=ApiKey(key) if key else None)
                held = HeldCredentials()
                client = host_runtime_client(settings, held)
                client.meta.events.register("before-sign.*.*", _add_turn_headers, unique_id="turn-host-headers")
                entry = (client, held)
                if spec.connection not in self._closed:
                    self._clients[spec.connection] = entry
        return entry

    def _run(self, start: protocol.StartTurn, token: CancelToken) -> None:
        from bedrock_chat.bedrock.errors import describe_error
        from bedrock_chat.bedrock.turn import TurnCancelled, run_turn
        from bedrock_chat.core.events import ReasoningDelta, TextDelta

        number, outbox = start.number, self._outbox

        def emit(event: StreamEvent) -> None:
            # Once per event: nothing here that can be done once per turn. A cancelled turn is not checked here:
            # run_turn checks before each event, and the app ignores what a stopped turn still reports.
            if isinstance(event, TextDelta):
                if event.text:
                    outbox.put(number, protocol.TEXT, event.text)
            elif isinstance(event, ReasoningDelta):
                if event.text:
                    outbox.put(number, protocol.REASONING, event.text)
            else:
                outbox.put(number, protocol.EVENT, event)

        _turn_headers.value = start.headers
        try:
            run_turn(self._client(start), start.request, emit, token)
        except TurnCancelled:
            pass
        except Exception as error:  # described here, with the app's context, into a message the app shows
            if not token.cancelled:
                outbox.put(number, protocol.FAILED, describe_error(error, context=start.context))
        else:
            if not token.cancelled:
                outbox.put(number, protocol.FINISHED)
        finally:
            with self._lock:
                self._tokens.pop(number, None)
            outbox.put_last(number)


def _warm_up(outbox: Outbox) -> None:
    """Loads botocore and the runtime's service model before saying ready, so a turn never waits for imports."""
    from bedrock_chat.bedrock import errors, turn  # noqa: F401
    from bedrock_chat.bedrock.connection import ConnectionSettings
    from bedrock_chat.bedrock.session import HeldCredentials, host_runtime_client

    host_runtime_client(ConnectionSettings(endpoint_url="http://127.0.0.1:9", offline=True), HeldCredentials()).close()
    outbox.put(0, protocol.READY)


def host_main(commands: Connection, events: Connection) -> None:
    """The process's target: serves commands until the app's end of the pipe closes, then exits at once."""
    from bedrock_chat.bedrock.connection import CREDENTIAL_VARIABLES

    # The host never reads a credential itself (each turn brings what the app resolved), so it drops every
    # variable that may hold one before botocore can look.
    for name in CREDENTIAL_VARIABLES:
        os.environ.pop(name, None)
    # Ctrl+C in a terminal reaches the whole process group: the app closes its window (saving the reply) and
    # this process ends when the app's end of the pipe closes, without a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.setswitchinterval(0.002)  # the sender thread gets the GIL soon after its batch interval
    outbox = Outbox(events)
    logging.getLogger().addHandler(_ForwardToApp(outbox))
    logging.getLogger().setLevel(logging.WARNING)
    host = Host(outbox)
    threading.Thread(target=_warm_up, args=(outbox,), name="turn-host-warm-up", daemon=True).start()
    while True:
        try:
            command = pickle.loads(commands.recv_bytes())
        except (EOFError, OSError):
            os._exit(0)  # daemon turn threads hold nothing to save; skipping teardown ends the process now
        try:
            host.handle(command)
        except Exception:  # one bad command must not end every turn
            logging.getLogger(__name__).warning("a command failed", exc_info=True)

"""The turn host process and the two threads of the app that talk to it. ``bedrock.turn_host`` keeps the app's
one host (starts, restarts, gives up); ``bedrock.turn_host_main`` is the process itself."""

from __future__ import annotations

import logging
import multiprocessing
import pickle
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol, cast

from bedrock_chat.bedrock import host_protocol as protocol
from bedrock_chat.bedrock.session import ConnectionInfo
from bedrock_chat.bedrock.turn_host_main import host_main
from bedrock_chat.bedrock.user_error import UserError

log = logging.getLogger(__name__)

HOST_DIED = UserError("The connection process stopped unexpectedly", "The text that arrived is kept.",
                      "Retry; a new connection process has been started.", True)


class TurnSink(Protocol):
    """Whoever shows a turn: called on the host's reader thread with each report (``host_protocol`` kinds)."""

    def deliver(self, kind: str, payload: object) -> None: ...


class TurnHost:
    """One child process and the two threads that talk to it."""

    def __init__(self, on_ready: Callable[[TurnHost], None] | None = None,
                 on_end: Callable[[TurnHost], None] | None = None) -> None:
        """``on_ready`` is called on the reader thread once the host can take turns; ``on_end`` once it has
        ended and its turns have failed (``bedrock.turn_host`` starts another)."""
        self._on_ready, self._on_end = on_ready, on_end
        context = multiprocessing.get_context("spawn")
        host_commands, self._commands = context.Pipe(duplex=False)
        self._events, host_events = context.Pipe(duplex=False)
        self.process: Any = context.Process(target=host_main, args=(host_commands, host_events),
                                            name="bedrock-chat-turn-host", daemon=True)
        self.ready = threading.Event()
        self.prepared: set[int] = set()
        """Serials of the connections whose client the host has built ahead of their first turn."""
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

    def prepare(self, info: ConnectionInfo) -> None:
        key = info.settings.effective_api_key
        self._outgoing.put(_pickled(protocol.PrepareConnection(
            info.serial, replace(info.settings, api_key=None), info.environment, key.secret if key else None)))

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
                        if self._on_ready is not None:
                            self._on_ready(self)
                    elif kind == protocol.PREPARED:
                        self.prepared.add(cast(int, payload))
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
        if self._on_end is not None:
            self._on_end(self)


def _pickled(command: protocol.Command) -> bytes:
    return pickle.dumps(command, protocol=pickle.HIGHEST_PROTOCOL)

"""Runs each turn in the turn host process (or, until one is ready, on a plain daemon thread of its own) and
reports what happens through typed Qt signals.

A turn stuck in a connect or a retry back-off never delays the next one, and closing the window never waits
for it. Text deltas are buffered under a lock and announced with at most one pending
signal, so a reply streaming at full speed costs the GUI thread one drain per frame rather than one slot call
per token.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QObject, Signal

from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.core.events import (
    GuardrailIntervened,
    MessageStopped,
    ReasoningComplete,
    ReasoningDelta,
    RequestServed,
    ResponseStarted,
    ServiceMetrics,
    StreamEvent,
    TextDelta,
    Usage,
)

if TYPE_CHECKING:  # botocore loads off the GUI thread, after the first frame
    from bedrock_chat.bedrock.cancel import CancelToken


class DeltaBuffer:
    """Text and reasoning that arrived but the GUI thread has not yet shown."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._text: list[str] = []
        self._reasoning: list[str] = []
        self._pending_since = 0.0
        self.last_wait_s = 0.0
        """How long the text of the latest drain waited to be shown (benchmarks read it)."""

    def add(self, text: str, reasoning: bool, since: float | None = None) -> bool:
        """Returns True when the buffer was empty, i.e. the GUI thread needs a wake-up. ``since``: when the text
        was decoded, if earlier than now (the turn host's batching), so the waiting time reported includes it."""
        with self._lock:
            was_empty = not self._text and not self._reasoning
            if was_empty:
                self._pending_since = time.monotonic() if since is None else since
            (self._reasoning if reasoning else self._text).append(text)
            return was_empty

    def drain(self, limit: int | None = None) -> tuple[str, str]:
        """(reasoning, text) collected since the last drain; at most ``limit`` characters of text.

        What is left stays pending since the same moment, so the waiting time it reports stays honest.
        """
        with self._lock:
            reasoning, text = "".join(self._reasoning), "".join(self._text)
            self._reasoning.clear()
            self._text.clear()
            if limit is not None and len(text) > limit:
                text, rest = text[:limit], text[limit:]
                self._text.append(rest)
            if reasoning or text:
                self.last_wait_s = time.monotonic() - self._pending_since
        return reasoning, text

    def pending(self) -> bool:
        with self._lock:
            return bool(self._text or self._reasoning)


class TurnSignals(QObject):
    """What turn threads report; each signal carries the turn's number, so an abandoned turn is ignored."""

    started = Signal(int, str, float)
    """The service accepted the request: turn, request id (may be empty) and the monotonic time."""
    deltas_available = Signal(int)
    """New text or reasoning is waiting in the turn's ``DeltaBuffer``."""
    usage_received = Signal(int, object)
    """A core ``Usage`` report."""
    metrics_received = Signal(int, object)
    """A core ``ServiceMetrics`` report."""
    stop_reason_received = Signal(int, object)
    """The model's own ``StopReason``."""
    details_received = Signal(int, object)
    """A ``ReasoningComplete`` block, a ``GuardrailIntervened`` trace or how the request was ``RequestServed``."""
    finished = Signal(int, float)
    """The reply ended normally, at this monotonic time."""
    failed = Signal(int, object, float)
    """A ``UserError`` describing what went wrong and what to do."""
    thread_ended = Signal(int)
    """The turn's thread is done with its client (also after Stop, once botocore has let go)."""


_signals: TurnSignals | None = None


def turn_signals() -> TurnSignals:
    """One emitter for the whole process, created on the GUI thread and never deleted, so a thread that
    outlives its window never emits through a destroyed object."""
    global _signals
    if _signals is None:
        _signals = TurnSignals()
    return _signals


class TurnRunner:
    """One turn: sent to the turn host process (``bedrock.turn_host``) when one is ready, else run on a daemon
    thread here as before; reported through ``TurnSignals`` either way, and quiet once it is cancelled."""

    def __init__(self, number: int, runtime: Any, request: TurnRequest, cancel: CancelToken,
                 buffer: DeltaBuffer) -> None:
        self.number = number
        self.runtime = runtime
        self.cancel = cancel
        self.buffer = buffer
        self.in_host = False
        """Whether the turn went to the turn host (set once its thread has decided; tests and benchmarks read it)."""
        self._request = request
        self._signals = turn_signals()
        self.thread = threading.Thread(target=self._run, name=f"bedrock-turn-{number}", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _emit(self, signal: Any, *args: object) -> None:
        if not self.cancel.cancelled:  # what a stopped turn says is never shown
            signal.emit(self.number, *args)

    def _emit_event(self, event: StreamEvent) -> None:
        signals = self._signals
        if isinstance(event, TextDelta | ReasoningDelta):
            if event.text and self.buffer.add(event.text, isinstance(event, ReasoningDelta)):
                self._emit(signals.deltas_available)
        elif isinstance(event, Usage):
            self._emit(signals.usage_received, event)
        elif isinstance(event, ServiceMetrics):
            self._emit(signals.metrics_received, event)
        elif isinstance(event, MessageStopped):
            self._emit(signals.stop_reason_received, event.reason)
        elif isinstance(event, ReasoningComplete | GuardrailIntervened | RequestServed):
            self._emit(signals.details_received, event)
        elif isinstance(event, ResponseStarted):
            self._emit(signals.started, event.request_id or "", time.monotonic())

    def _run(self) -> None:
        from bedrock_chat.bedrock import turn_host
        from bedrock_chat.bedrock.session import connection_of

        host, info = turn_host.ready_host(), connection_of(self.runtime)
        if host is None or info is None:  # not started yet, given up, or a client built outside a connection
            self._run_here()
            return
        self.in_host = True
        try:
            host.submit(turn_host.start_command(self.number, self.runtime, info, self._request), self)
        except Exception as error:  # resolving the credentials failed (an expired SSO sign-in): as a call would
            self._fail(error)
            self._signals.thread_ended.emit(self.number)
            return
        self.cancel.on_cancel(lambda: host.cancel(self.number))

    def deliver(self, kind: str, payload: object) -> None:
        """A report of the turn host about this turn, on its reader thread (``bedrock.host_protocol`` kinds)."""
        signals = self._signals
        if kind in {"text", "reasoning"}:  # bedrock.host_protocol kinds (it loads botocore: not imported here)
            text, since = cast("tuple[str, float]", payload)
            if text and self.buffer.add(text, kind == "reasoning", since):
                self._emit(signals.deltas_available)
        elif kind == "event":
            self._emit_event(payload)  # type: ignore[arg-type]
        elif kind == "finished":
            self._emit(signals.finished, time.monotonic())
        elif kind == "failed":
            self._emit(signals.failed, payload, time.monotonic())
        elif kind == "released":
            signals.thread_ended.emit(self.number)

    def _fail(self, error: Exception) -> None:
        from bedrock_chat.bedrock.error_context import context_for
        from bedrock_chat.bedrock.errors import describe_error

        context = context_for(self.runtime, "turn", self._request.model.invoke_id)
        self._emit(self._signals.failed, describe_error(error, context=context), time.monotonic())

    def _run_here(self) -> None:
        from bedrock_chat.bedrock.turn import TurnCancelled, run_turn

        try:
            run_turn(self.runtime, self._request, self._emit_event, self.cancel)
        except TurnCancelled:
            pass  # the controller ended the turn when Stop was pressed
        except Exception as error:  # every failure becomes a message in the window, never a traceback
            self._fail(error)
        else:
            self._emit(self._signals.finished, time.monotonic())
        finally:
            self._signals.thread_ended.emit(self.number)

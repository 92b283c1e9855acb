"""Runs turns on a background thread and reports what happens through typed Qt signals.

Text deltas are buffered under a lock and announced with at most one pending signal, so a reply streaming
at full speed costs the GUI thread one drain per frame rather than one slot call per token.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, QThread, Signal, Slot

from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.core.events import (
    MessageStopped,
    ReasoningDelta,
    ResponseStarted,
    ServiceMetrics,
    StreamEvent,
    TextDelta,
    Usage,
)


class DeltaBuffer:
    """Text and reasoning that arrived but the GUI thread has not yet shown."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._text: list[str] = []
        self._reasoning: list[str] = []
        self._pending_since = 0.0
        self.last_wait_s = 0.0
        """How long the text of the latest drain waited to be shown (benchmarks read it)."""

    def add(self, text: str, reasoning: bool) -> bool:
        """Returns True when the buffer was empty, i.e. the GUI thread needs a wake-up."""
        with self._lock:
            was_empty = not self._text and not self._reasoning
            if was_empty:
                self._pending_since = time.monotonic()
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


class TurnWorker(QObject):
    """Lives on its own QThread; ``run`` is invoked through a queued signal from the window."""

    started = Signal(str, float)
    """The service accepted the request: request id (may be empty) and the monotonic time."""
    deltas_available = Signal()
    """New text or reasoning is waiting in ``buffer``."""
    usage_received = Signal(object)
    """A core ``Usage`` report."""
    metrics_received = Signal(object)
    """A core ``ServiceMetrics`` report."""
    stop_reason_received = Signal(object)
    """The model's own ``StopReason``."""
    finished = Signal(float)
    """The reply ended normally, at this monotonic time."""
    cancelled = Signal(float)
    """The user stopped the reply."""
    failed = Signal(object, float)
    """A ``UserError`` describing what went wrong and what to do."""

    def __init__(self) -> None:
        super().__init__()
        self.buffer = DeltaBuffer()

    def _emit_event(self, event: StreamEvent) -> None:
        if isinstance(event, TextDelta | ReasoningDelta):
            if event.text and self.buffer.add(event.text, isinstance(event, ReasoningDelta)):
                self.deltas_available.emit()
        elif isinstance(event, Usage):
            self.usage_received.emit(event)
        elif isinstance(event, ServiceMetrics):
            self.metrics_received.emit(event)
        elif isinstance(event, MessageStopped):
            self.stop_reason_received.emit(event.reason)
        elif isinstance(event, ResponseStarted):
            self.started.emit(event.request_id or "", time.monotonic())

    @Slot(object, object, object)
    def run(self, runtime: object, request: TurnRequest, cancel: object) -> None:
        from bedrock_chat.bedrock.errors import context_for, describe_error
        from bedrock_chat.bedrock.turn import CancelToken, TurnCancelled, run_turn

        assert isinstance(cancel, CancelToken)
        try:
            run_turn(runtime, request, self._emit_event, cancel)
        except TurnCancelled:
            self.cancelled.emit(time.monotonic())
        except Exception as error:  # every failure becomes a message in the window, never a traceback
            context = context_for(runtime, "turn", request.model.invoke_id)
            self.failed.emit(describe_error(error, context=context), time.monotonic())
        else:
            self.finished.emit(time.monotonic())


class WorkerThread:
    """Owns the QThread and its worker; ``shutdown`` is safe to call more than once."""

    def __init__(self) -> None:
        self.thread = QThread()
        self.thread.setObjectName("bedrock-turns")
        self.worker = TurnWorker()
        self.worker.moveToThread(self.thread)
        self.thread.start()

    def shutdown(self) -> None:
        if self.thread.isRunning():
            self.thread.quit()
            self.thread.wait(5000)

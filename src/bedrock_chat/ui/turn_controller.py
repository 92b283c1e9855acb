"""The turn lifecycle: starts a reply, shows what arrives a frame at a time, and ends it however it ends.

Stop ends the turn in the window at once, at any phase (connecting, waiting for headers, streaming, a
non-streaming call, a retry back-off): the token shuts the turn's socket and refuses any retry, and the turn's
thread is abandoned, so anything it reports later is ignored and the next prompt can go out immediately.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.core.catalog import ModelInfo
from bedrock_chat.core.conversation import Conversation, Message, MessageState, utc_now
from bedrock_chat.core.events import ServiceMetrics, StopReason, Usage
from bedrock_chat.core.reply_details import apply_detail
from bedrock_chat.core.stats import ReplyStats, SessionTotals
from bedrock_chat.ui.coalescer import FrameCoalescer
from bedrock_chat.ui.worker import DeltaBuffer, TurnRunner, turn_signals

if TYPE_CHECKING:  # botocore loads off the GUI thread, after the first frame
    from bedrock_chat.bedrock.cancel import CancelToken

REPLY_SAVE_INTERVAL_S = 1.0
STATS_INTERVAL_MS = 100
# A frame's share of work for the reply in flight: what arrives faster than this is shown over the next frames.
# Appending is plain text only (ui/streaming_reply), so this is cheap per character; with the turn host's pace a
# 4 ms budget of 2 KB slices let text wait 0.2-0.7 s (p99) before it was shown, 12 ms of 4 KB 56-74 ms.
FRAME_BUDGET_S = 0.012
SLICE_CHARS = 4096

_numbers = itertools.count(1)  # process-wide, so a turn of another window is never taken for this one's


@dataclass
class _Turn:
    number: int
    reply: Message
    model: ModelInfo
    stats: ReplyStats
    cancel: CancelToken
    buffer: DeltaBuffer = field(default_factory=DeltaBuffer)
    pending_end: tuple[MessageState, float, object | None] | None = None  # state, when, the error if failed
    last_save: float = 0.0


class TurnController(QObject):
    """Owns the reply in flight; the window shows what its signals say and saves what they carry."""

    reply_started = Signal(object)
    """A reply ``Message`` was begun (empty, state STREAMING) and should be shown and saved."""
    text_arrived = Signal(str, str)
    """(reasoning, text) of the reply in flight, to append to what is shown."""
    reply_progressed = Signal(object)
    """The reply in flight grew; emitted at most once a second so it can be saved as it happens."""
    stats_changed = Signal(object, object)
    """(``ReplyStats``, ``Pricing`` or None) of the reply in flight, ten times a second."""
    reply_failed = Signal(object, object)
    """The reply failed: the ``Message`` and the ``UserError`` to show (its text, and details behind a toggle).
    ``reply_finished`` follows."""
    reply_finished = Signal(object, object, object)
    """The reply ended in any way (its state says which): the ``Message``, its final ``ReplyStats`` and the
    model's ``Pricing`` (or None)."""
    busy_changed = Signal(bool)
    """A reply started (True) or ended (False)."""
    status_changed = Signal(str, int)
    """A status line and how long to show it in milliseconds (0: until replaced)."""
    runtime_released = Signal(object)
    """No turn thread uses this runtime client any more (an earlier connection's client can be closed)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_totals = SessionTotals()
        self._turn: _Turn | None = None
        self._threads: dict[int, TurnRunner] = {}  # every turn thread still alive, abandoned ones included
        self._coalescer = FrameCoalescer(self._flush, self)
        self.outcome_status = ""
        """The status line the last reply ended with ("Reply finished."): about its conversation only."""
        self._stats_timer = QTimer(self)
        self._stats_timer.setInterval(STATS_INTERVAL_MS)
        self._stats_timer.timeout.connect(self._emit_stats)
        signals = turn_signals()
        # Bound methods of this GUI-thread object, never lambdas: a lambda would run on the turn's thread.
        signals.started.connect(self._on_started)
        signals.deltas_available.connect(self._on_deltas_available)
        signals.usage_received.connect(self._on_usage)
        signals.metrics_received.connect(self._on_metrics)
        signals.stop_reason_received.connect(self._on_stop_reason)
        signals.details_received.connect(self._on_details)
        signals.finished.connect(self._on_finished)
        signals.failed.connect(self._on_failed)
        signals.thread_ended.connect(self._on_thread_ended)

    # -- what the window asks ------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._turn is not None

    @property
    def reply(self) -> Message | None:
        """The reply in flight, if any."""
        return self._turn.reply if self._turn else None

    @property
    def stats(self) -> ReplyStats | None:
        return self._turn.stats if self._turn else None

    def uses(self, runtime: Any) -> bool:
        """Whether a turn thread (in flight or abandoned but not yet let go by botocore) uses this client."""
        return any(runner.runtime is runtime for runner in self._threads.values())

    def start(self, runtime: Any, request: TurnRequest, conversation: Conversation) -> Message | None:
        """Begins a reply to the conversation's last prompt with ``runtime``, the client it keeps to the end."""
        if self._turn is not None:
            return None
        from bedrock_chat.bedrock.cancel import CancelToken

        reply = conversation.start_reply(request.model.invoke_id, request.options.api,
                                         {**request.params.to_dict(), "streaming": request.streaming})
        turn = _Turn(next(_numbers), reply, request.model, ReplyStats(started_at=time.monotonic()), CancelToken())
        turn.last_save = time.monotonic()
        self._turn = turn
        runner = TurnRunner(turn.number, runtime, request, turn.cancel, turn.buffer)
        self._threads[turn.number] = runner
        self.reply_started.emit(reply)
        self.busy_changed.emit(True)
        self._stats_timer.start()
        self._emit_stats()
        self.status_changed.emit(f"Waiting for {request.model.name}…", 0)
        runner.start()
        return reply

    def stop(self) -> None:
        """Ends the reply now, keeping what arrived; the turn's connection is closed and never retried."""
        turn = self._turn
        if turn is None:
            return
        turn.cancel.cancel()
        if turn.pending_end is None:  # a reply that had already ended keeps how it ended
            turn.pending_end = (MessageState.STOPPED, time.monotonic(), None)
        self._flush(budget_s=None)

    def shutdown(self) -> Message | None:
        """The window is closing: cancels every turn without waiting and returns the reply in flight, ended.

        Nothing is emitted: the caller saves the returned message itself.
        """
        for runner in self._threads.values():
            runner.cancel.cancel()
        turn = self._turn
        if turn is None:
            return None
        self._drain(turn, budget_s=None)
        state, at, error = turn.pending_end or (MessageState.STOPPED, time.monotonic(), None)
        self._close_turn(turn, state, at, error)
        return turn.reply

    # -- what the turn threads report ----------------------------------------------------------------

    def _current(self, number: int) -> _Turn | None:
        turn = self._turn
        return turn if turn is not None and turn.number == number else None

    def _on_started(self, number: int, request_id: str, at: float) -> None:
        if (turn := self._current(number)) is not None:
            turn.stats.request_id = request_id or None
            self.status_changed.emit("Receiving…", 0)

    def _on_deltas_available(self, number: int) -> None:
        if self._current(number) is not None:
            self._coalescer.request()

    def _on_usage(self, number: int, usage: Usage) -> None:
        if (turn := self._current(number)) is not None:
            turn.stats.usage = turn.stats.usage.merged(usage)

    def _on_metrics(self, number: int, metrics: ServiceMetrics) -> None:
        if (turn := self._current(number)) is not None:
            turn.stats.service = turn.stats.service.merged(metrics)

    def _on_stop_reason(self, number: int, reason: StopReason) -> None:
        if (turn := self._current(number)) is not None:
            turn.stats.stop_reason = reason

    def _on_details(self, number: int, detail: object) -> None:
        if (turn := self._current(number)) is not None:
            apply_detail(turn.reply, turn.stats, detail)

    def _on_finished(self, number: int, at: float) -> None:
        self._end_when_shown(number, MessageState.COMPLETE, at)

    def _on_failed(self, number: int, error: object, at: float) -> None:
        self._end_when_shown(number, MessageState.FAILED, at, error)

    def _on_thread_ended(self, number: int) -> None:
        runner = self._threads.pop(number, None)
        if runner is not None and not self.uses(runner.runtime):
            self.runtime_released.emit(runner.runtime)

    # -- showing and ending --------------------------------------------------------------------------

    def _end_when_shown(self, number: int, state: MessageState, at: float, error: object | None = None) -> None:
        """The reply ends once the text that arrived before the end is on screen: now, unless there is more of it
        than a frame can show (waiting for the next frame's wake-up only made every reply end ~10 ms later)."""
        turn = self._current(number)
        if turn is not None and turn.pending_end is None:
            turn.pending_end = (state, at, error)
            self._flush()

    def _flush(self, budget_s: float | None = FRAME_BUDGET_S) -> None:
        """Shows what arrived, in slices, for at most ``budget_s`` per frame; the rest waits for the next."""
        turn = self._turn
        if turn is None:
            return
        self._drain(turn, budget_s)
        if turn.buffer.pending():
            self._coalescer.request()
        elif turn.pending_end is not None:
            self._end(turn, *turn.pending_end)

    def _drain(self, turn: _Turn, budget_s: float | None) -> None:
        deadline = time.perf_counter() + budget_s if budget_s is not None else None
        while True:
            reasoning, text = turn.buffer.drain(limit=SLICE_CHARS)
            if not (reasoning or text):
                break
            turn.reply.reasoning += reasoning
            turn.reply.text += text
            turn.stats.note_text(reasoning + text, time.monotonic())
            turn.stats.note_reasoning(reasoning)
            self.text_arrived.emit(reasoning, text)
            if deadline is not None and time.perf_counter() > deadline:
                break
        if turn.pending_end is None and time.monotonic() - turn.last_save >= REPLY_SAVE_INTERVAL_S:
            turn.last_save = time.monotonic()
            self.reply_progressed.emit(turn.reply)

    def _close_turn(self, turn: _Turn, state: MessageState, at: float, error: object | None) -> None:
        stats, reply = turn.stats, turn.reply
        stats.finish(at)
        if state == MessageState.STOPPED:
            stats.stop_reason = StopReason.STOPPED_BY_USER
        elif state == MessageState.FAILED:
            stats.stop_reason = StopReason.ERROR
        reply.state = state
        reply.error = str(error) if error is not None else None
        reply.stats = stats.to_dict(at)
        reply.finished_at = utc_now()
        self._turn = None
        self._stats_timer.stop()

    def _end(self, turn: _Turn, state: MessageState, at: float, error: object | None) -> None:
        self._close_turn(turn, state, at, error)
        if state != MessageState.FAILED:
            self.session_totals.add(turn.stats, turn.model.pricing)
        self.busy_changed.emit(False)
        if error is not None:
            self.reply_failed.emit(turn.reply, error)
        self.reply_finished.emit(turn.reply, turn.stats, turn.model.pricing)
        reason = turn.stats.stop_reason
        labels = {MessageState.COMPLETE: f"Reply {reason.label if reason else 'finished'}.",
                  MessageState.STOPPED: "Stopped; the partial reply is kept.",
                  MessageState.FAILED: "The reply failed; see the message above."}
        self.outcome_status = labels.get(state, "")
        self.status_changed.emit(self.outcome_status, 8000)

    def _emit_stats(self) -> None:
        if (turn := self._turn) is not None:
            self.stats_changed.emit(turn.stats, turn.model.pricing)

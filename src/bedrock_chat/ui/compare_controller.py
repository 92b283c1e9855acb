"""Runs one prompt in two or three columns at once: a ``TurnController`` per column, each on its own turn.

Each column's controller streams, saves and ends its reply exactly as the single-reply path does, so a fault in
one column (throttling, access denied, a dropped stream) ends only that column's turn. This object only starts
them together, marks their replies as one compare turn's answers, and says when the last one ended.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.core.compare import MAX_COLUMNS, new_group
from bedrock_chat.core.conversation import Conversation, Message
from bedrock_chat.ui.coalescer import FRAME_MS
from bedrock_chat.ui.turn_controller import FRAME_BUDGET_S, TurnController


class FrameShare(QObject):
    """Takes the columns' turns at showing their text, one column per frame, round robin.

    Each column's controller would otherwise spend a single reply's frame budget in the same frame as the others,
    so three columns at full speed made frames three times as long as one reply's. In turn, every frame does one
    reply's work at most, and each column's stream is as smooth as a single reply (at a third of its display rate
    when all three arrive faster than a screen can show them; at a model's real pace, no difference)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._waiting: deque[ColumnTurn] = deque()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._next)

    def request(self, turn: ColumnTurn) -> None:
        if turn not in self._waiting:
            self._waiting.append(turn)
        if not self._timer.isActive():
            self._timer.start(0 if len(self._waiting) == 1 else FRAME_MS)

    def _next(self) -> None:
        if self._waiting:
            self._waiting.popleft().flush_now()
        if self._waiting:
            self._timer.start(FRAME_MS)


class ColumnTurn(TurnController):
    """A column's turn: all of a single reply's behaviour; it shows its text when the ``FrameShare`` says."""

    def __init__(self, share: FrameShare, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._share = share

    def _flush(self, budget_s: float | None = FRAME_BUDGET_S) -> None:
        if budget_s is None:  # Stop shows everything at once, as for a single reply
            super()._flush(None)
        else:
            self._share.request(self)

    def flush_now(self) -> None:
        super()._flush(FRAME_BUDGET_S)


class CompareController(QObject):
    busy_changed = Signal(bool)
    """A compare started (True) or its last column ended (False)."""
    compare_finished = Signal(str)
    """Every column of the compare turn with this group id has ended (in any way)."""
    runtime_released = Signal(object)
    """No column's turn thread uses this runtime client any more."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._share = FrameShare(self)
        self.columns: list[TurnController] = [ColumnTurn(self._share, self) for _ in range(MAX_COLUMNS)]
        self.group: str | None = None
        self._running: set[int] = set()
        for index, turn in enumerate(self.columns):
            # Connected first, so the reply is marked before anyone shows or saves it.
            turn.reply_started.connect(self._mark_answer)
            turn.busy_changed.connect(lambda busy, index=index: self._on_column_busy(index, busy))
            turn.runtime_released.connect(self.runtime_released)

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def uses(self, runtime: Any) -> bool:
        return any(turn.uses(runtime) for turn in self.columns)

    def start(self, runtime: Any, requests: list[TurnRequest | None], conversation: Conversation) -> str | None:
        """Starts one turn per request (None: a column that cannot run, skipped). Every request was built from
        the same history before any reply was added, so no column sees another's answer."""
        if self.busy or not any(requests):
            return None
        self.group = new_group()
        started = [index for index, request in enumerate(requests[:MAX_COLUMNS]) if request is not None]
        self._running = set(started)
        self.busy_changed.emit(True)
        for index in started:
            request = requests[index]
            assert request is not None
            if self.columns[index].start(runtime, request, conversation) is None:
                self._on_column_busy(index, False)  # never started: it must not hold the compare open
        return self.group

    def stop(self) -> None:
        """Stop stops every column; each keeps what arrived."""
        for turn in self.columns:
            turn.stop()

    def shutdown(self) -> list[Message]:
        """The window is closing: every column's reply in flight, ended, for the caller to save; never waits."""
        replies = [turn.shutdown() for turn in self.columns]
        self._running.clear()
        return [reply for reply in replies if reply is not None]

    def _mark_answer(self, reply: Message) -> None:
        # An answer is an alternative until the person keeps it: none of them is sent back before that.
        reply.compare_group = self.group
        reply.alternative = True

    def _on_column_busy(self, index: int, busy: bool) -> None:
        if busy or index not in self._running:
            return
        self._running.discard(index)
        if not self._running:
            self.busy_changed.emit(False)
            if self.group is not None:
                self.compare_finished.emit(self.group)

"""The input-token and cost estimate beside the prompt, refreshed as the prompt and parameters change.

Debounced (one count per pause in typing) and counted off the GUI thread: Bedrock's CountTokens runs on a daemon
thread of its own and reports back through a queued signal; an answer for an older request is ignored. Where the
model has no CountTokens, or the call fails, about four characters a token is shown, marked "≈".
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel

from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.core.token_estimate import TokenEstimate, estimate, rough_tokens
from bedrock_chat.ui.rich_text import verbatim

ESTIMATE_DELAY_MS = 400


class RequestBuilder(Protocol):
    def build_request(self, prompt: str | None = None) -> TurnRequest | None: ...


class TextSource(Protocol):
    def toPlainText(self) -> str: ...


def make_estimate_label() -> QLabel:
    label = QLabel()
    label.setAccessibleName("Input token estimate")
    label.setToolTip("How many input tokens the next request will use, and what they cost.")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setStyleSheet("color: palette(placeholder-text); font-size: small;")
    return label


class _CountSignals(QObject):
    counted = Signal(int, int, object, object)
    """(estimator, generation, the TurnRequest, the count or the exception), from a counting thread."""


_signals: _CountSignals | None = None
_estimators = itertools.count(1)


def _count_signals() -> _CountSignals:
    """One emitter for the process, made on the GUI thread and never deleted: a count that returns after its
    window closed emits into nothing instead of through a destroyed object."""
    global _signals
    if _signals is None:
        _signals = _CountSignals()
    return _signals


class TokenEstimator(QObject):
    estimate_changed = Signal(object)
    """A new ``TokenEstimate`` for the prompt as it stands (or None when there is nothing to send)."""

    def __init__(self, label: QLabel, requests: RequestBuilder, prompt: TextSource,
                 runtime: Callable[[], Any | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._label = label
        self._requests = requests
        self._prompt = prompt
        self._runtime = runtime
        self._generation = 0
        self._number = next(_estimators)
        self.counting = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(ESTIMATE_DELAY_MS)
        self.timer.timeout.connect(self.refresh)
        _count_signals().counted.connect(self._on_counted, Qt.ConnectionType.QueuedConnection)

    def schedule(self, *_: object) -> None:
        """Something the request is made of changed; count once typing pauses."""
        self._generation += 1  # an answer still on its way is for an older request now
        self.timer.start()

    def refresh(self) -> None:
        self._generation += 1
        generation = self._generation
        self.counting = False
        prompt = self._prompt.toPlainText().strip()
        request = self._requests.build_request(prompt or None)
        if request is None or not request.history:
            self._show(None)
            return
        rough = estimate(rough_tokens(request.history, request.params.system_prompt), False, request.model.pricing,
                         "Estimated from the text (about four characters a token).")
        runtime = self._runtime()
        if runtime is None or not request.model.features.count_tokens:
            why = ("No connection yet" if runtime is None else f"{request.model.name} has no CountTokens on Bedrock")
            self._show(estimate(rough.tokens, False, request.model.pricing,
                                f"{why}: estimated from the text (about four characters a token)."))
            return
        self._show(rough)
        self.counting = True
        threading.Thread(target=_count, args=(self._number, generation, runtime, request), name="count-tokens",
                         daemon=True).start()

    def _on_counted(self, number: int, generation: int, request: TurnRequest, result: object) -> None:
        if number != self._number or generation != self._generation:
            return  # the prompt or the parameters changed since: a newer count is coming
        self.counting = False
        pricing = request.model.pricing
        if isinstance(result, int):
            self._show(estimate(result, True, pricing, f"Counted by Bedrock (CountTokens) for {request.model.name}."))
        else:
            rough = rough_tokens(request.history, request.params.system_prompt)
            reason = getattr(result, "response", {}).get("Error", {}).get("Message") or type(result).__name__
            self._show(estimate(rough, False, pricing, f"CountTokens failed ({str(reason)[:200]}): estimated from "
                                                       "the text (about four characters a token)."))

    def _show(self, current: TokenEstimate | None) -> None:
        if current is None:
            self._label.clear()
            self._label.setToolTip("How many input tokens the next request will use, and what they cost.")
        else:
            self._label.setText(current.label)
            # The note quotes the model name and CountTokens' error: text, never rich text in the tooltip.
            self._label.setToolTip(verbatim(current.note + " Input only: the reply's tokens are billed on top.",
                                            wrap=True))
        self.estimate_changed.emit(current)


def _count(estimator: int, generation: int, runtime: Any, request: TurnRequest) -> None:
    """On a counting thread: touches no Qt object but the process-wide emitter."""
    from bedrock_chat.bedrock.token_count import count_input_tokens

    try:
        result: object = count_input_tokens(runtime, request)
    except Exception as error:  # any failure falls back to the estimate; never a traceback
        result = error
    _count_signals().counted.emit(estimator, generation, request, result)

"""Paints the conversation at most about 60 times a second while a reply streams in.

While a reply streams, the document changes after every drained slice and every rendered piece, up to a few
hundred times a second, and Qt repainted the visible text after each change: 1.5–3 ms a time, a fifth of the GUI
thread's work for a long reply (bench/stream_render.py, stage "paint"), for frames no screen shows. While
``active`` says so, a paint that comes sooner than ``PAINT_INTERVAL_S`` after the last one is skipped and one
full repaint is scheduled for when the interval has passed, so what changed is on screen at most that much later.
While the person scrolls (wheel, keys, the scroll bar: its ``actionTriggered``), every paint goes through, so no
uncovered strip waits for the next interval.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QScrollBar, QWidget

PAINT_INTERVAL_S = 0.016
SCROLLING_S = 0.3  # after a scroll action, paints are not throttled for this long


class PaintThrottle(QObject):
    def __init__(self, widget: QWidget, active: Callable[[], bool], scroll_bar: QScrollBar) -> None:
        super().__init__(widget)
        self._widget = widget
        self._active = active
        self._last_paint = 0.0
        self._scrolled_at = 0.0
        scroll_bar.actionTriggered.connect(self._on_scroll_action)
        self._deferred = QTimer(self)
        self._deferred.setSingleShot(True)
        self._deferred.timeout.connect(widget.update)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The garbage collector clears a view's Python attributes before Qt destroys its widgets, and Qt still
        # sends events on the way down: then there is nothing to throttle.
        if watched is not vars(self).get("_widget") or event.type() != QEvent.Type.Paint:
            return False
        now = time.perf_counter()
        wait = PAINT_INTERVAL_S - (now - self._last_paint)
        if wait > 0 and now - self._scrolled_at > SCROLLING_S and self._active():
            if not self._deferred.isActive():
                self._deferred.start(max(1, round(wait * 1000)))
            return True  # skipped: the whole widget is painted when the interval has passed
        self._last_paint = now
        return False

    def _on_scroll_action(self, _action: int) -> None:
        self._scrolled_at = time.perf_counter()

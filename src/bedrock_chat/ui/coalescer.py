"""Collapses bursts of wake-ups into at most one call per frame (the idea of qutebrowser's throttle)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

FRAME_MS = 10


class FrameCoalescer(QObject):
    def __init__(self, callback: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._callback = callback
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._callback)

    def request(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

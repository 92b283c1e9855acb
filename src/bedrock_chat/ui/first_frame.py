"""Startup work that waits for the window's first frame (the conversation drawn, the connection made, the
renderer warmed up), so the window shows first; a fallback timer runs it for a window that is never shown."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from bedrock_chat.ui.call_soon import call_soon

FIRST_FRAME_FALLBACK_MS = 100  # a window that is never shown still connects


class AfterFirstFrame(QObject):
    """Runs ``work`` once: right after the window's first paint, or after the fallback delay."""

    def __init__(self, window: QWidget, work: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._work = work
        self.done = False
        window.installEventFilter(self)
        call_soon(self, self.run, FIRST_FRAME_FALLBACK_MS)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.done:
            call_soon(self, self.run)  # after the frame is on screen, not inside its painting
        return False

    def run(self) -> None:
        if self.done:
            return
        self.done = True
        self._window.removeEventFilter(self)
        self._work()

"""Hands results from worker threads to the GUI thread without emitting on objects that may be gone.

A worker thread that emits a signal of a dialog while the dialog is being destroyed crashes the process:
the emit touches the C++ object from the worker thread. Results go instead through one relay object that
lives as long as the program, and the GUI thread checks that the receiver still exists before calling it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Signal


class _Relay(QObject):
    delivered = Signal(object, object, object)
    """(receiver, function, arguments), emitted from any thread, handled on the GUI thread."""

    def __init__(self) -> None:
        super().__init__()
        self.delivered.connect(self._call)

    def _call(self, receiver: QObject, function: Callable[..., object], arguments: tuple[Any, ...]) -> None:
        if shiboken6.isValid(receiver):
            function(*arguments)


_relay: _Relay | None = None


def prepare_relay() -> None:
    """Creates the relay on the GUI thread; call it there before any worker thread may deliver."""
    global _relay
    if _relay is None:
        _relay = _Relay()
        app = QCoreApplication.instance()
        if app is not None:
            _relay.moveToThread(app.thread())


def deliver(receiver: QObject, function: Callable[..., object], *arguments: Any) -> None:
    """From any thread: calls ``function(*arguments)`` on the GUI thread, if ``receiver`` still exists then."""
    if _relay is None:
        raise RuntimeError("prepare_relay() was not called on the GUI thread")
    _relay.delivered.emit(receiver, function, arguments)

"""A call on a later turn of the event loop that goes away with the object it is for.

``QTimer.singleShot(0, view.method)`` still calls the method after the view was deleted (a window closed and
disposed of meanwhile): an exception in the event loop. ``QTimer.singleShot(0, view, view.method)`` does not call
it, but PySide then keeps the bound method, and so the view and all it holds, for the rest of the process
(PySide6 6.11: tests/ui/test_window_lifetime.py). A timer that is the object's child is deleted with it, and
with the timer goes its connection and the callable it held.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


def call_soon(owner: QObject, function: Callable[[], object], delay_ms: int = 0) -> None:
    """Calls ``function`` after ``delay_ms`` on the GUI thread, unless ``owner`` is deleted before then."""
    timer = QTimer(owner)
    timer.setSingleShot(True)
    timer.timeout.connect(function)
    timer.timeout.connect(timer.deleteLater)
    timer.start(delay_ms)

"""The keyboard focus goes back where it was when a dialog or popup closes.

A window manager gives the main window back its activation when a dialog closes, but not always its focus widget
(none does under a bare X server; Qt's own popup handling may leave the focus on the hidden popup's field): keys
typed next then reach nothing, or a widget nobody sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget


def return_focus(widget: QWidget | None, closing: QWidget | None = None) -> None:
    """Gives the focus back to ``widget`` when it is still there to take it and the focus is lost: nowhere, on a
    hidden widget, or inside ``closing`` (the dialog or popup being closed). A person who moved on keeps their place."""
    if widget is None or not shiboken6.isValid(widget) or not widget.isVisible() or not widget.isEnabled():
        return
    now = QApplication.focusWidget()
    lost = now is None or not now.isVisible() or (
        closing is not None and shiboken6.isValid(closing) and (now is closing or closing.isAncestorOf(now)))
    if not lost:
        return
    widget.window().activateWindow()
    widget.setFocus(Qt.FocusReason.OtherFocusReason)


@contextmanager
def focus_returns(closing: QWidget | None = None) -> Iterator[None]:
    """Around a modal dialog's ``exec()``: the widget that had the focus has it again once the dialog is closed."""
    before = QApplication.focusWidget()
    try:
        yield
    finally:
        return_focus(before, closing)

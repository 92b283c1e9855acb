"""One piece of long work (an import, an export) on a worker thread, with a progress dialog that can cancel it.

The window stays usable meanwhile: the dialog is not modal, and appears only when the work lasts (a small export
ends before it would show). The worker reports its steps and its result through ``gui_thread.deliver``, so
neither reaches a dialog that is being destroyed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QLabel, QProgressDialog, QWidget

from bedrock_chat.ui.focus_return import return_focus
from bedrock_chat.ui.gui_thread import deliver, prepare_relay

log = logging.getLogger(__name__)

SHOW_AFTER_MS = 300  # work that ends sooner shows no dialog at all


class ProgressJob(QObject):
    """Runs ``work`` on a thread named ``thread_name``; ``done(result)`` runs on the GUI thread afterwards, unless
    the window closed meanwhile. One at a time: ``running`` says whether one is under way."""

    progressed = Signal(int)
    """Work done so far, out of the dialog's maximum (on the GUI thread)."""

    def __init__(self, thread_name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread_name = thread_name
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._dialog: QProgressDialog | None = None
        self._focus_before: QWidget | None = None
        self._closed = False
        prepare_relay()  # the worker hands its progress and its result over through it

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, parent: QWidget, title: str, label: str, accessible_name: str, tooltip: str, maximum: int,
              work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """``maximum`` 0 shows a busy bar, for work whose length is not known ahead."""
        self._cancel.clear()
        self._focus_before = QApplication.focusWidget()
        self._dialog = dialog = QProgressDialog(label, "Cancel", 0, maximum, parent)
        line = QLabel(label)
        line.setTextFormat(Qt.TextFormat.PlainText)  # it may name a file: shown as it is, never read as markup
        dialog.setLabel(line)
        dialog.setWindowTitle(title)
        dialog.setAccessibleName(accessible_name)
        dialog.setToolTip(tooltip)
        # Not modal: the window stays usable (a reply can stream) while the worker runs.
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setMinimumDuration(SHOW_AFTER_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)
        dialog.setValue(0)
        self._thread = threading.Thread(target=self._run, args=(work, done), name=self._thread_name)
        self._thread.start()

    def cancelled(self) -> bool:
        """From the worker: whether to stop at the next step."""
        return self._cancel.is_set()

    def report(self, step: int) -> None:
        """From the worker: the work done so far, out of ``maximum``."""
        deliver(self, self._show_progress, step)

    def report_maximum(self, maximum: int) -> None:
        """From the worker: how many steps there are, once it knows (the dialog showed a busy bar until then)."""
        deliver(self, self._set_maximum, maximum)

    def cancel(self) -> None:
        self._cancel.set()

    def shutdown(self) -> None:
        """The window is closing: stop the worker at its next step and wait for it, before the store closes."""
        self._closed = True
        self._cancel.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        try:
            result = work()
        except Exception:  # each work reports its own failures; this only keeps the job from staying "running"
            log.exception("%s failed", self._thread_name)
            result, done = None, _ignore
        deliver(self, self._finish, result, done)

    def _show_progress(self, step: int) -> None:
        if self._dialog is not None:
            self._dialog.setValue(step)
        self.progressed.emit(step)

    def _set_maximum(self, maximum: int) -> None:
        if self._dialog is not None:
            self._dialog.setMaximum(maximum)

    def _finish(self, result: Any, done: Callable[[Any], None]) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._closed:
            return
        if self._dialog is not None:
            self._dialog.canceled.disconnect(self.cancel)
            self._dialog.close()
            return_focus(self._focus_before, self._dialog)  # Esc (Cancel) or the end: the keys go back there
            self._dialog.deleteLater()
            self._dialog = None
        done(result)


def _ignore(_: Any) -> None:
    pass

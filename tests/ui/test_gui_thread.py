"""Results from worker threads reach the GUI thread only while their receiver exists."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication, QPushButton

from bedrock_chat.ui.gui_thread import deliver, prepare_relay
from tests.ui.test_connection import named, open_dialog


def test_a_result_from_a_worker_thread_runs_on_the_gui_thread(qtbot):
    prepare_relay()
    receiver = QObject()
    calls: list[tuple[object, bool]] = []

    def record(value: object) -> None:
        calls.append((value, QThread.currentThread() is QApplication.instance().thread()))

    worker = threading.Thread(target=deliver, args=(receiver, record, "hello"))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(calls))
    assert calls == [("hello", True)]


def test_a_result_for_a_deleted_receiver_is_dropped(qtbot):
    prepare_relay()
    receiver = QObject()
    calls: list[object] = []
    shiboken6.delete(receiver)
    worker = threading.Thread(target=deliver, args=(receiver, calls.append, "late"))
    worker.start()
    worker.join()
    marker = QObject()
    done: list[object] = []
    deliver(marker, done.append, "after")  # queued behind the late one
    qtbot.waitUntil(lambda: bool(done))
    assert calls == []


def test_closing_the_connection_dialog_while_it_checks_is_safe(qtbot, make_window, paced_server):
    """The checks' thread once answered into a dialog being destroyed and crashed the process (1 full run in 5);
    the race is narrow, so this is a smoke test: the relay tests above pin the mechanism."""
    window = make_window(paced_server.url)
    for _ in range(8):
        dialog = open_dialog(qtbot, window)
        named(dialog, QPushButton, "Test connection").click()
        dialog.reject()
        shiboken6.delete(dialog)
        qtbot.wait(20)
    dialog = open_dialog(qtbot, window)  # the window still works afterwards
    with qtbot.waitSignal(dialog.checks_finished, timeout=30000):
        named(dialog, QPushButton, "Test connection").click()
    assert named(dialog, QPushButton, "Test connection").isEnabled()

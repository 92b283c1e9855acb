"""``bedrock-chat --self-check``: the whole app, once, without a person: does an installed copy or a bundle work?

It opens the real window offscreen on the built-in local endpoint, types a prompt, clicks Send, waits for the
streamed reply, reads it back from the database in a fresh connection, prints one line and exits 0; any failure
or a timeout prints one line saying what went wrong and exits 1.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bedrock_chat import __version__

if TYPE_CHECKING:  # typed against the real window, so a renamed widget or signal is a mypy error here
    from bedrock_chat.ui.main_window import MainWindow

PROMPT = "Self-check: what is the capital of Nepal?"
TIMEOUT_S = 90.0
EXIT_FAILED = 1


class SelfCheck:
    """Drives one turn through the window's own widgets and signals, and records the outcome."""

    def __init__(self, window: MainWindow, data_dir: Path, started: float) -> None:
        self.window = window
        self.data_dir = data_dir
        self.started = started
        self.result: str | None = None
        self.passed = False
        window.models_loaded.connect(self._on_models_loaded)
        window.reply_finished.connect(self._on_reply_finished)

    def _on_models_loaded(self, count: int) -> None:
        if self.result is not None or self.window.busy:
            return
        if not self.window.send_button.isEnabled() and self.window.current_model() is None:
            self._finish(False, f"the local endpoint listed {count} models but none could be selected")
            return
        self._send_once_the_turn_host_is_up()

    def _send_once_the_turn_host_is_up(self) -> None:
        """The reply goes through the turn host process, as a person's do: a bundle that cannot start it (a
        missing freeze_support, a module left out) fails here rather than quietly decoding in the window."""
        from PySide6.QtCore import QTimer

        from bedrock_chat.bedrock import turn_host

        if self.result is not None:
            return
        if turn_host.switched_off() or turn_host.ready_host() is not None:
            self.window.prompt.setPlainText(PROMPT)
            self.window.send_button.click()
        elif not turn_host.enabled():
            self._finish(False, f"the turn host process did not start: {turn_host.failure_reason()}")
        else:
            QTimer.singleShot(20, self._send_once_the_turn_host_is_up)

    def _on_reply_finished(self, reply: Any) -> None:
        if reply.state.value != "complete" or not reply.text:
            self._finish(False, f"the reply ended {reply.state.value}: {reply.error or 'no text'}")
            return
        saved = self._saved_text(reply.id)
        if saved != reply.text:
            self._finish(False, "the reply streamed but was not saved in the conversation database")
            return
        unreachable = self._second_start_unreachable()
        if unreachable:
            self._finish(False, f"a second start could not reach this window: {unreachable}")
            return
        elapsed = time.monotonic() - self.started
        from bedrock_chat.bedrock import turn_host

        where = "in this process (turn host switched off)" if turn_host.switched_off() else "through the turn host"
        self._finish(True, f"{reply.model_id} streamed {len(reply.text)} characters {where}, saved in "
                           f"{self.data_dir / 'conversations.sqlite3'} ({elapsed:.1f} s)")

    def _second_start_unreachable(self) -> str | None:
        """A second start asks the running copy, through the folder lock's local server, to come forward; a
        bundle without QtNetwork once started fine but could not answer."""
        try:
            from PySide6.QtNetwork import QLocalSocket

            from bedrock_chat.ui.folder_lock import server_name
        except ImportError as error:
            return str(error)
        socket = QLocalSocket()
        socket.connectToServer(server_name(self.data_dir))
        connected = socket.waitForConnected(2000)
        socket.abort()
        return None if connected else f"the folder lock is not listening ({socket.errorString()})"

    def _saved_text(self, message_id: str) -> str | None:
        """Reads the message back through a second connection: what another process would see."""
        import sqlite3

        try:
            with sqlite3.connect(self.data_dir / "conversations.sqlite3") as db:
                row = db.execute("SELECT text FROM messages WHERE id = ?", (message_id,)).fetchone()
        except sqlite3.Error:
            return None
        return str(row[0]) if row else None

    def watch_for_errors(self) -> None:
        """The window reports a failed connection in its banner; the check reads it there, as a person would."""
        if self.result is None and not self.window.models and self.window.error_banner.isVisible():
            self._finish(False, f"the model list did not load: {self.window.error_text.text().lstrip('⚠ ')}")

    def timed_out(self) -> None:
        if self.result is not None:
            return
        banner = self.window.error_text.text() if self.window.error_banner.isVisible() else ""
        stage = "a reply" if self.window.busy else "the model list"
        waited = f"no result after {TIMEOUT_S:.0f} s waiting for {stage}"
        self._finish(False, waited + (f": {banner}" if banner else ""))

    def _finish(self, passed: bool, detail: str) -> None:
        if self.result is not None:
            return
        self.passed = passed
        self.result = f"bedrock-chat {__version__} self-check {'passed' if passed else 'FAILED'}: {detail}"
        self.window.close()


def run(argv: list[str], data_dir: Path | None) -> int:
    """Runs the check with the command line given (its --data-dir, if any, is replaced). Returns the exit status."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a check needs no display, and must not flash a window
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from bedrock_chat.app import create_window, stop_local_endpoints

    started = time.monotonic()
    own_dir = data_dir is None
    folder = Path(tempfile.mkdtemp(prefix="bedrock-chat-self-check-")) if data_dir is None else data_dir
    try:
        window = create_window([*argv, "--offline", "--tokens-per-second", "0", "--data-dir", str(folder)])
        check = SelfCheck(window, folder, started)
        QTimer.singleShot(int(TIMEOUT_S * 1000), check.timed_out)
        watcher = QTimer(window)
        watcher.timeout.connect(check.watch_for_errors)
        watcher.start(200)
        window.show()
        app = QApplication.instance()
        assert app is not None
        app.exec()
    except Exception as error:  # the one line must still come out, and the process must end
        print(f"bedrock-chat {__version__} self-check FAILED: {type(error).__name__}: {error}", flush=True)
        return EXIT_FAILED
    finally:
        stop_local_endpoints()
        if own_dir:
            shutil.rmtree(folder, ignore_errors=True)
    print(check.result or f"bedrock-chat {__version__} self-check FAILED: the window closed before a result",
          flush=True)
    return 0 if check.passed else EXIT_FAILED

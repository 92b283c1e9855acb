"""Test connection and Reconnect through the window against the local endpoint: how long each takes, and the
longest the GUI thread went without handling events meanwhile (both run off the GUI thread).

Prints one JSON object: medians and maxima over N runs (default 10).

``--quick``: one run, no targets; it only proves the benchmark still works (CI runs it).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"


def main() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QPushButton

    from bedrock_chat.app import create_window
    from bedrock_chat.local_endpoint import LocalBedrockServer, ServerOptions

    runs = next((int(arg) for arg in sys.argv[1:] if arg.isdigit()), 1 if "--quick" in sys.argv else 10)
    app = QApplication.instance() or QApplication([])
    server = LocalBedrockServer(ServerOptions(tokens_per_second=0, first_token_delay=0)).start()
    window = create_window(["--offline", "--endpoint-url", server.url, "--data-dir", tempfile.mkdtemp()])
    window.show()

    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    ticker = QTimer()
    ticker.setInterval(2)
    ticker.timeout.connect(tick)
    ticker.start()

    def wait(condition: object, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
            app.processEvents()
            time.sleep(0.0005)

    wait(lambda: bool(window.models))
    test_s, test_gap, reconnect_s, reconnect_gap, idle_gap = [], [], [], [], []
    for _ in range(runs):
        gaps.clear()
        last[0] = idle_started = time.perf_counter()
        wait(lambda s=idle_started: time.perf_counter() - s > 0.3)  # the same loop, nothing to do: the baseline
        idle_gap.append(max(gaps, default=0.0))
        window.connection_action.trigger()
        wait(lambda: window.connection_dialog is not None)
        dialog = window.connection_dialog
        done: list[bool] = []
        dialog.checks_finished.connect(lambda d=done: d.append(True))
        button = next(b for b in dialog.findChildren(QPushButton) if b.accessibleName() == "Test connection")
        gaps.clear()
        last[0] = started = time.perf_counter()
        button.click()
        wait(lambda d=done: bool(d))
        test_s.append(time.perf_counter() - started)
        test_gap.append(max(gaps, default=0.0))
        dialog.reject()
        loaded: list[int] = []
        window.models_loaded.connect(loaded.append)
        gaps.clear()
        last[0] = started = time.perf_counter()
        window.connection_ctl.reconnect(window.connection.region, None)
        wait(lambda seen=loaded: bool(seen))
        reconnect_s.append(time.perf_counter() - started)
        reconnect_gap.append(max(gaps, default=0.0))
        window.models_loaded.disconnect()
    window.close()
    server.stop()
    ms = lambda values: round(statistics.median(values) * 1000, 1)  # noqa: E731
    print(json.dumps({
        "runs": runs,
        "test_connection_ms_median": ms(test_s),
        "test_connection_longest_gui_gap_ms_max": round(max(test_gap) * 1000, 1),
        "reconnect_ms_median": ms(reconnect_s),
        "reconnect_longest_gui_gap_ms_max": round(max(reconnect_gap) * 1000, 1),
        "idle_longest_gui_gap_ms_max": round(max(idle_gap) * 1000, 1),
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

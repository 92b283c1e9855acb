"""Compare mode at full speed: three columns streaming at once through the real window, three turn controllers,
boto3 and the local endpoint in its own process, until every column's answer is finished on screen.

Prints one JSON object: wall_s, stall_max_ms (median over runs, and each run's), stall_p99_ms (pooled) of a 5 ms
heartbeat timer on the GUI thread, the GUI thread's CPU time between heartbeats (frame_cpu_max_ms,
frame_cpu_p99_ms: the work of a frame without waits for the CPU or the GIL), delta_to_screen_p99_ms (how long
streamed text waited before it was shown, any column), and the characters shown per column.

``--quick``: a small reply, one run, no targets; it only proves the benchmark still works (CI runs it).
A number argument sets the runs (default 3); ``--tokens=N`` the output tokens per column.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from typing import Any

# Run as a script (as bench/run_all.py does), so bench/ is on sys.path: the same endpoint process and heartbeat
# arithmetic as the single-reply benchmark, so the figures compare.
from heartbeat import Heartbeat
from stream_render import _measure_waits, _percentile, _wait_for_turn_host, endpoint_process

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Three models that stream through the Converse API on the local endpoint, each allowing long replies.
MODELS = ("us.amazon.nova-premier-v1:0", "us.amazon.nova-pro-v1:0", "us.anthropic.claude-3-7-sonnet-20250219-v1:0")
FULL_TOKENS, QUICK_TOKENS = 8000, 300
TARGETS = {"stall_max_ms": 50.0, "stall_p99_ms": 20.0}


def _pump(app: Any, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.005)


def one_run(url: str, tokens: int) -> dict[str, Any]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from bedrock_chat.app import create_window
    from bedrock_chat.core.conversation import MessageState
    from bedrock_chat.ui.worker import DeltaBuffer

    window: Any = create_window(["--offline", "--endpoint-url", url, "--data-dir", tempfile.mkdtemp()])
    app = QApplication.instance()
    assert app is not None
    window.show()
    deadline = time.monotonic() + 30
    while not window.models and time.monotonic() < deadline:
        app.processEvents()
    window.action_by_id["chat.compare"].trigger()  # as a person turns it on
    panel = window.compare.panel
    panel.count.setValue(3)
    for column, model_id in zip(panel.columns, MODELS, strict=True):
        # As a person picks: open the column's model picker, type the id, Enter.
        column.model_picker.open_popup()
        column.model_picker.popup.filter.setText(model_id)
        QTest.keyClick(column.model_picker.popup.filter, Qt.Key.Key_Return)
        spec = column.spec()
        assert spec is not None and spec.model_id == model_id, f"{model_id} is not offered by the endpoint"
        column.max_tokens.setValue(tokens)
    _pump(app, 0.5)  # the first frame's deferred work (rendering warm-up) finishes before measuring
    _wait_for_turn_host()  # the columns' turns run in the turn host process, as a person's do

    waits: list[float] = []
    heartbeat = Heartbeat()
    original_drain = _measure_waits(waits)
    done: list[Any] = []
    window.compare_finished.connect(lambda answers: done.append((time.perf_counter(), answers)))
    window.prompt.setPlainText(f"Write at length [tokens:{tokens}]")
    started = time.perf_counter()
    heartbeat.start()
    window.send_button.click()
    try:
        while not done and time.perf_counter() - started < 300:
            app.processEvents()
            time.sleep(0.0005)
        # Finished means finished on screen: text that arrived faster than it rendered settles over a few frames.
        while any(column.chat.rendering for column in panel.columns) and time.perf_counter() - started < 300:
            app.processEvents()
            time.sleep(0.0005)
    finally:
        heartbeat.stop()
        DeltaBuffer.drain = original_drain  # type: ignore[method-assign]
    assert done, "the compare did not finish within 300 s"
    finished_at, answers = done[0]
    assert all(answer.state == MessageState.COMPLETE for answer in answers), [a.error for a in answers]
    window.close()
    return {"wall_s": round(finished_at - started, 3), "stall_max_ms": heartbeat.stall_max_ms,
            "gaps": heartbeat.gaps, "cpu_gaps": heartbeat.cpu_gaps, "waits": waits,
            "chars": [len(a.text) for a in answers]}


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    runs = next((int(arg) for arg in argv if arg.isdigit()), 1 if quick else 3)
    tokens = next((int(arg.split("=", 1)[1]) for arg in argv if arg.startswith("--tokens=")),
                  QUICK_TOKENS if quick else FULL_TOKENS)
    with endpoint_process() as url:
        rows = [one_run(url, tokens) for _ in range(runs)]

    def pooled_p99_ms(key: str) -> float:
        return round(_percentile([value for row in rows for value in row[key]], 0.99) * 1000, 1)

    report: dict[str, Any] = {
        "runs": runs, "quick": quick, "columns": len(MODELS), "tokens_per_column": tokens, "targets": TARGETS,
        "chars_per_column": rows[0]["chars"],
        "wall_s": round(statistics.median(row["wall_s"] for row in rows), 3),
        "stall_max_ms": round(statistics.median(row["stall_max_ms"] for row in rows), 1),
        "stall_max_ms_runs": [row["stall_max_ms"] for row in rows],
        "stall_p99_ms": pooled_p99_ms("gaps"),
        "frame_cpu_max_ms": round(statistics.median(max(row["cpu_gaps"]) for row in rows) * 1000, 1),
        "frame_cpu_p99_ms": pooled_p99_ms("cpu_gaps"),
        "delta_to_screen_p99_ms": pooled_p99_ms("waits"),
        "load_average": round(os.getloadavg()[0], 2),
    }
    if not quick:
        report["misses"] = [key for key, target in TARGETS.items() if report[key] > target]
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Replies of every hard shape at full speed through the real window, worker, boto3 and local endpoint.

Prints one JSON object. For each reply shape (normal prose, one 2,000-line code block, one 25,000-word
paragraph, a 1,000-row table, deeply nested lists, 20,000 characters without a space): wall_s, stall_max_ms
(median over runs) and stall_p99_ms (pooled) of a 5 ms heartbeat timer on the GUI thread, the GUI thread's CPU
time between heartbeats (frame_cpu_max_ms, frame_cpu_p99_ms: the work of a frame, without waits for the CPU or the
GIL), delta_to_screen_p99_ms (how long streamed text waited before it was shown), settle_s (how long after the end
the reply took to be rendered whole: measuring goes on until then) and ``stages`` (each frame's CPU by stage, see
frame_stages.py). For prose also the plain boto3 loop of the notebook (baseline_wall_s) and the window's ratio to
it, fresh and with 200 earlier messages.

``--quick``: small sizes, one run, no targets; it only proves the benchmark still works (CI runs it).
``--in-process``: the endpoint on a thread of this process instead of its own process.
``--shapes code,table``: only these shapes. A number argument sets the runs (default 3).
``--in-thread``: turns decoded on a thread of the app (BEDROCK_CHAT_TURN_PROCESS=0), as before the turn host
process; by default the window waits for the turn host and its turns are decoded there.
``--replay``: prose also through ``replay_endpoint.py`` (key ``replayed``): the recorded reply replayed with next to
no server CPU, as a remote Bedrock would send it, for the baseline and the window alike.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import boto3
from frame_stages import FrameStages, measuring
from heartbeat import Heartbeat

from bedrock_chat.local_endpoint import LocalBedrockServer, ServerOptions

MODEL = "us.amazon.nova-premier-v1:0"
PROSE_DELTAS = 20_000
MAX_TOKENS = 32_000
# Full and quick sizes per shape: lines, words, rows, items, characters; prose in output tokens.
SHAPES: dict[str, tuple[int, int]] = {
    "prose": (PROSE_DELTAS, 600),
    "code": (2000, 60),
    "paragraph": (25_000, 600),
    "table": (1000, 40),
    "nested": (800, 40),
    "nospace": (20_000, 800),
}
TARGETS = {"stall_max_ms": 50.0, "stall_p99_ms": 20.0, "ratio": 1.3}


def prompt_for(shape: str, size: int) -> str:
    return f"Write at length [tokens:{size}]" if shape == "prose" else f"Show it [shape:{shape}:{size}]"


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def baseline(url: str, prompt: str) -> float:
    client = boto3.client("bedrock-runtime", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="x")
    started = time.perf_counter()
    stream = client.converse_stream(modelId=MODEL, messages=[{"role": "user", "content": [{"text": prompt}]}],
                                    inferenceConfig={"maxTokens": MAX_TOKENS})
    text = ""
    for event in stream["stream"]:
        if "contentBlockDelta" in event:
            text += event["contentBlockDelta"]["delta"].get("text", "")
    return time.perf_counter() - started


def _measure_waits(waits: list[float]) -> Any:
    """Records how long each drained slice of text waited in the worker's buffer (wherever the buffer lives)."""
    from bedrock_chat.ui.worker import DeltaBuffer

    original = DeltaBuffer.drain

    def drain(self: DeltaBuffer, limit: int | None = None) -> tuple[str, str]:
        reasoning, text = original(self, limit)
        if reasoning or text:
            waits.append(self.last_wait_s)
        return reasoning, text

    DeltaBuffer.drain = drain  # type: ignore[method-assign]
    return original


def through_window(url: str, prompt: str, history_messages: int = 0) -> dict[str, Any]:
    from bedrock_chat.app import create_window

    stages = FrameStages()
    with measuring(stages):
        window: Any = create_window(["--offline", "--endpoint-url", url, "--data-dir", tempfile.mkdtemp(),
                                     "--model", MODEL])
        return _stream(window, stages, prompt, history_messages)


def _stream(window: Any, stages: FrameStages, prompt: str, history_messages: int) -> dict[str, Any]:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role
    from bedrock_chat.ui.worker import DeltaBuffer

    app = QApplication.instance()
    assert app is not None
    window.show()
    deadline = time.monotonic() + 30
    while not window.models and time.monotonic() < deadline:
        app.processEvents()
    if history_messages:
        conversation = Conversation(title="history")
        for index in range(history_messages // 2):
            conversation.messages.append(Message(Role.USER, f"Question {index}?"))
            conversation.messages.append(Message(Role.ASSISTANT, "An answer with **Markdown**.\n\n- a\n- b\n" * 3,
                                                 model_id=MODEL, state=MessageState.COMPLETE))
        window.conversation = conversation
        window.chat.set_conversation(conversation)
    window.parameters.max_tokens.set_value(MAX_TOKENS)
    _wait_for_turn_host()
    # Let the first frame's deferred work (rendering warm-up, endpoint start) finish before measuring.
    settle = time.monotonic() + 0.5
    while time.monotonic() < settle:
        app.processEvents()
        time.sleep(0.005)

    waits: list[float] = []
    heartbeat = Heartbeat(stages.beat)
    original_drain = _measure_waits(waits)
    done: list[Any] = []
    window.reply_finished.connect(lambda message: done.append((time.perf_counter(), message, time.thread_time())))
    window.prompt.setPlainText(prompt)
    started, started_cpu = time.perf_counter(), time.thread_time()
    heartbeat.start()
    stages.frames.clear()
    window.send_button.click()
    # The window's own event loop runs the turn, as app.exec() does for a person (polling processEvents instead
    # took CPU from the turn). It ends when the reply is finished and all of it is rendered: rendering that lags
    # behind the stream goes on after the end, and its frames count as much as those before.
    loop = QEventLoop()
    heartbeat.timer.timeout.connect(lambda: loop.quit() if done and not window.chat.rendering else None)
    give_up = QTimer()
    give_up.setSingleShot(True)
    give_up.timeout.connect(loop.quit)
    give_up.start(300_000)
    try:
        loop.exec()
        settled_at = time.perf_counter()
    finally:
        give_up.stop()
        heartbeat.stop()
        DeltaBuffer.drain = original_drain  # type: ignore[method-assign]
    assert done, "the reply did not finish within 300 s"
    finished_at, reply, finished_cpu = done[0]
    assert reply.state == MessageState.COMPLETE, (reply.state, reply.error)
    window.close()
    return {"wall_s": round(finished_at - started, 3), "stall_max_ms": heartbeat.stall_max_ms,
            "settle_s": round(settled_at - finished_at, 3), "gui_cpu_s": round(finished_cpu - started_cpu, 3),
            "gaps": heartbeat.gaps, "cpu_gaps": heartbeat.cpu_gaps, "waits": waits,
            "chars": len(reply.text), "stages": stages.summary(heartbeat.cpu_gaps)}


def _wait_for_turn_host() -> None:
    """Measure the path a person's turns take: through the turn host once it is up (unless --in-thread)."""
    from bedrock_chat.bedrock import turn_host

    if turn_host.enabled():
        assert turn_host.wait_until_ready(60) is not None, "the turn host did not start"


def turn_path() -> str:
    from bedrock_chat.bedrock import turn_host

    return "host process" if turn_host.enabled() else "thread"


@contextlib.contextmanager
def endpoint_process() -> Iterator[str]:
    """The endpoint in its own process, as Bedrock is: its work does not compete with the app for the GIL."""
    with _server([sys.executable, "-m", "bedrock_chat.local_endpoint", "--port", "0", "--tokens-per-second", "0",
                  "--first-token-delay", "0"]) as url:
        yield url


@contextlib.contextmanager
def replay_process(endpoint_url: str, prompt: str) -> Iterator[str]:
    """``bench/replay_endpoint.py`` in front of the endpoint: the reply replayed, its generation off this machine."""
    script = str(Path(__file__).resolve().parent / "replay_endpoint.py")
    with _server([sys.executable, script, endpoint_url, MODEL, prompt]) as url:
        yield url


@contextlib.contextmanager
def _server(command: list[str]) -> Iterator[str]:
    """A server process that prints "listening on URL" first; ended when the block is left."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield process.stdout.readline().split("listening on ")[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def pooled_p99_ms(key: str) -> float:
        """One run has few heartbeats, so its p99 is close to its maximum; pooled over the runs it means more."""
        return round(_percentile([value for row in rows for value in row[key]], 0.99) * 1000, 1)

    return {"chars": rows[0]["chars"],
            "wall_s": round(statistics.median(row["wall_s"] for row in rows), 3),
            "stall_max_ms": round(statistics.median(row["stall_max_ms"] for row in rows), 1),
            "stall_max_ms_runs": [row["stall_max_ms"] for row in rows],
            "stall_p99_ms": pooled_p99_ms("gaps"),
            # The GUI thread's own CPU time between heartbeats: the work of a frame, without the time it waited
            # for the CPU or the GIL (on a loaded machine the stalls above are mostly such waits).
            "frame_cpu_max_ms": round(statistics.median(max(row["cpu_gaps"]) for row in rows) * 1000, 1),
            "frame_cpu_p99_ms": pooled_p99_ms("cpu_gaps"),
            "delta_to_screen_p99_ms": pooled_p99_ms("waits"),
            "settle_s": round(statistics.median(row["settle_s"] for row in rows), 3),
            # The GUI thread's CPU time from Send to the reply's end: what the window takes from the machine while
            # the stream arrives (on a 2-core machine it competes with the turn host's decoding).
            "gui_cpu_s": round(statistics.median(row["gui_cpu_s"] for row in rows), 3),
            "stages": _stages_summary([row["stages"] for row in rows])}


def _stages_summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each stage's largest share of a frame over the runs, its p99 and total (median of the runs), and the
    stages of the three largest frames of all runs."""
    def over_runs(key: str, pick: Any) -> dict[str, float]:
        return {stage: pick(run[key][stage] for run in runs) for stage in runs[0][key]}

    frames = sorted((frame for run in runs for frame in run["largest_frames"]), key=lambda f: -f["cpu_ms"])
    return {"frame_cpu_max_without_preview_ms": statistics.median(run["frame_cpu_max_without_preview_ms"]
                                                                  for run in runs),
            "stage_max_ms": over_runs("stage_max_ms", max),
            "stage_p99_ms": over_runs("stage_p99_ms", statistics.median),
            "stage_total_ms": over_runs("stage_total_ms", statistics.median),
            "largest_frames": frames[:3]}


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    in_process = "--in-process" in argv
    replay = "--replay" in argv
    if "--in-thread" in argv:
        os.environ["BEDROCK_CHAT_TURN_PROCESS"] = "0"
    runs = next((int(arg) for arg in argv if arg.isdigit()), 1 if quick else 3)
    chosen = next((arg.split("=", 1)[1] for arg in argv if arg.startswith("--shapes=")), ",".join(SHAPES))
    shapes = [shape for shape in chosen.split(",") if shape in SHAPES]
    sizes = {shape: SHAPES[shape][1 if quick else 0] for shape in shapes}
    server = (LocalBedrockServer(ServerOptions(tokens_per_second=0, first_token_delay=0)) if in_process
              else None)
    report: dict[str, Any] = {"runs": runs, "quick": quick, "endpoint": "in-process" if in_process else "subprocess",
                              "targets": TARGETS, "shapes": {}, "load_average": round(os.getloadavg()[0], 2)}
    with (server if server is not None else endpoint_process()) as endpoint:
        url = endpoint.url if server is not None else endpoint
        for shape in shapes:
            prompt = prompt_for(shape, sizes[shape])
            summary = _summary([through_window(url, prompt) for _ in range(runs)])
            summary["size"] = sizes[shape]
            if shape == "prose" and replay:
                with replay_process(url, prompt) as replayed:
                    base = round(statistics.median(baseline(replayed, prompt) for _ in range(runs)), 3)
                    window_rows = [through_window(replayed, prompt) for _ in range(runs)]
                summary["replayed"] = {**_summary(window_rows), "baseline_wall_s": base}
                summary["replayed"]["ratio"] = round(summary["replayed"]["wall_s"] / base, 3)
            if shape == "prose":
                base = round(statistics.median(baseline(url, prompt) for _ in range(runs)), 3)
                summary["baseline_wall_s"] = base
                summary["ratio"] = round(summary["wall_s"] / base, 3)
                if not quick:
                    history = _summary([through_window(url, prompt, 200) for _ in range(runs)])
                    summary["history200"] = {**history, "ratio": round(history["wall_s"] / base, 3)}
            report["shapes"][shape] = summary
    report["turns"] = turn_path()
    if not quick:
        report["misses"] = [f"{shape}.{key}" for shape, row in report["shapes"].items()
                            for key, target in TARGETS.items() if key in row and row[key] > target]
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

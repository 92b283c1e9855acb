"""A 20,000-delta reply at full speed through the real window, worker, boto3 and local endpoint.

Prints one JSON object: wall_s, baseline_wall_s (a plain boto3 loop as in the notebook), ratio,
stall_max_ms / stall_p99_ms (gaps of a 5 ms heartbeat timer on the GUI thread), delta_to_screen_p99_ms,
and the same figures again with 200 earlier messages in the conversation.
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
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import boto3

from bedrock_chat.local_endpoint import LocalBedrockServer, ServerOptions

MODEL = "us.amazon.nova-premier-v1:0"
DELTAS = 20_000
PROMPT = f"Write at length [tokens:{DELTAS}]"


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def baseline(url: str) -> float:
    client = boto3.client("bedrock-runtime", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="x")
    started = time.perf_counter()
    stream = client.converse_stream(modelId=MODEL, messages=[{"role": "user", "content": [{"text": PROMPT}]}],
                                    inferenceConfig={"maxTokens": DELTAS})
    text = ""
    for event in stream["stream"]:
        if "contentBlockDelta" in event:
            text += event["contentBlockDelta"]["delta"].get("text", "")
    return time.perf_counter() - started


def through_window(url: str, history_messages: int) -> dict[str, float]:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from bedrock_chat.app import create_window
    from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role

    window: Any = create_window(["--offline", "--endpoint-url", url, "--data-dir", tempfile.mkdtemp(),
                                 "--model", MODEL])
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
    window.parameters.max_tokens.set_value(DELTAS)

    gaps: list[float] = []
    waits: list[float] = []
    last_beat = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        gaps.append(now - last_beat[0])
        last_beat[0] = now

    heartbeat = QTimer()
    heartbeat.setInterval(5)
    heartbeat.timeout.connect(beat)
    original_flush = window._flush_deltas

    def measured_flush() -> None:
        original_flush()
        waits.append(window.workers.worker.buffer.last_wait_s)

    window._coalescer._timer.timeout.disconnect()
    window._coalescer._timer.timeout.connect(measured_flush)
    window._coalescer._callback = measured_flush
    done: list[float] = []
    window.reply_finished.connect(lambda message: done.append(time.perf_counter()))
    window.prompt.setPlainText(PROMPT)
    started = time.perf_counter()
    heartbeat.start()
    last_beat[0] = time.perf_counter()
    window.send()
    while not done and time.perf_counter() - started < 300:
        app.processEvents()
        time.sleep(0.0005)
    heartbeat.stop()
    reply = window.conversation.messages[-1]
    assert reply.stats and reply.stats["outputTokens"] == DELTAS, reply.stats
    window.close()
    return {
        "wall_s": round(done[0] - started, 3),
        "stall_max_ms": round(max(gaps) * 1000, 1),
        "gaps": gaps,
        "waits": waits,
    }


@contextlib.contextmanager
def endpoint_process() -> Iterator[str]:
    """The endpoint in its own process, as Bedrock is: its work does not compete with the app for the GIL."""
    process = subprocess.Popen([sys.executable, "-m", "bedrock_chat.local_endpoint", "--port", "0",
                                "--tokens-per-second", "0", "--first-token-delay", "0"],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield process.stdout.readline().split("listening on ")[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 3
    in_process = "--in-process" in sys.argv
    server = (LocalBedrockServer(ServerOptions(tokens_per_second=0, first_token_delay=0)) if in_process
              else None)
    with (server if server is not None else endpoint_process()) as endpoint:
        url = endpoint.url if server is not None else endpoint
        baselines = [baseline(url) for _ in range(runs)]
        fresh = [through_window(url, 0) for _ in range(runs)]
        with_history = [through_window(url, 200) for _ in range(runs)]

    def median(rows: list[dict[str, Any]], key: str) -> float:
        return round(statistics.median(row[key] for row in rows), 3)

    def pooled_p99_ms(rows: list[dict[str, Any]], key: str) -> float:
        """One run has ~80 heartbeats, so its p99 is its maximum; pooled over the runs it means something."""
        return round(_percentile([value for row in rows for value in row[key]], 0.99) * 1000, 1)

    base = round(statistics.median(baselines), 3)
    report: dict[str, Any] = {"deltas": DELTAS, "runs": runs, "endpoint": "in-process" if in_process else "subprocess",
                              "baseline_wall_s": base}
    for label, rows in (("", fresh), ("history200_", with_history)):
        for key in ("wall_s", "stall_max_ms"):
            report[label + key] = median(rows, key)
        report[label + "stall_p99_ms"] = pooled_p99_ms(rows, "gaps")
        report[label + "delta_to_screen_p99_ms"] = pooled_p99_ms(rows, "waits")
        report[label + "ratio"] = round(report[label + "wall_s"] / base, 3)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

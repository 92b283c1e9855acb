"""Where a reply's time goes without a window: botocore's event-stream decoding against our own per-event work.

Streams a 20,000-delta ConverseStream reply from the local endpoint (its own process) and prints one JSON object:
the bare boto3 loop's wall time, the same stream through our decoding and the worker's buffer (no window), and,
profiled, the share of time inside botocore's ``EventStream`` iteration and inside our code. It is the profile
behind docs/performance.md's throughput section: decoding, not our code, is what competes with rendering.

``--quick``: 500 deltas, one run; it only proves the benchmark still works (CI runs it).
"""

from __future__ import annotations

import cProfile
import json
import pstats
import statistics
import sys
import time
from typing import Any

import boto3

# Run as a script (as bench/run_all.py does), so bench/ is on sys.path: one endpoint process for both benchmarks.
from stream_render import MODEL, endpoint_process

from bedrock_chat.bedrock.decoding import converse_stream_event
from bedrock_chat.bedrock.turn import CancelToken
from bedrock_chat.ui.worker import DeltaBuffer, TurnRunner


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    runs = next((int(arg) for arg in argv if arg.isdigit()), 1 if quick else 3)
    deltas = 500 if quick else 20_000
    prompt = f"Write at length [tokens:{deltas}]"
    with endpoint_process() as url:
        client = boto3.client("bedrock-runtime", endpoint_url=url, region_name="us-east-1",
                              aws_access_key_id="x", aws_secret_access_key="x")

        def stream() -> Any:
            return client.converse_stream(modelId=MODEL, messages=[{"role": "user", "content": [{"text": prompt}]}],
                                          inferenceConfig={"maxTokens": deltas})["stream"]

        def bare() -> None:
            text = ""
            for event in stream():
                if "contentBlockDelta" in event:
                    text += event["contentBlockDelta"]["delta"].get("text", "")

        buffer = DeltaBuffer()
        worker = TurnRunner(0, None, None, CancelToken(), buffer)  # type: ignore[arg-type]  # never started

        def ours() -> None:  # what the worker thread does per event (bedrock/turn.py's loop)
            for event in stream():
                for decoded in converse_stream_event(event):
                    worker._emit_event(decoded)
            buffer.drain()

        def timed(function: Any) -> float:
            started = time.perf_counter()
            function()
            return time.perf_counter() - started

        bare_s = [timed(bare) for _ in range(runs)]
        ours_s = [timed(ours) for _ in range(runs)]
        profile = cProfile.Profile()
        profile.enable()
        ours()
        profile.disable()
    stats: Any = pstats.Stats(profile).stats
    total = sum(row[2] for row in stats.values())  # own time of every function: the profiled total

    def cumulative(file_part: str, name: str) -> float:
        return sum(row[3] for (file, _, function), row in stats.items() if file_part in file and function == name)

    decoding = cumulative("botocore/eventstream.py", "__iter__")
    own = cumulative("bedrock/decoding.py", "wrapper") + cumulative("ui/worker.py", "_emit_event")
    print(json.dumps({
        "quick": quick, "runs": runs, "deltas": deltas,
        "bare_loop_s": round(statistics.median(bare_s), 3),
        "decode_and_buffer_s": round(statistics.median(ours_s), 3),
        "profiled_total_s": round(total, 3),
        "botocore_event_stream_share": round(decoding / total, 3) if total else 0.0,
        "our_per_event_share": round(own / total, 3) if total else 0.0,
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

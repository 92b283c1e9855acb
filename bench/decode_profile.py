"""Where a reply's time goes without a window: botocore's event-stream decoding against our own per-event work.

Streams a 20,000-delta ConverseStream reply from the local endpoint (its own process) and prints one JSON object:
the bare boto3 loop's wall time, the same stream through our decoding and the worker's buffer (no window), and,
profiled, the share of time inside botocore's ``EventStream`` iteration and inside our code. Then the same turn
through the turn host process (``host_*``): its wall time, this process's CPU time for it (against
``in_thread_app_cpu_s``, decoding here), and a CPU profile of the thread that reads the host's batches. It is
the profile behind docs/performance.md's throughput section: decoding, not our code, is what competes with
rendering.

``--quick``: 500 deltas, one run; it only proves the benchmark still works (CI runs it).
"""

from __future__ import annotations

import contextlib
import cProfile
import json
import pstats
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import boto3

# Run as a script (as bench/run_all.py does), so bench/ is on sys.path: one endpoint process for both benchmarks.
from stream_render import MODEL, endpoint_process, replay_process

from bedrock_chat.bedrock.decoding import converse_stream_event
from bedrock_chat.bedrock.turn import CancelToken
from bedrock_chat.ui.worker import DeltaBuffer, TurnRunner


def cpu_of(function: Any) -> float:
    started = time.process_time()  # every thread of this process
    function()
    return time.process_time() - started


def through_host(url: str, prompt: str, deltas: int, runs: int) -> dict[str, Any]:
    """Turns run by the turn host process, reported into the worker's own buffer (``TurnRunner.deliver``)."""
    from bedrock_chat.bedrock import host_process, turn_host
    from bedrock_chat.bedrock.requests import TurnRequest
    from bedrock_chat.bedrock.session import BedrockClients, ConnectionSettings, connection_of
    from bedrock_chat.core.catalog import model_info
    from bedrock_chat.core.conversation import Role
    from bedrock_chat.core.params import GenerationParams, RequestOptions

    host = host_process.TurnHost()
    host.start()
    assert host.ready.wait(60), "the turn host did not start"
    clients = BedrockClients(ConnectionSettings(endpoint_url=url, offline=True))
    info = connection_of(clients.runtime)
    assert info is not None
    request = TurnRequest(model_info(MODEL), [(Role.USER, prompt)], GenerationParams(max_tokens=deltas),
                          RequestOptions())
    numbers = iter(range(1, 1000))
    walls: list[float] = []
    cpus: list[float] = []
    batches: list[int] = []
    # CPU time of the thread that reads the host's batches, profiled in the last run: the app's whole share.
    profile = cProfile.Profile(time.thread_time)

    class Sink(TurnRunner):
        def __init__(self, profiled: bool) -> None:
            super().__init__(next(numbers), clients.runtime, request, CancelToken(), DeltaBuffer())
            self.done = threading.Event()
            self.reports = 0
            self.profiled = profiled

        def deliver(self, kind: str, payload: object) -> None:
            if self.profiled and not self.reports:
                profile.enable()  # on the reader thread, which calls this
            self.reports += 1
            super().deliver(kind, payload)
            if kind == "text":
                self.buffer.drain()  # as the GUI thread would, a frame later
            if kind == "released":
                if self.profiled:
                    profile.disable()
                self.done.set()

    for run in range(runs + 1):
        sink = Sink(profiled=run == runs)
        started, cpu = time.perf_counter(), time.process_time()
        host.submit(turn_host.start_command(sink.number, clients.runtime, info, request), sink)
        assert sink.done.wait(300)
        if run < runs:
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
            batches.append(sink.reports)
    host.kill()
    clients.close()
    stats: Any = pstats.Stats(profile).stats
    total = sum(row[2] for row in stats.values())
    by_function: dict[str, float] = {}
    for (file, _, function), row in stats.items():
        name = f"{Path(file).name}:{function}"
        by_function[name] = by_function.get(name, 0.0) + row[2]
    top = sorted(by_function.items(), key=lambda item: -item[1])[:6]
    return {"host_wall_s": round(statistics.median(walls), 3),
            "host_app_cpu_s": round(statistics.median(cpus), 3),
            "host_reports": int(statistics.median(batches)),
            "host_reader_thread_cpu_s": round(total, 3),
            "host_reader_thread_top": {name: round(seconds / total, 3) for name, seconds in top} if total else {}}


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    runs = next((int(arg) for arg in argv if arg.isdigit()), 1 if quick else 3)
    deltas = 500 if quick else 20_000
    prompt = f"Write at length [tokens:{deltas}]"
    replay = "--replay" in argv  # the recorded reply replayed: the server's CPU off this machine, as Bedrock's is
    with endpoint_process() as endpoint, (replay_process(endpoint, prompt) if replay
                                          else contextlib.nullcontext(endpoint)) as url:
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
        in_thread_cpu = [cpu_of(ours) for _ in range(runs)]
        hosted = through_host(url, prompt, deltas, runs)
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
        # The same turn with the turn host process decoding: the app's own CPU time for it, against the app's
        # CPU time for decoding it on a thread of its own (what competed with the GUI thread for the GIL).
        "in_thread_app_cpu_s": round(statistics.median(in_thread_cpu), 3),
        **hosted,
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

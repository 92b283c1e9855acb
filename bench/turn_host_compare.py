"""The window's turns decoded in the turn host process against decoded on a thread of the app, in the same minutes.

On a shared machine the bare boto3 loop itself varies two- to three-fold from one minute to the next, so separate
sessions of ``stream_render.py`` and ``stream_render.py --in-thread`` compare loads as much as designs. Here each
round runs the bare loop, the window with the turn host and the window in-thread back to back, in a rotating
order, in one process (one endpoint process), and each window run is divided by its own round's bare loop.

Prints one JSON object: per way, the median wall time, the median of the per-round ratios, stall max (median)
and p99 (pooled), and delta-to-screen p99; the load average before and after. ``--quick``: 600 deltas, one
round. A number argument sets the rounds (default 5); ``--shapes=prose,code`` the shapes (default prose);
``--replay``: every way against ``replay_endpoint.py`` (the reply replayed with next to no server CPU, as a remote
Bedrock sends it), so the endpoint's own work does not compete with the app on a small machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import sys
from typing import Any

# Run as a script (as bench/run_all.py does), so bench/ is on sys.path.
from stream_render import SHAPES, _percentile, baseline, endpoint_process, prompt_for, replay_process, through_window

from bedrock_chat.bedrock import turn_host


def _window(url: str, prompt: str, in_host: bool) -> dict[str, Any]:
    if in_host:
        os.environ.pop(turn_host.SWITCH_VARIABLE, None)
        assert turn_host.wait_until_ready(60) is not None, "the turn host did not start"
    else:
        os.environ[turn_host.SWITCH_VARIABLE] = "0"  # read per turn: this turn runs on a thread of the app
    try:
        return through_window(url, prompt)
    finally:
        os.environ.pop(turn_host.SWITCH_VARIABLE, None)


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"wall_s": round(statistics.median(row["wall_s"] for row in rows), 3),
            "ratio": round(statistics.median(row["ratio"] for row in rows), 3),
            "ratios": [row["ratio"] for row in rows],
            "gui_cpu_s": round(statistics.median(row["gui_cpu_s"] for row in rows), 3),
            "settle_s": round(statistics.median(row["settle_s"] for row in rows), 3),
            "stall_max_ms": round(statistics.median(row["stall_max_ms"] for row in rows), 1),
            "stall_p99_ms": round(_percentile([gap for row in rows for gap in row["gaps"]], 0.99) * 1000, 1),
            "delta_to_screen_p99_ms": round(_percentile([w for row in rows for w in row["waits"]], 0.99) * 1000, 1)}


def _rounds(url: str, prompt: str, rounds: int) -> dict[str, Any]:
    rows: dict[str, list[dict[str, Any]]] = {"host": [], "thread": []}
    bases: list[float] = []
    for index in range(rounds):
        order = ["bare", "host", "thread"]
        order = order[index % 3:] + order[:index % 3]  # no way always runs first, or last
        results: dict[str, Any] = {}
        for way in order:
            results[way] = baseline(url, prompt) if way == "bare" else _window(url, prompt, way == "host")
        bases.append(results["bare"])
        for way in ("host", "thread"):
            rows[way].append({**results[way], "ratio": round(results[way]["wall_s"] / results["bare"], 3)})
    return {"baseline_wall_s": round(statistics.median(bases), 3),
            **{way: _summary(way_rows) for way, way_rows in rows.items()}}


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    rounds = next((int(arg) for arg in argv if arg.isdigit()), 1 if quick else 5)
    chosen = next((arg.split("=", 1)[1] for arg in argv if arg.startswith("--shapes=")), "prose")
    report: dict[str, Any] = {"quick": quick, "rounds": rounds, "load_average_before": round(os.getloadavg()[0], 2),
                              "shapes": {}}
    replay = "--replay" in argv
    report["server"] = "replayed" if replay else "endpoint"
    with endpoint_process() as endpoint_url:
        for shape in [name for name in chosen.split(",") if name in SHAPES]:
            prompt = prompt_for(shape, SHAPES[shape][1 if quick else 0])
            with replay_process(endpoint_url, prompt) if replay else contextlib.nullcontext(endpoint_url) as url:
                report["shapes"][shape] = _rounds(url, prompt, rounds)
    report["load_average_after"] = round(os.getloadavg()[0], 2)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

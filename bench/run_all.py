"""Runs every benchmark in ``bench/`` and writes one JSON report (stdout, and bench/results/latest.json).

``--quick`` runs each in its quick mode (small sizes, one run, no targets) and writes nothing: CI runs it so that
a broken benchmark cannot land. A benchmark that fails makes this fail, with its error output.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ("stream_render", "startup", "history", "connection_test", "import_large", "connect", "store_open",
              "decode_profile", "compare_streams", "preview_rebuild", "cards_render", "turn_host_compare",
              "token_estimate", "attach_cost", "switch_memory", "open_attachments")
# Run again with these arguments, reported under their own name: the window's turns decoded on a thread of the
# app, as before the turn host process, for comparison.
# And the paired rounds against the replayed reply (no server CPU on this machine, as with a remote Bedrock).
VARIANTS = {"stream_render_in_thread": ("stream_render", "--in-thread"),
            "turn_host_compare_replayed": ("turn_host_compare", "--replay")}


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    report = {}
    runs = {name: (name,) for name in BENCHMARKS} | VARIANTS
    for name, (script, *extra) in runs.items():
        result = subprocess.run([sys.executable, str(HERE / f"{script}.py"), *extra, *(["--quick"] if quick else [])],
                                check=False, capture_output=True, text=True, timeout=120 if quick else 1800)
        if result.returncode != 0:
            sys.stderr.write(f"bench/{script}.py {' '.join(extra)} failed (exit {result.returncode}):\n"
                             f"{result.stderr[-4000:]}\n")
            return 1
        report[name] = json.loads(result.stdout.strip().splitlines()[-1])
    if quick:
        print(json.dumps(report))
        return 0
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

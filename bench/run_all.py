"""Runs every benchmark in ``bench/`` and writes one JSON report (stdout, and bench/results/latest.json)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ("stream_render", "startup", "history", "import_large", "connect")


def main() -> int:
    report = {}
    for name in BENCHMARKS:
        output = subprocess.run([sys.executable, str(HERE / f"{name}.py")], capture_output=True, text=True,
                                check=True, timeout=900).stdout
        report[name] = json.loads(output.strip().splitlines()[-1])
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

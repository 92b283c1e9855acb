"""Cost of the guarded open at startup: PRAGMA quick_check and the first reads, for histories of growing size.

Prints one JSON object: per history size, the file's megabytes, quick_check_alone_ms, open_ms (open_history:
connect, migrate check, quick_check when the file is at most QUICK_CHECK_MAX_BYTES, mark interrupted, list and
load the latest conversation) and open_without_check_ms. Medians of 3 runs, page cache warm.

``--quick``: the smallest history only, one run, no targets; it only proves the benchmark still works (CI runs it).
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from history import build_big_store

from bedrock_chat.core import storage
from bedrock_chat.core.history_open import DATABASE_NAME, open_history

QUICK_CHECK_MAX_BYTES = storage.QUICK_CHECK_MAX_BYTES

SIZES = ((100, 20), (1_000, 20), (5_000, 20), (10_000, 20))  # conversations x messages each


def _median_ms(run: object, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def main() -> None:
    quick = "--quick" in sys.argv
    repeat = 1 if quick else 3
    report: dict[str, object] = {"quick_check_max_mb": QUICK_CHECK_MAX_BYTES / 1e6, "quick": quick}
    for conversations, per in SIZES[:1] if quick else SIZES:
        with tempfile.TemporaryDirectory() as folder:
            data = Path(folder)
            path = data / DATABASE_NAME
            build_big_store(path, conversations, per)

            def quick_check(path: Path = path) -> None:
                with sqlite3.connect(path) as db:
                    db.execute("PRAGMA quick_check").fetchall()

            def open_once(data: Path = data) -> None:
                open_history(data).store.close()

            checked = _median_ms(open_once, repeat)
            storage.QUICK_CHECK_MAX_BYTES = 0  # the same open without the check: its marginal cost
            unchecked = _median_ms(open_once, repeat)
            storage.QUICK_CHECK_MAX_BYTES = QUICK_CHECK_MAX_BYTES
            report[f"{conversations * per}_messages"] = {
                "file_mb": round(path.stat().st_size / 1e6, 1),
                "quick_check_alone_ms": _median_ms(quick_check, repeat),
                "open_ms": checked,
                "open_without_check_ms": unchecked,
                "checked": path.stat().st_size <= QUICK_CHECK_MAX_BYTES,
            }
    print(json.dumps(report))


if __name__ == "__main__":
    main()

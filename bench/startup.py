"""Process start to the main window exposed, against a bare PySide6 window started the same way.

Prints one JSON object: startup_s, bare_qt_s, ratio_to_bare_qt (medians), and whether boto3 had been
imported when the window first showed (it should not: it loads after).

``--quick``: one run each, no targets; it only proves the benchmark still works (CI runs it).
A number argument sets the runs (default 5).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

_APP = """
import sys, time
from PySide6.QtWidgets import QApplication
app = QApplication([])
from bedrock_chat.app import create_window
window = create_window(["--offline", "--data-dir", sys.argv[1]])
window.show()
while not window.windowHandle() or not window.windowHandle().isExposed():
    app.processEvents()
print(time.time(), "boto3" in sys.modules, flush=True)
window.close()
"""

_BARE = """
import time
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1280, 820)
window.show()
while not window.windowHandle() or not window.windowHandle().isExposed():
    app.processEvents()
print(time.time(), False, flush=True)
"""


def _measure(code: str) -> tuple[float, bool]:
    started = time.time()
    output = subprocess.run([sys.executable, "-c", code, tempfile.mkdtemp()], capture_output=True, text=True,
                            env={**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")},
                            check=True, timeout=60).stdout.split()
    return float(output[0]) - started, output[1] == "True"


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    runs = next((int(arg) for arg in argv if arg.isdigit()), 1 if quick else 5)
    app_runs = [_measure(_APP) for _ in range(runs)]
    bare_runs = [_measure(_BARE)[0] for _ in range(runs)]
    startup = statistics.median(run[0] for run in app_runs)
    bare = statistics.median(bare_runs)
    print(json.dumps({"runs": runs, "quick": quick, "startup_s": round(startup, 3), "bare_qt_s": round(bare, 3),
                      "ratio_to_bare_qt": round(startup / bare, 3),
                      "boto3_loaded_at_first_show": any(run[1] for run in app_runs)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The real program: started as a user starts it, stopped by SIGTERM, and it saves on the way out."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time


def test_sigterm_closes_the_window_and_saves(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen([sys.executable, "-m", "bedrock_chat", "--offline", "--data-dir", str(tmp_path)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while not (tmp_path / "conversations.sqlite3").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # the window is up and has connected to its built-in endpoint
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert "geometry" in (tmp_path / "settings.ini").read_text()
    assert "Traceback" not in process.stderr.read()  # type: ignore[union-attr]

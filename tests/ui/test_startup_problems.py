"""Startup never ends in a traceback: an unusable data folder opens the window with a message; a failure where
nothing can work is one sentence on stderr and a non-zero exit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from bedrock_chat import app


def test_a_data_dir_that_is_a_file_starts_the_real_program_without_a_traceback(tmp_path):
    in_the_way = tmp_path / "data"
    in_the_way.write_text("a file where the data folder should be")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    process = subprocess.Popen([sys.executable, "-m", "bedrock_chat", "--offline", "--data-dir", str(in_the_way)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(4)  # up and idle, not crashed
        assert process.poll() is None, process.communicate()
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "Traceback" not in stderr
    assert in_the_way.read_text() == "a file where the data folder should be"


def test_a_startup_failure_is_one_sentence_and_a_non_zero_exit(monkeypatch, capsys):
    def broken(argv):
        raise RuntimeError("the display cannot be opened")

    monkeypatch.setattr(app, "create_window", broken)
    assert app.main(["--offline"]) == 1
    err = capsys.readouterr().err
    assert "Bedrock Chat could not start: the display cannot be opened" in err
    assert "Traceback" not in err

"""Two real copies of the app on one data folder: the second says which process holds the folder, brings the first
window forward and exits, so turns never interleave and one copy's close never purges the other's undo."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bedrock_chat.core.history_open import DATABASE_NAME
from bedrock_chat.ui.folder_lock import LOCK_NAME

_ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def _start(data_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "bedrock_chat", "--offline", "--data-dir", str(data_dir)],
                            env=_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _holder(data_dir: Path) -> str | None:
    try:
        return (data_dir / LOCK_NAME).read_text().splitlines()[0]
    except (OSError, IndexError):
        return None


def _wait_until_up(process: subprocess.Popen[str], data_dir: Path) -> None:
    """Up: it holds the lock and has opened the history (the window is built)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        if _holder(data_dir) == str(process.pid) and (data_dir / DATABASE_NAME).exists():
            break
        time.sleep(0.1)
    assert _holder(data_dir) == str(process.pid)
    time.sleep(1.0)  # the event loop runs, so it can answer a second start and handle SIGTERM


def _stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        _, stderr = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
    return process.returncode, stderr


def test_a_second_copy_names_the_first_brings_it_forward_and_exits(tmp_path):
    first = _start(tmp_path)
    try:
        _wait_until_up(first, tmp_path)
        started = time.monotonic()
        second = subprocess.run([sys.executable, "-m", "bedrock_chat", "--offline", "--data-dir", str(tmp_path)],
                                check=False, env=_ENV, capture_output=True, text=True, timeout=30)
        assert second.returncode == 0
        assert f"already open on the data folder {tmp_path} (process {first.pid})" in second.stderr
        assert "Its window was brought forward." in second.stderr  # the first copy answered that it did
        assert "Traceback" not in second.stderr
        assert time.monotonic() - started < 20
        assert first.poll() is None  # the first copy runs on, untouched
    finally:
        code, stderr = _stop(first)
    assert code == 0 and "Traceback" not in stderr
    assert not (tmp_path / LOCK_NAME).exists()  # released on close

    again = _start(tmp_path)  # the folder is free once the first copy has closed
    try:
        _wait_until_up(again, tmp_path)
        assert _holder(tmp_path) == str(again.pid)
    finally:
        code, stderr = _stop(again)
    assert code == 0 and "Traceback" not in stderr


def test_a_lock_left_by_a_killed_copy_does_not_lock_anyone_out(tmp_path):
    crashed = _start(tmp_path)
    try:
        _wait_until_up(crashed, tmp_path)
    finally:
        crashed.kill()
        crashed.communicate(timeout=10)
    assert (tmp_path / LOCK_NAME).exists()  # left behind, naming a process that is gone
    after = _start(tmp_path)
    try:
        _wait_until_up(after, tmp_path)  # it took the lock over
        assert after.poll() is None
    finally:
        code, stderr = _stop(after)
    assert code == 0 and "Traceback" not in stderr

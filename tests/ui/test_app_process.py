"""The real program: started as a user starts it, stopped by SIGTERM, and it saves on the way out."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


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


def _stat(pid: int) -> list[str] | None:
    """(state, parent pid, ...) of a process, or None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _spawned_children(pid: int) -> list[int]:
    """The app's children that multiprocessing spawned (the turn host), from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        stat = _stat(int(entry.name))
        if stat is not None and int(stat[1]) == pid and b"spawn_main" in cmdline and stat[0] != "Z":
            children.append(int(entry.name))
    return children


def test_ctrl_c_in_a_terminal_ends_the_app_and_its_turn_host_quietly(tmp_path):
    if not Path("/proc").is_dir():
        return
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen([sys.executable, "-m", "bedrock_chat", "--offline", "--data-dir", str(tmp_path)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)  # its own process group, as a terminal's job is
    try:
        deadline = time.monotonic() + 30
        while not _spawned_children(process.pid):
            assert time.monotonic() < deadline, "the turn host never started"
            time.sleep(0.1)
        host = _spawned_children(process.pid)[0]
        time.sleep(1.0)  # the host has imported boto3 and waits for turns
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl+C sends: every process of the job
        assert process.wait(timeout=15) == 0
        deadline = time.monotonic() + 5
        while (stat := _stat(host)) is not None and stat[0] != "Z":
            assert time.monotonic() < deadline, "the turn host outlived the app"
            time.sleep(0.05)
    finally:
        if process.poll() is None:
            process.kill()
    assert "Traceback" not in process.stderr.read()  # type: ignore[union-attr]

"""``bedrock-chat --self-check`` run as a child process, as CI runs it against the bundle."""

from __future__ import annotations

import os
import sqlite3
import subprocess

from bedrock_chat import __version__
from tests.program.test_command_line import command


def _run(*options: str, timeout: float = 120, **env_extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **env_extra}
    return subprocess.run([*command("bedrock-chat", "bedrock_chat"), "--self-check", *options], env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def test_self_check_streams_a_reply_saves_it_and_exits_zero(tmp_path):
    result = _run("--data-dir", str(tmp_path / "data"), "--log-dir", str(tmp_path / "logs"))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"bedrock-chat {__version__} self-check passed: amazon.nova-micro-v1:0 streamed ")
    assert "Traceback" not in result.stderr
    with sqlite3.connect(tmp_path / "data" / "conversations.sqlite3") as db:
        rows = db.execute("SELECT role, state, length(text) FROM messages ORDER BY position").fetchall()
    assert rows[0][:2] == ("user", "complete") and rows[1][:2] == ("assistant", "complete") and rows[1][2] > 0


def test_self_check_without_a_data_dir_leaves_nothing_behind(tmp_path):
    temp = tmp_path / "temp"
    temp.mkdir()
    result = _run("--log-dir", str(tmp_path / "logs"), TMPDIR=str(temp))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"saved in {temp}" in result.stdout  # it used a temporary folder of its own…
    assert list(temp.iterdir()) == []  # …and removed it


def test_self_check_fails_with_a_reason_when_the_reply_fails(tmp_path):
    # An endpoint that refuses every request: the check must say so and exit non-zero, not hang or pass.
    result = _run("--data-dir", str(tmp_path), "--log-dir", str(tmp_path / "logs"), "--endpoint-url",
                  "http://127.0.0.1:9", timeout=180)
    assert result.returncode == 1, result.stdout
    assert f"bedrock-chat {__version__} self-check FAILED: the model list did not load: " in result.stdout
    assert "Traceback" not in result.stdout + result.stderr

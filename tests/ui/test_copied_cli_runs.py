"""Copy as AWS CLI, pasted into a shell and run: the real ``aws`` command against the local endpoint must send the
request and get the reply, also for a streaming request with a guardrail (the CLI's ``converse`` does not stream,
so it must not carry ConverseStream's own fields)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton

from tests.ui.conftest import choose_model


def _run_in_shell(command: str, cwd) -> subprocess.CompletedProcess[str]:
    # Made-up keys (the local endpoint checks the signature's shape, not the secret) and no config files, so
    # nothing of this machine's own AWS setup takes part.
    env = {"PATH": os.environ["PATH"], "HOME": str(cwd), "AWS_ACCESS_KEY_ID": "AKIDCOPIEDCLI",
           "AWS_SECRET_ACCESS_KEY": "copied-cli-secret", "AWS_CONFIG_FILE": os.devnull,
           "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    return subprocess.run(["bash", "-c", command], check=False, capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=120)


@pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is not installed")
def test_copied_cli_for_a_streaming_guarded_request_runs(qtbot, make_window, local_server, tmp_path):
    window = make_window(local_server.url)
    choose_model(qtbot, window, "amazon.nova-micro-v1:0")
    window.parameters.api.setCurrentIndex(window.parameters.api.findData("converse"))
    window.parameters.streaming.setChecked(True)
    options = window.parameters.request_options
    options.guardrail_id.setText("abc123xyz")
    options.guardrail_version.setText("1")
    window.prompt.setPlainText("What is a monad? It's \"quoted\" and costs $HOME.")
    button = next(b for b in window.findChildren(QPushButton) if b.accessibleName() == "Copy as AWS CLI")
    QGuiApplication.clipboard().clear()
    with qtbot.waitSignal(window.copy_code.copied):
        button.click()
    command = QGuiApplication.clipboard().text()
    assert "guardrailIdentifier" in command
    done = _run_in_shell(command, tmp_path)
    assert done.returncode == 0, done.stderr
    reply = json.loads(done.stdout)
    assert reply["output"]["message"]["content"][0]["text"]
    assert reply["stopReason"] == "end_turn"

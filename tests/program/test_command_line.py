"""Every command answers --version and --help, as a person types them, without starting Qt or a server."""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bedrock_chat import __version__


def command(name: str, module: str) -> list[str]:
    """The installed script next to this interpreter, or the module when the scripts are not installed."""
    script = shutil.which(name, path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", module]


COMMANDS = [("bedrock-chat", "bedrock_chat"), ("bedrock-chat-local", "bedrock_chat.local_endpoint")]


@pytest.mark.parametrize(("name", "module"), COMMANDS)
def test_version_prints_the_package_version(name, module):
    result = subprocess.run([*command(name, module), "--version"], capture_output=True, text=True, timeout=30,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{name} {__version__}"
    assert __version__ == importlib.metadata.version("bedrock-chat")  # one version, written in one place


@pytest.mark.parametrize(("name", "module", "options"), [
    ("bedrock-chat", "bedrock_chat", ["--offline", "--online", "--self-check", "--version", "--data-dir",
                                      "--log-dir", "--endpoint-url", "--profile", "--region"]),
    ("bedrock-chat-local", "bedrock_chat.local_endpoint", ["--host", "--port", "--tokens-per-second",
                                                           "--version"]),
])
def test_help_lists_every_option(name, module, options):
    result = subprocess.run([*command(name, module), "--help"], capture_output=True, text=True, timeout=30,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: {name}")
    for option in options:
        assert option in result.stdout


def test_about_box_shows_the_version(qtbot, make_window, local_server, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    window = make_window(local_server.url)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append((box.windowTitle(), box.text())) or 0)
    window.action_by_id["help.about"].trigger()
    assert len(shown) == 1
    assert f"Bedrock Chat {__version__}" in shown[0][1]
    assert str(window.data_dir) in shown[0][1]

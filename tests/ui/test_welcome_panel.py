"""First run without credentials: the welcome page explains how to get in and starts a chat on the local endpoint."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QPushButton, QWidget

from bedrock_chat.app import create_window, stop_local_endpoints
from bedrock_chat.ui.welcome_panel import SAMPLE_PROMPT, WelcomePanel


def _first_run_window(qtbot, tmp_path, *extra: str):
    # tests/conftest.py points the AWS config files at /dev/null and clears profiles: no credentials at all.
    window = create_window(["--data-dir", str(tmp_path), "--tokens-per-second", "0", *extra])
    qtbot.addWidget(window)
    window.show()
    return window


def _panel(window) -> WelcomePanel | None:
    return window.findChild(WelcomePanel)


def _accessible(widget: QWidget) -> bool:
    return bool(widget.accessibleName()) and bool(widget.toolTip())


def test_first_run_welcomes_then_chats_on_the_local_endpoint(qtbot, tmp_path, monkeypatch):
    window = _first_run_window(qtbot, tmp_path)
    try:
        panel = _panel(window)
        assert panel is not None and panel.isVisible()
        assert not window.chat.isVisible()  # the page stands in the chat area
        text = panel.text.text()
        for needed in ("aws configure", "aws sso login", "AWS_BEARER_TOKEN_BEDROCK", "us-east-1", "Model access",
                       "local endpoint"):
            assert needed in text, needed
        buttons = panel.findChildren(QPushButton)
        assert buttons and all(_accessible(button) for button in buttons)
        assert panel.accessibleName() == "Getting started"

        opened: list[QUrl] = []
        monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
        qtbot.mouseClick(panel.console_button, Qt.MouseButton.LeftButton)
        assert [url.host() for url in opened] == ["console.aws.amazon.com"]

        qtbot.mouseClick(panel.connect_button, Qt.MouseButton.LeftButton)  # sets up AWS without a restart
        qtbot.waitUntil(lambda: window.connection_dialog is not None and window.connection_dialog.isVisible())
        window.connection_dialog.reject()
        assert panel.isVisible()  # cancelled: the page still says how to get in

        qtbot.waitUntil(lambda: bool(window.models), timeout=15000)  # the built-in endpoint is up meanwhile
        qtbot.mouseClick(panel.try_local_button, Qt.MouseButton.LeftButton)
        assert not panel.isVisible() and window.chat.isVisible()
        assert window.prompt.toPlainText() == SAMPLE_PROMPT
        assert window.prompt.hasFocus() or not window.isActiveWindow()
        with qtbot.waitSignal(window.reply_finished, timeout=15000) as blocker:
            qtbot.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
        assert blocker.args[0].state.value == "complete" and blocker.args[0].text
        assert window.connection.offline

        window.action_by_id["help.getting_started"].trigger()
        assert panel.isVisible() and not window.chat.isVisible()
        assert window.findChildren(WelcomePanel) == [panel]  # shown again, not a second copy
    finally:
        window.close()
        stop_local_endpoints()


def test_sending_from_the_prompt_also_leaves_the_welcome_page(qtbot, tmp_path):
    window = _first_run_window(qtbot, tmp_path)
    try:
        qtbot.waitUntil(lambda: bool(window.models), timeout=15000)
        window.prompt.setPlainText("hi")
        with qtbot.waitSignal(window.reply_finished, timeout=15000):
            qtbot.keyClick(window.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert not _panel(window).isVisible() and window.chat.isVisible()
    finally:
        window.close()
        stop_local_endpoints()


def test_no_welcome_when_offline_was_asked_for_or_an_endpoint_given(qtbot, tmp_path, local_server):
    for options in (["--offline"], ["--endpoint-url", local_server.url]):
        window = _first_run_window(qtbot, tmp_path / options[0].strip("-"), *options)
        try:
            assert _panel(window) is None and window.chat.isVisible()
        finally:
            window.close()
            stop_local_endpoints()


def test_help_getting_started_on_aws_shows_the_steps_and_a_way_back(qtbot, tmp_path, local_server, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDLOCALTEST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local-secret-key")
    window = _first_run_window(qtbot, tmp_path, "--endpoint-url", local_server.url)  # on "AWS", not offline
    try:
        qtbot.waitUntil(lambda: bool(window.models), timeout=15000)
        window.action_by_id["help.getting_started"].trigger()
        panel = _panel(window)
        assert panel.isVisible() and not window.chat.isVisible()
        assert "No AWS credentials" not in panel.text.text() and "aws sso login" in panel.text.text()
        assert panel.try_local_button.text() == "Back to the conversation"
        assert _accessible(panel.try_local_button)
        qtbot.mouseClick(panel.try_local_button, Qt.MouseButton.LeftButton)
        assert not panel.isVisible() and window.chat.isVisible()
        assert window.prompt.toPlainText() == ""  # no sample prompt typed for a real model
    finally:
        window.close()
        stop_local_endpoints()

"""Copy as Python / Copy as AWS CLI, as a person uses them: click under the request preview, paste elsewhere."""

from __future__ import annotations

import json
import shlex

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton

from tests.copied_code import run_copied_python
from tests.ui.conftest import choose_model, send_prompt


def _button(window, name):
    buttons = [b for b in window.findChildren(QPushButton) if b.accessibleName() == name]
    assert len(buttons) == 1, name
    assert buttons[0].toolTip()
    return buttons[0]


def _show_preview(window):
    tabs = window.body.settings_column.tabs
    tabs.setCurrentIndex(tabs.indexOf(window.body.settings_column.preview_pane))


def _pick(qtbot, window, invoke_id):
    choose_model(qtbot, window, invoke_id)  # the model button, its filter, Enter
    qtbot.waitUntil(lambda: window.current_model().invoke_id == invoke_id)


def test_copied_python_run_elsewhere_gets_the_reply_the_window_got(qtbot, make_window, local_server, tmp_path):
    window = make_window(local_server.url)
    _show_preview(window)
    cases = [("cohere.command-r-plus-v1:0", "invoke", True), ("openai.gpt-oss-120b-1:0", "invoke", False),
             ("amazon.nova-micro-v1:0", "converse", True)]
    for invoke_id, api, streaming in cases:
        _pick(qtbot, window, invoke_id)
        window.parameters.api.setCurrentIndex(window.parameters.api.findData(api))
        window.parameters.streaming.setChecked(streaming)
        window.prompt.setPlainText("What's the river in \"Kathmandu\"? Say $HOME.")
        QGuiApplication.clipboard().clear()
        with qtbot.waitSignal(window.copy_code.copied):
            _button(window, "Copy as Python").click()
        code = QGuiApplication.clipboard().text()
        assert window.statusBar().currentMessage().startswith("Copied Python")
        assert f"model_id = {invoke_id!r}" in code and local_server.url in code
        assert "AKID" not in code and "secret" not in code.lower()
        reply = send_prompt(qtbot, window, window.prompt.toPlainText())
        assert reply.text and run_copied_python(code, tmp_path) == reply.text + "\n", (invoke_id, api, streaming)


def test_copied_cli_command_carries_the_previewed_body(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    _show_preview(window)
    send_prompt(qtbot, window, "first question")
    window.prompt.setPlainText("it's a 'quoted' follow-up")
    for api in ("converse", "invoke"):
        window.parameters.api.setCurrentIndex(window.parameters.api.findData(api))
        _button(window, "Copy as AWS CLI").click()
        command = QGuiApplication.clipboard().text()
        words = shlex.split(command.replace("\\\n", " "), comments=True)  # the shell drops backslash-newlines
        assert words[:3] == ["aws", "bedrock-runtime", "converse" if api == "converse" else "invoke-model"]
        body = json.loads(words[words.index("--cli-input-json" if api == "converse" else "--body") + 1])
        assert body == window.requests.build_request("it's a 'quoted' follow-up").body()
        assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
        assert words[words.index("--endpoint-url") + 1] == local_server.url


def test_no_model_means_a_clear_message_not_code(qtbot, make_window, local_server, monkeypatch):
    window = make_window(local_server.url)
    monkeypatch.setattr(window, "current_model", lambda: None)
    QGuiApplication.clipboard().setText("untouched")
    with qtbot.waitSignal(window.copy_code.failed):
        _button(window, "Copy as Python").click()
    assert QGuiApplication.clipboard().text() == "untouched"
    assert "Choose a model" in window.statusBar().currentMessage()

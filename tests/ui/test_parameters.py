"""Sliders are bounded by the model, every change shows in the request preview, and choices persist."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QAbstractButton, QComboBox, QPlainTextEdit, QSlider, QWidget

from tests.ui.conftest import choose_model, send_prompt, shown_request


def _preview(window) -> dict:
    return json.loads(shown_request(window).split("\n", 1)[1])


def _choose(qtbot, window, invoke_id: str) -> None:
    choose_model(qtbot, window, invoke_id)
    assert window.current_model().invoke_id == invoke_id


def test_sliders_follow_model_limits_and_show_in_the_request(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    panel = window.parameters
    panel.temperature.slider.setValue(25)
    panel.top_p.slider.setValue(500)
    panel.max_tokens.spin.setValue(777)
    panel.stop_sequences.setPlainText("END\nSTOP")
    panel.system_prompt.setPlainText("Be terse.")
    body = _preview(window)
    assert body["inferenceConfig"] == {"maxTokens": 777, "temperature": 0.25, "topP": 0.5,
                                       "stopSequences": ["END", "STOP"]}
    assert body["system"] == [{"text": "Be terse."}]

    _choose(qtbot, window, "meta.llama3-8b-instruct-v1:0")
    assert panel.max_tokens.slider.maximum() == 2048 and panel.max_tokens.spin.maximum() == 2048
    panel.max_tokens.spin.setValue(99999)
    assert panel.params().max_tokens == 2048
    panel.api.setCurrentIndex(panel.api.findData("invoke"))
    body = _preview(window)
    assert body["max_gen_len"] == 2048 and body["prompt"].startswith("<|begin_of_text|>")
    panel.stop_sequences.setPlainText("END")
    assert "no stop sequences" in panel.notice.text()

    _choose(qtbot, window, "amazon.nova-micro-v1:0")
    body = _preview(window)
    assert body["schemaVersion"] == "messages-v1" and body["inferenceConfig"]["maxTokens"] == 2048  # kept: it fits
    panel.temperature.spin.setValue(0.9)
    assert _preview(window)["inferenceConfig"]["temperature"] == 0.9
    reply = send_prompt(qtbot, window, "Sampling test")
    assert reply.parameters["temperature"] == 0.9
    assert "| Temperature | 0.9 |" in reply.text  # the endpoint saw exactly what the preview showed

    panel.reset.click()
    assert panel.params().temperature == 0.7 and panel.params().max_tokens == 1024


def test_parameters_persist_per_model_and_across_restarts(qtbot, make_window, local_server, tmp_path):
    window = make_window(local_server.url)
    window.parameters.temperature.spin.setValue(0.15)
    _choose(qtbot, window, "mistral.mistral-7b-instruct-v0:2")
    assert window.parameters.params().temperature == 0.15  # a switch keeps what fits, not Mistral's default 0.5
    window.parameters.temperature.spin.setValue(0.33)
    _choose(qtbot, window, "amazon.nova-micro-v1:0")
    assert window.parameters.params().temperature == 0.33
    _choose(qtbot, window, "mistral.mistral-7b-instruct-v0:2")
    window.close()
    again = make_window(local_server.url, data_dir=tmp_path)
    assert again.current_model().invoke_id == "mistral.mistral-7b-instruct-v0:2"
    assert again.parameters.params().temperature == 0.33


def test_corrupt_settings_fall_back_to_defaults(qtbot, make_window, local_server, tmp_path):
    (tmp_path / "settings.ini").write_bytes(b"\xff\xfe[params]\nbroken=\x00\x01{{{\n[connection\nmodel=")
    window = make_window(local_server.url, data_dir=tmp_path)
    assert window.current_model().invoke_id == "amazon.nova-micro-v1:0"
    assert window.parameters.params().max_tokens == 1024
    assert "settings file could not be read" in window.error_text.text()
    assert not window.error_banner.isHidden()
    assert list(tmp_path.glob("settings.corrupt-*.ini"))


def test_every_control_has_an_accessible_name(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    names = {widget.accessibleName() for widget in window.findChildren(QWidget)}
    for expected in ("Prompt", "Send", "Stop", "Model", "Region", "AWS profile", "Temperature", "Top P",
                     "Max tokens", "System prompt", "Stop sequences", "Conversation", "Statistics", "API",
                     "Streaming", "Request preview", "Retry"):
        assert expected in names, expected
    for kind in (QAbstractButton, QComboBox, QSlider, QPlainTextEdit):
        for widget in window.findChildren(kind):
            if widget.isVisibleTo(window) and widget.parent() is not None:
                assert widget.accessibleName(), f"{kind.__name__} {widget.objectName()}"


def test_region_and_profile_choice_is_remembered(qtbot, make_window, local_server, tmp_path):
    window = make_window(local_server.url)
    window.settings.set_connection("eu-west-1", "analyst-sso")
    window.close()
    again = make_window(local_server.url, data_dir=tmp_path)
    assert again.connection.region == "eu-west-1" and again.connection.profile == "analyst-sso"
    assert again.region_box.currentText() == "eu-west-1"


def test_preview_after_a_turn_holds_the_reply_and_the_draft_apart(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    reply = send_prompt(qtbot, window, "first question")
    window.prompt.setPlainText("second question")
    messages = _preview(window)["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert messages[1]["content"][0]["text"] == reply.text
    assert messages[2]["content"][0]["text"] == "second question"

"""The parameter panel tells the truth: what the model ignores is disabled with the reason, a model switch keeps
what fits and says what changed, and the mouse wheel scrolls the panel instead of changing values."""

from __future__ import annotations

import json

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import choose_model, shown_request

CLAUDE = "us.anthropic.claude-3-7-sonnet-20250219-v1:0"


def _choose(qtbot, window, invoke_id: str) -> None:
    choose_model(qtbot, window, invoke_id)
    assert window.current_model().invoke_id == invoke_id


def _preview(window) -> dict:
    return json.loads(shown_request(window).split("\n", 1)[1])


def test_thinking_disables_temperature_and_top_p_with_the_reason(qtbot, make_window, local_server):
    window = make_window(local_server.url, "--model", CLAUDE)
    panel = window.parameters
    panel.max_tokens.set_value(1000)
    assert panel.temperature.slider.isEnabled() and panel.reasoning.isEnabled()
    qtbot.mouseClick(panel.reasoning, Qt.MouseButton.LeftButton, pos=QPoint(6, panel.reasoning.height() // 2))
    assert panel.reasoning.isChecked()
    # A ticked box that did nothing was the old lie: Max tokens is raised so thinking really happens.
    assert panel.max_tokens.value() > 1024 and "raised" in panel.switch_note.text()
    assert "thinking" in _preview(window)["additionalModelRequestFields"]
    for slider in (panel.temperature, panel.top_p):
        assert not slider.slider.isEnabled() and not slider.spin.isEnabled()
        assert "extended thinking is on" in slider.spin.toolTip()
    panel.max_tokens.spin.setValue(800)  # too little room to think: thinking goes off, and says so
    assert not panel.reasoning.isChecked() and "turned off" in panel.switch_note.text()
    assert panel.temperature.slider.isEnabled() and "extended thinking" not in panel.temperature.spin.toolTip()


def test_a_model_without_thinking_says_why_its_box_is_off(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    panel = window.parameters
    assert not panel.reasoning.isEnabled() and not panel.reasoning.isChecked()
    assert "Nova Micro has no extended thinking" in panel.reasoning.toolTip()
    _choose(qtbot, window, "meta.llama3-8b-instruct-v1:0")
    panel.api.setCurrentIndex(panel.api.findData("invoke"))
    assert not panel.stop_sequences.isEnabled() and "no stop sequences" in panel.stop_sequences.toolTip()


def test_a_switch_keeps_what_fits_clamps_the_rest_and_says_so(qtbot, make_window, local_server):
    window = make_window(local_server.url, "--model", CLAUDE)
    panel = window.parameters
    panel.temperature.spin.setValue(0.42)
    panel.max_tokens.spin.setValue(8000)
    panel.reasoning.setChecked(True)
    panel.system_prompt.setPlainText("Be terse.")
    _choose(qtbot, window, "meta.llama3-8b-instruct-v1:0")
    params = panel.params()
    assert params.temperature == 0.42 and params.max_tokens == 2048 and params.system_prompt == "Be terse."
    note = panel.switch_note.text()
    assert panel.switch_note.isVisible() and "Llama 3 8B Instruct" in note
    assert "Max tokens 8,000 → 2,048" in note and "extended thinking off" in note and "Temperature" not in note
    assert _preview(window)["inferenceConfig"]["maxTokens"] == 2048
    _choose(qtbot, window, "amazon.nova-micro-v1:0")
    assert panel.params().max_tokens == 2048 and "every setting kept" in panel.switch_note.text()


def _wheel(widget, steps: int = -3) -> None:
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * steps), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_scrolls_the_panel_and_never_changes_a_value(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    window.resize(900, 600)
    qtbot.waitUntil(lambda: window.height() == 600)
    panel = window.parameters
    panel.max_tokens.spin.setValue(8000)
    scroll = window.body.side_panel.parameters_scroll.verticalScrollBar()
    assert scroll.maximum() > 0  # the panel is taller than its tab at this size
    for control in (panel.max_tokens.slider, panel.max_tokens.spin, panel.temperature.slider, panel.api):
        control.setFocus()  # even focused, the wheel does not turn it
        before = scroll.value()
        _wheel(control)
        assert panel.max_tokens.value() == 8000 and panel.temperature.value() == 0.7
        assert panel.api.currentData() == "converse"
        assert scroll.value() > before or scroll.value() == scroll.maximum()
    qtbot.keyClick(panel.max_tokens.spin, Qt.Key.Key_Up)  # the keyboard still works
    assert panel.max_tokens.value() == 8001

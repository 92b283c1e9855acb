"""The newer families through the window: pick the model, send, see the reply, its tokens and its dated price."""

from __future__ import annotations

from bedrock_chat.core.conversation import MessageState
from tests.ui.conftest import choose_model, send_prompt

MODELS = [
    "cohere.command-r-v1:0",
    "ai21.jamba-1-5-large-v1:0",
    "openai.gpt-oss-20b-1:0",
    "qwen.qwen3-235b-a22b-2507-v1:0",
    "mistral.mistral-large-2407-v1:0",
    "us.meta.llama4-maverick-17b-instruct-v1:0",
    "us.anthropic.claude-haiku-4-5-20251001-v1:0",
]


def _pick(qtbot, window, invoke_id):
    choose_model(qtbot, window, invoke_id)  # the model button, its filter, Enter
    qtbot.waitUntil(lambda: window.current_model().invoke_id == invoke_id)


def test_each_new_family_answers_in_the_window_natively_and_over_converse(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    for invoke_id in MODELS:
        _pick(qtbot, window, invoke_id)
        for api in ("invoke", "converse"):
            window.parameters.api.setCurrentIndex(window.parameters.api.findData(api))
            for streaming in (True, False):
                window.parameters.streaming.setChecked(streaming)
                reply = send_prompt(qtbot, window, "[echo] Which river flows through Kathmandu?")
                assert reply.state == MessageState.COMPLETE, (invoke_id, api, streaming)
                assert reply.api == api and reply.model_id == invoke_id
                assert reply.text == "Which river flows through Kathmandu?", (invoke_id, api, streaming)
                assert reply.stats["inputTokens"] > 0 and reply.stats["outputTokens"] > 0
                tokens = window.stats.values["tokens"].text()
                assert tokens.split(" / ")[0] == f"{reply.stats['inputTokens']:,}", (invoke_id, tokens)
                assert window.stats.values["stop"].text() == "finished"
                cost = window.stats.values["cost"]
                assert cost.text().startswith("$")
                assert "as of 20" in cost.toolTip(), invoke_id
    assert "Which river flows through Kathmandu?" in window.chat.toPlainText()


def test_the_model_picker_says_how_old_a_price_is(qtbot, make_window, local_server):
    from PySide6.QtCore import Qt

    window = make_window(local_server.url)
    qtbot.mouseClick(window.model_picker, Qt.MouseButton.LeftButton)
    popup = window.model_picker.popup
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClicks(popup.filter, "Jamba 1.5 Large")
    tips = [popup.list.item(row).toolTip().replace("\xa0", " ") for row in range(popup.list.count())]
    assert any("ai21.jamba-1-5-large-v1:0" in tip and "as of 2025-10-15" in tip and "$2.00 in / $8.00 out" in tip
               for tip in tips), tips
    qtbot.keyClick(popup.filter, Qt.Key.Key_Escape)

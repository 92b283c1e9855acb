"""Whole turns through the real window, worker, boto3 and the local endpoint."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, QUrl

from bedrock_chat.core.conversation import MessageState, Role
from tests.ui.conftest import send_prompt, shown_request
from tests.ui.menu_helpers import import_through_menu


def test_type_send_stream_stats_save_and_reload(qtbot, make_window, local_server, tmp_path, monkeypatch):
    window = make_window(local_server.url)
    assert window.current_model().invoke_id == "amazon.nova-micro-v1:0"
    assert not window.send_button.isEnabled()  # empty prompt
    reply = send_prompt(qtbot, window, "what is capital of Nepal")
    assert reply.state == MessageState.COMPLETE
    assert reply.text.startswith("The capital of Nepal is Kathmandu.")
    shown = window.chat.toPlainText()
    assert "what is capital of Nepal" in shown and "The capital of Nepal is Kathmandu." in shown
    assert "python" in shown and "Setting" in shown  # code block and table rendered
    assert window.stats.values["tokens"].text().startswith("5 / ")
    assert window.stats.values["stop"].text() == "finished"
    assert window.stats.values["request"].text() == reply.stats["requestId"]
    assert window.stats.values["ttft"].text().endswith("ms")
    assert window.stats.values["service"].text().startswith("total ")  # a label a person reads, no raw field
    assert window.stats.values["cost"].text().startswith("$")
    assert "1 reply" in window.stats.session.text()

    second = send_prompt(qtbot, window, "And of France?")
    assert "turn 2" in second.text
    third = send_prompt(qtbot, window, "Thanks")
    assert "turn 3" in third.text

    json_path, markdown_path = tmp_path / "out" / "chat.json", tmp_path / "out" / "chat.md"
    window.write_transcript(json_path)
    window.write_transcript(markdown_path)
    saved = json.loads(json_path.read_text())
    assert saved["format"] == "bedrock-chat.transcript" and saved["version"] == 1
    roles = [m["role"] for m in saved["conversation"]["messages"]]
    assert roles == ["user", "assistant"] * 3
    assistant = saved["conversation"]["messages"][1]
    assert assistant["modelId"] == "amazon.nova-micro-v1:0" and assistant["api"] == "converse"
    assert assistant["parameters"]["maxTokens"] == 1024 and assistant["stats"]["outputTokens"] > 0
    assert "## You" in markdown_path.read_text() and "Kathmandu" in markdown_path.read_text()

    window.new_conversation()
    assert window.conversation.messages == []
    assert import_through_menu(qtbot, window, monkeypatch, [json_path]).errors == []
    assert [m.text for m in window.conversation.messages] == [m["text"] for m in saved["conversation"]["messages"]]
    assert "Kathmandu" in window.chat.toPlainText()


def test_keyboard_ctrl_enter_sends(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    window.prompt.setFocus()
    qtbot.keyClicks(window.prompt, "hello")
    with qtbot.waitSignal(window.reply_finished, timeout=15000):
        qtbot.keyClick(window.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.conversation.messages[0].text == "hello"
    assert window.prompt.toPlainText() == ""


def test_invoke_model_native_path_and_no_streaming(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    window.parameters.api.setCurrentIndex(window.parameters.api.findData("invoke"))
    reply = send_prompt(qtbot, window, "what is capital of Nepal")
    assert reply.api == "invoke" and reply.text.startswith("The capital of Nepal")
    assert reply.stats["invocationLatencyMs"] is not None and reply.stats["firstByteLatencyMs"] is not None
    window.parameters.streaming.setChecked(False)
    whole = send_prompt(qtbot, window, "what is capital of Nepal")
    assert whole.parameters["streaming"] is False
    assert whole.stats["outputTokens"] > 0


def test_max_tokens_cut_is_announced(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    window.parameters.max_tokens.set_value(15)
    reply = send_prompt(qtbot, window, "Tell me about streams")
    assert reply.stats["stopReason"] == "max_tokens"
    assert not window.stats.cut_notice.isHidden()
    assert "Cut at the max tokens limit" in window.chat.toPlainText()


def test_reasoning_is_shown_apart_and_collapsible(qtbot, make_window, local_server):
    window = make_window(local_server.url, "--model", "us.anthropic.claude-3-7-sonnet-20250219-v1:0")
    assert window.parameters.reasoning.isEnabled()
    window.parameters.max_tokens.set_value(4000)
    window.parameters.reasoning.setChecked(True)
    assert '"thinking"' in shown_request(window)
    reply = send_prompt(qtbot, window, "Plan a trip")
    assert reply.reasoning.startswith("The user asks about")
    assert reply.reasoning not in reply.text
    shown = window.chat.toPlainText()
    assert "Reasoning (" in shown and "— show" in shown and reply.reasoning[:40] not in shown
    window.chat._on_anchor(QUrl(f"toggle-reasoning:{reply.id}"))
    assert reply.reasoning[:40] in window.chat.toPlainText()


def test_long_reply_at_full_speed_arrives_whole(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    window.parameters.max_tokens.set_value(10000)
    reply = send_prompt(qtbot, window, "Write at length [tokens:8000]", timeout=60000)
    assert reply.stats["outputTokens"] == 8000
    shown = window.chat.toPlainText()
    assert "Part 40." in shown and len(shown) > 0.9 * len(reply.text)
    last_words = " ".join(reply.text.split()[-3:])
    assert last_words in shown


def test_autosaved_conversation_reopens(qtbot, make_window, local_server, tmp_path):
    window = make_window(local_server.url)
    send_prompt(qtbot, window, "remember me")
    window.close()
    again = make_window(local_server.url, data_dir=tmp_path)
    assert [m.role for m in again.conversation.messages] == [Role.USER, Role.ASSISTANT]
    assert "remember me" in again.chat.toPlainText()


def _normalized(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _block_layout(document) -> list[tuple[str, bool, float, float]]:
    """Each block's text, list membership and spacing: what a reader sees of the structure."""
    blocks, block = [], document.begin()
    while block.isValid():
        form = block.blockFormat()
        blocks.append((block.text().strip(), block.textList() is not None, form.topMargin(), form.bottomMargin()))
        block = block.next()
    return blocks


def test_block_by_block_rendering_matches_a_fresh_render(qtbot, make_window, paced_server):
    window = make_window(paced_server.url, "--model", "us.anthropic.claude-3-7-sonnet-20250219-v1:0")
    window.parameters.max_tokens.set_value(3000)
    window.parameters.reasoning.setChecked(True)
    window.prompt.setPlainText("Explain streaming [tokens:600]")
    with qtbot.waitSignal(window.reply_finished, timeout=30000) as blocker:
        window.send_button.click()
        qtbot.waitUntil(lambda: window.chat._streaming is not None and "### Key points\n\n- " in
                        window.turns.reply.text[: window.chat._streaming.rendered_chars], timeout=20000)
        assert "Key points" in window.chat.toPlainText()  # a finished block was rendered while streaming
        assert "### Key points" not in window.chat.toPlainText()
    reply = blocker.args[0]
    qtbot.waitUntil(lambda: not window.chat.rendering, timeout=10000)
    streamed = _normalized(window.chat.toPlainText())
    streamed_layout = _block_layout(window.chat.document())
    copies = list(window.chat._code_blocks[reply.id])
    window.chat.render_all()
    assert streamed == _normalized(window.chat.toPlainText())
    assert streamed_layout == _block_layout(window.chat.document())
    assert copies == window.chat._code_blocks[reply.id] and copies

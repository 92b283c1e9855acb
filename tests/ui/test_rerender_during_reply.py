"""Whole-view re-renders (reasoning toggle, theme) while a reply streams keep the reply whole and single."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction


def test_toggling_reasoning_and_theme_mid_reply_keeps_the_reply_once(qtbot, make_window, paced_server):
    window = make_window(paced_server.url, "--model", "us.anthropic.claude-3-7-sonnet-20250219-v1:0")
    window.parameters.max_tokens.set_value(4000)
    window.parameters.reasoning.setChecked(True)
    window.prompt.setPlainText("Plan a trip [tokens:800]")
    with qtbot.waitSignal(window.reply_finished, timeout=60000) as finished:
        window.send_button.click()
        qtbot.waitUntil(lambda: window.turns.reply is not None and len(window.turns.reply.text) > 40, timeout=20000)
        reply_id = window.turns.reply.id
        window.chat.anchorClicked.emit(QUrl(f"toggle-reasoning:{reply_id}"))  # the "Reasoning — show" link
        shown_at_toggle = len(window.chat.toPlainText())
        # The rest of the reply keeps appearing while it streams (it once froze until the reply ended).
        qtbot.waitUntil(lambda: window.turns.reply is not None
                        and len(window.chat.toPlainText()) > shown_at_toggle + 200, timeout=20000)
        window.findChild(QAction, "view.theme_dark").trigger()  # View › Dark theme
    reply = finished.args[0]
    qtbot.waitUntil(lambda: not window.chat.rendering, timeout=20000)
    shown = window.chat.toPlainText()
    first_line = reply.text.split("\n", 1)[0]
    assert len(first_line) > 20 and shown.count(first_line) == 1, "the reply is shown exactly once"
    last_words = " ".join(reply.text.split()[-4:])
    assert last_words in shown, "the text that arrived after the re-render is shown"
    assert reply.reasoning[:40] in shown, "the reasoning stays expanded as toggled"

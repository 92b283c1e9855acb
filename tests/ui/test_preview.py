"""The request preview can be watched while typing: it keeps its scroll, shades what changed, colours the JSON
(user text shown as text), refreshes by itself after a reply, and its button row takes more buttons."""

from __future__ import annotations

import json

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QPushButton

from tests.ui.conftest import send_prompt


def _show_preview(qtbot, window, width: int = 1280, height: int = 820) -> None:
    window.resize(width, height)
    window.body.side_panel.tabs.setCurrentWidget(window.preview_pane)
    qtbot.waitUntil(window.preview.isVisible)


def test_typing_keeps_the_scroll_and_shades_the_changed_line(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    window.parameters.stop_sequences.setPlainText("one\ntwo\nthree\nfour")  # a body taller than the view
    send_prompt(qtbot, window, "a first question with a long enough answer")
    _show_preview(qtbot, window, 900, 600)
    qtbot.waitUntil(lambda: "long enough answer" in window.preview.toPlainText(), timeout=5000)
    bar = window.preview.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 5, timeout=5000)
    bar.setValue(3)  # somewhere in the middle: it stays there
    qtbot.keyClicks(window.prompt, "w")
    window._preview_timer.timeout.emit()
    assert bar.value() == 3
    bar.setValue(bar.maximum())  # down where inferenceConfig is: it stays at the end
    for text in ("wa", "wat", "watch <b>me</b>"):
        qtbot.keyClicks(window.prompt, text[-1:]) if len(text) <= 3 else window.prompt.setPlainText(text)
        window._preview_timer.timeout.emit()
        assert bar.value() == bar.maximum() > 5, text
    lines = window.preview.toPlainText().split("\n")
    assert window.preview.changed and any("watch <b>me</b>" in lines[i] for i in window.preview.changed)
    shaded = {selection.cursor.blockNumber() for selection in window.preview.extraSelections()}
    assert shaded == set(window.preview.changed)
    qtbot.waitUntil(lambda: not window.preview.extraSelections(), timeout=4000)  # the shade fades

    window.parameters.max_tokens.spin.setValue(999)
    window._preview_timer.timeout.emit()
    assert bar.value() == bar.maximum()
    assert any('"maxTokens": 999' in window.preview.toPlainText().split("\n")[i] for i in window.preview.changed)


def test_the_json_is_coloured_and_user_text_stays_text(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    _show_preview(qtbot, window)
    window.prompt.setPlainText('<img src=x onerror=alert(1)> "quoted" 42')
    window._preview_timer.timeout.emit()
    text = window.preview.toPlainText()
    assert '<img src=x onerror=alert(1)> \\"quoted\\" 42' in text  # shown literally, JSON-escaped
    block = window.preview.document().firstBlock()
    colours: set[str] = set()
    while block.isValid():
        for span in block.layout().formats():
            colours.add(QColor(span.format.foreground().color()).name())
        block = block.next()
    assert len(colours) >= 3  # header, keys, strings and numbers each have their colour
    window.set_theme("dark", save=False)
    QApplication.processEvents()
    assert window.preview.highlighter.dark


def test_the_preview_shows_the_reply_in_the_history_without_any_change(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    _show_preview(qtbot, window)
    reply = send_prompt(qtbot, window, "hello there")
    qtbot.waitUntil(lambda: reply.text[:30] in window.preview.toPlainText(), timeout=3000)  # no stale body
    body = json.loads(window.preview.toPlainText().split("\n", 1)[1])
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]


def test_every_copy_button_fits_the_row_at_the_default_size_and_copy_json_copies_the_body(
        qtbot, make_window, local_server):
    window = make_window(local_server.url)
    window.resize(1280, 820)
    _show_preview(qtbot, window)
    window._preview_timer.timeout.emit()
    row = window.preview_pane.buttons
    names = ("Copy request JSON", "Copy as Python", "Copy as AWS CLI")
    buttons = [b for b in row.findChildren(QPushButton) if b.accessibleName() in names]
    assert sorted(b.accessibleName() for b in buttons) == sorted(names)
    qtbot.waitUntil(lambda: all(b.isVisible() for b in buttons))  # none pushed into the toolbar's » menu
    window.resize(900, 600)  # the narrowest side panel: the row wraps, every button stays whole and shown
    qtbot.waitUntil(lambda: window.body.side_panel.width() < 300)
    extra = QPushButton("Another")
    extra.setAccessibleName("Another copy button")
    window.preview_pane.add_button(extra)
    qtbot.waitUntil(lambda: all(b.isVisible() for b in [*buttons, extra]))
    assert all(b.geometry().right() <= row.width() for b in [*buttons, extra])
    assert len({b.geometry().top() for b in [*buttons, extra]}) > 1  # wrapped onto a second line
    window.preview_pane.copy_button.click()
    assert json.loads(QApplication.clipboard().text())["messages"]


def test_a_hidden_preview_waits_and_is_current_the_moment_its_tab_is_shown(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    tabs = window.body.side_panel.tabs
    tabs.setCurrentIndex(0)  # the Parameters tab: the preview is not on screen
    reply = send_prompt(qtbot, window, "[tokens:300] a long answer")
    window._preview_timer.timeout.emit()
    assert reply.text[:30] not in window.preview.toPlainText()  # no rebuild for a body nobody sees
    tabs.setCurrentWidget(window.preview_pane)
    qtbot.waitUntil(lambda: reply.text[:30] in window.preview.toPlainText(), timeout=3000)

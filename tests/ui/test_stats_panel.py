"""The full statistics panel: one empty-state line before any reply, readable labels and numbers, and the last
reply's figures and how it ended cleared when another conversation comes on screen."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from bedrock_chat.local_endpoint.faults import FAULT_HEADER
from tests.conftest import send_header, stop_sending_header
from tests.ui.conftest import send_prompt


def _shown_texts(panel) -> list[str]:
    return [label.text() for label in panel.findChildren(QLabel) if label.isVisibleTo(panel)]


def test_first_start_shows_one_line_not_rows_of_dashes(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    texts = _shown_texts(window.stats)
    assert "—" not in texts
    assert any("No reply in this conversation yet" in text for text in texts)
    assert window.stats.session.text() == "No replies yet in this session."


def test_reply_figures_read_well_and_clear_on_ctrl_n_and_on_a_switch(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    first = window.conversation
    send_prompt(qtbot, window, "what is capital of Nepal")
    values = window.stats.values
    assert values["ttft"].isVisibleTo(window.stats) and not window.stats.empty.isVisibleTo(window.stats)
    assert re.fullmatch(r"\d+ ms|\d+\.\d\d s", values["ttft"].text())
    assert re.fullmatch(r"total [\d.,]+ (ms|s)( · .*)?", values["service"].text())
    assert re.fullmatch(r"\$0\.\d+|<\$0\.000001", values["cost"].text())
    assert re.fullmatch(r"[\d.,]+ tok/s|—", values["speed"].text())  # — when the stream was too quick to time
    assert not values["cache"].isVisibleTo(window.stats)  # no cache use: no row of dashes for it
    assert "latencyMs" not in " ".join(_shown_texts(window.stats))

    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.conversation is not first
    assert window.stats.empty.isVisibleTo(window.stats) and values["ttft"].text() == "—"
    assert "1 reply" in window.stats.session.text()  # the session goes on

    send_prompt(qtbot, window, "second conversation")
    assert not window.stats.empty.isVisibleTo(window.stats)
    rows = window.sidebar.list
    item = next(rows.item(i) for i in range(rows.count()) if rows.item(i).data(Qt.ItemDataRole.UserRole) == first.id)
    qtbot.mouseClick(rows.viewport(), Qt.MouseButton.LeftButton, pos=rows.visualItemRect(item).center())
    qtbot.waitUntil(lambda: window.conversation.id == first.id)
    assert window.stats.empty.isVisibleTo(window.stats)


def test_a_quick_reply_never_shows_a_total_time_below_its_time_to_first_token(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    for prompt in ("hi", "what is capital of Nepal", "[tokens:400] go"):
        reply = send_prompt(qtbot, window, prompt)
        assert reply.stats["latencyMs"] >= reply.stats["timeToFirstTokenMs"], reply.stats


def test_how_the_last_reply_ended_leaves_the_status_bar_with_its_conversation(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    first = window.conversation
    send_header(window.clients.runtime, FAULT_HEADER, "access-denied")
    send_prompt(qtbot, window, "what is capital of Nepal")
    status = window.statusBar()
    assert status.currentMessage() == "The reply failed; see the message above."

    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.conversation is not first
    assert status.currentMessage() == ""  # the failure was the other conversation's

    stop_sending_header(window.clients.runtime, FAULT_HEADER)
    send_prompt(qtbot, window, "second conversation")
    assert status.currentMessage().startswith("Reply ")  # still said once the reply is saved and listed
    rows = window.sidebar.list
    item = next(rows.item(i) for i in range(rows.count()) if rows.item(i).data(Qt.ItemDataRole.UserRole) == first.id)
    qtbot.mouseClick(rows.viewport(), Qt.MouseButton.LeftButton, pos=rows.visualItemRect(item).center())
    qtbot.waitUntil(lambda: window.conversation.id == first.id)
    assert status.currentMessage() == ""

    status.showMessage("Imported 3 conversations.", 8000)  # news of another kind stays when the view changes
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert status.currentMessage() == "Imported 3 conversations."

"""Switching between two long conversations with the request preview open: the preview shows the other body
at once, without first diffing the two bodies line by line on the GUI thread (seconds for a hundred turns)."""

from __future__ import annotations

import itertools
import time

from PySide6.QtCore import QTimer

from bedrock_chat.core.conversation import Conversation, Message, Role


def _long_conversation(tag: str, turns: int) -> Conversation:
    conversation = Conversation(title=f"{tag} long conversation")
    for index in range(turns):
        conversation.messages += [Message(Role.USER, f"{tag} question {index} " + "words " * 20),
                                  Message(Role.ASSISTANT, f"{tag} answer {index} " + "words " * 20,
                                          model_id="amazon.nova-micro-v1:0")]
    return conversation


def test_switching_long_conversations_does_not_stall_the_preview(qtbot, make_window, local_server, tmp_path):
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    tabs = window.body.settings_column.tabs
    tabs.setCurrentIndex(tabs.indexOf(window.body.settings_column.preview_pane))
    for tag in ("first", "second"):
        window.store.save_conversation(_long_conversation(tag, 150))
    window.history.refresh_sidebar()

    def item(tag: str):  # looked up each time: the list is rebuilt when the conversation on screen changes
        return next(window.sidebar.list.item(i) for i in range(window.sidebar.list.count())
                    if window.sidebar.list.item(i).text().startswith(f"{tag} long"))

    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(10)
    for tag in ("first", "second", "first"):
        window.sidebar.list.itemClicked.emit(item(tag))  # a click on the conversation in the list
        qtbot.waitUntil(lambda tag=tag: f'"{tag} question 149' in window.preview.toPlainText(), timeout=30000)
    timer.stop()
    longest_stall = max(b - a for a, b in itertools.pairwise(ticks))
    assert longest_stall < 1.5, longest_stall  # 6 s and more before: a quadratic line diff of both bodies
    assert window.preview.changed == []  # another conversation's body: nothing shaded as "changed"

"""Conversation views garbage-collected while Qt still sends them events end quietly (no exception in a filter)."""

from __future__ import annotations

import gc
import sys

from PySide6.QtWidgets import QApplication

from bedrock_chat.ui.chat_view import ChatView


def test_views_collected_while_qt_still_sends_them_events_raise_nothing(qtbot, monkeypatch):
    errors: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, error, trace: errors.append(error))
    views: list[ChatView] = []
    for number in range(30):
        view = ChatView()
        view.show()
        view.setHtml(f"<p>reply {number}</p>")
        view.grab()
        QApplication.processEvents()
        views.append(view)
        if len(views) > 2:
            views.pop(0)
        gc.collect()
        QApplication.processEvents()
    assert errors == []

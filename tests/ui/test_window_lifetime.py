"""Memory stays bounded: a closed window goes with everything it held, and switching conversations or turning
compare mode on and off again and again keeps only what is on screen."""

from __future__ import annotations

import functools
import gc
import weakref
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from bedrock_chat.core.conversation import Conversation, Message, Role
from tests.ui.conftest import send_prompt
from tests.ui.test_compare import compare_on, finish_compare


def _let_go() -> None:
    """Runs pending deletions and the cyclic collector, so what survives is what something still holds."""
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QApplication.processEvents()
        gc.collect()


def _alive(kind: type) -> int:
    return sum(1 for thing in gc.get_objects() if type(thing) is kind)


def _click_row(qtbot: Any, window: Any, title: str) -> None:
    """Clicks the conversation's row in the sidebar, as a person does."""
    listing = window.sidebar.list
    item = next(listing.item(row) for row in range(listing.count())
                if listing.item(row).text().split("\n")[0].strip() == title)
    listing.scrollToItem(item)
    center: QPoint = listing.visualItemRect(item).center()
    qtbot.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.waitUntil(lambda: window.conversation.title == title, timeout=5000)


def test_a_window_closed_from_the_menu_is_freed_with_all_it_held(qtbot, make_window, local_server, tmp_path):
    """Its history, views and compare columns go with it: the data-folder lock once held the window through a
    signal connection out of the collector's sight, so every window closed stayed in memory for good."""
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    send_prompt(qtbot, window, "remember this reply")
    compare_on(window)
    window.action_by_id["chat.compare"].trigger()
    window.action_by_id["file.new"].trigger()
    held = {name: weakref.ref(thing) for name, thing in (
        ("window", window), ("conversation view", window.chat), ("compare column", window.compare.panel.columns[0]),
        ("session", window.session), ("store", window.store), ("conversation", window.conversation))}
    window.action_by_id["file.quit"].trigger()
    window.deleteLater()  # what the window's owner does with a closed window (pytest-qt here)
    del window
    _let_go()
    assert [name for name, ref in held.items() if ref() is not None] == []


def test_switching_between_fifty_conversations_keeps_only_the_one_on_screen(qtbot, make_window, local_server,
                                                                           tmp_path):
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    per_conversation = 12
    for number in range(50):
        conversation = Conversation(title=f"Topic {number:02d}")
        for turn in range(per_conversation // 2):
            conversation.messages += [
                Message(Role.USER, f"question {turn} of topic {number}"),
                Message(Role.ASSISTANT, f"An **answer** {turn}:\n\n```python\nprint({number})\n```\n",
                        model_id="amazon.nova-micro-v1:0")]
        window.store.save_conversation(conversation)
    del conversation
    window.history.refresh_sidebar()
    _click_row(qtbot, window, "Topic 00")
    _let_go()
    widgets = len(QApplication.allWidgets())
    for number in range(1, 50):
        _click_row(qtbot, window, f"Topic {number:02d}")
    _let_go()
    assert _alive(Conversation) <= 2  # the one on screen (and the empty one the window started with)
    assert _alive(Message) <= 2 * per_conversation
    assert len(QApplication.allWidgets()) == widgets


def test_compare_mode_turned_on_and_off_twenty_times_keeps_its_columns_once(qtbot, make_window, local_server,
                                                                          tmp_path):
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    compare = window.action_by_id["chat.compare"]
    compare_on(window)
    finish_compare(qtbot, window, "the first compare")
    compare.trigger()
    _let_go()
    widgets, messages = len(QApplication.allWidgets()), _alive(Message)
    for round_number in range(20):
        QTest.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        assert window.compare.active
        if round_number % 5 == 0:
            window.action_by_id["file.new"].trigger()
            finish_compare(qtbot, window, f"compare number {round_number}")
        QTest.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        assert not window.compare.active
    _let_go()
    assert len(QApplication.allWidgets()) == widgets
    assert _alive(Message) <= messages + 4  # this conversation's prompt and answers, not every compare's


def test_a_call_put_off_for_a_view_deleted_first_neither_runs_nor_keeps_it(qtbot):
    from bedrock_chat.ui.call_soon import call_soon
    from bedrock_chat.ui.chat_view import ChatView

    calls: list[str] = []

    class View(ChatView):
        def scroll_later(self) -> None:
            calls.append("ran")

    view = View()
    held = weakref.ref(view)
    call_soon(view, view.scroll_later)
    call_soon(view, functools.partial(View.scroll_later, view))  # a callable that holds the view itself
    view.deleteLater()
    del view
    _let_go()
    qtbot.wait(20)
    assert calls == [] and held() is None

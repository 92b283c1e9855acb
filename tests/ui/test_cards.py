"""Message cards, their icon actions, the first screen, search hits and the model picker, used as a person does."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication, QHelpEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication, QToolTip

from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role
from bedrock_chat.ui.message_html import EXAMPLE_PROMPTS
from bedrock_chat.ui.rich_text import link_token
from tests.ui.conftest import choose_model, send_prompt, wait_until_opened


def _image_cursor(chat: Any, src: str) -> QTextCursor:
    """The document position of the inline image ``src`` (an action icon)."""
    block = chat.document().begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            form = fragment.charFormat()
            if form.isImageFormat() and form.toImageFormat().name() == src:
                cursor = QTextCursor(chat.document())
                cursor.setPosition(fragment.position())
                return cursor
            iterator += 1
        block = block.next()
    raise AssertionError(f"no image {src}")


def _icon_point(chat: Any, src: str) -> QPoint:
    """Where a person clicks to hit that icon, in viewport coordinates (the icon in view first)."""
    cursor = _image_cursor(chat, src)
    chat.setTextCursor(cursor)
    chat.ensureCursorVisible()
    rect = chat.cursorRect(cursor)
    return QPoint(rect.left() + 8, rect.bottom() - 6)


def _link_point(chat: Any, text: str) -> QPoint:
    found = chat.document().find(text)
    assert not found.isNull(), text
    cursor = QTextCursor(chat.document())
    cursor.setPosition(found.selectionStart() + 2)
    chat.setTextCursor(cursor)
    chat.ensureCursorVisible()
    rect = chat.cursorRect(cursor)
    return QPoint(rect.left(), rect.center().y())


def _tooltip_at(chat: Any, point: QPoint) -> str:
    """What the tooltip says when the mouse rests at ``point``."""
    QToolTip.hideText()
    event = QHelpEvent(QEvent.Type.ToolTip, point, chat.viewport().mapToGlobal(point))
    QApplication.sendEvent(chat.viewport(), event)
    return QToolTip.text().replace("\xa0", " ") if QToolTip.isVisible() else ""


def test_reply_card_copy_icon_hover_and_stats_line(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    reply = send_prompt(qtbot, window, "what is capital of Nepal")
    chat = window.chat
    shown = chat.toPlainText()
    header = next(line for line in shown.splitlines() if "Nova Micro" in line)
    assert header.startswith("Nova Micro") and "amazon." not in header  # the short name, not the id
    stats = next(line for line in shown.splitlines() if line.startswith("TTFT"))
    assert "UTC" not in shown and "out tokens" in stats and "$" in stats
    assert "⏹" not in chat.toHtml()

    icon = f"bc-icon:copy:{link_token(reply.id)}"
    point = _icon_point(chat, icon)
    muted = chat.cards.icon_image(icon).pixelColor(8, 8)
    qtbot.mouseMove(chat.viewport(), point)
    qtbot.waitUntil(lambda: chat.cards.hovered_icon == icon, timeout=3000)
    hovered = chat.document().resource(QTextDocument.ResourceType.ImageResource.value, icon)
    assert hovered.pixelColor(8, 8) != muted or QColor(chat.cards.colors.muted) != QColor(muted)

    assert "Copy this message" in _tooltip_at(chat, point)
    name = _link_point(chat, "Nova Micro")
    assert "amazon.nova-micro-v1:0" in _tooltip_at(chat, QPoint(name.x() + 6, name.y()))  # the full id

    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(chat.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == reply.text, timeout=3000)

    qtbot.mouseMove(chat.viewport(), QPoint(2, 2))
    qtbot.waitUntil(lambda: chat.cards.hovered_icon is None, timeout=3000)


def test_replies_are_read_at_a_bounded_width_centred(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    window.resize(2400, 1000)
    send_prompt(qtbot, window, "Write at length [tokens:400]")
    chat = window.chat
    qtbot.waitUntil(lambda: chat.viewport().width() > chat.cards.reading_width_px() + 100)
    frame = chat.document().rootFrame().frameFormat()
    text_width = chat.viewport().width() - frame.leftMargin() - frame.rightMargin()
    assert text_width <= chat.cards.reading_width_px() + 1
    assert abs(frame.leftMargin() - frame.rightMargin()) <= 1  # centred


def test_first_screen_example_fills_the_prompt(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    chat = window.chat
    assert chat.toPlainText().startswith("Start a conversation")
    title, prompt = EXAMPLE_PROMPTS[1]
    qtbot.mouseClick(chat.viewport(), Qt.MouseButton.LeftButton, pos=_link_point(chat, title))
    assert window.prompt.toPlainText() == prompt
    assert window.send_button.isEnabled()


def test_reasoning_opens_downward_in_place(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    conversation = Conversation(title="thinking")
    for index in range(12):
        conversation.messages.append(Message(Role.USER, f"question {index}\n" * 6))
        conversation.messages.append(Message(
            Role.ASSISTANT, f"answer {index}\n\n" * 6, model_id="us.anthropic.claude-3-7-sonnet-20250219-v1:0",
            reasoning=f"first thought of reply {index}. " + "more thinking " * 200, state=MessageState.COMPLETE))
    window.store.save_conversation(conversation)
    window.history.open_conversation(conversation.id)
    wait_until_opened(qtbot, window)
    chat = window.chat
    qtbot.waitUntil(lambda: chat.verticalScrollBar().maximum() > 0)
    chat.verticalScrollBar().setValue(chat.verticalScrollBar().maximum() // 2)
    qtbot.wait(50)
    # The toggle nearest the middle of the view, clicked where it is on screen.
    middle = chat.cursorForPosition(QPoint(20, chat.viewport().height() // 2)).position()
    found = chat.document().find("Reasoning (", middle)
    cursor = QTextCursor(chat.document())
    cursor.setPosition(found.selectionStart() + 2)
    rect = chat.cursorRect(cursor)
    assert 0 <= rect.top() < chat.viewport().height()
    point = QPoint(rect.left(), rect.center().y())
    before = chat.verticalScrollBar().value()
    qtbot.mouseClick(chat.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.wait(50)
    assert chat.verticalScrollBar().value() == before  # nothing above moved: it opened in place
    again = chat.document().find("Reasoning (", middle)  # the document was rendered anew: find it again
    assert "hide" in again.block().text()
    assert chat.cursorRect(again).top() == rect.top()
    thought = chat.document().find("first thought of reply", again.selectionEnd())
    assert not thought.isNull()
    below = chat.cursorRect(thought).top()
    assert rect.top() < below < chat.viewport().height()  # right under the toggle, in view


def test_search_hit_in_another_conversation_is_shown_and_marked(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    old = Conversation(title="long ago")
    for index in range(40):
        old.messages.append(Message(Role.USER, f"question {index}"))
        text = "the needle is here" if index == 5 else f"answer {index}\n\n" + "filler line\n\n" * 8
        old.messages.append(Message(Role.ASSISTANT, text, model_id="amazon.nova-micro-v1:0"))
    window.store.save_conversation(old)
    send_prompt(qtbot, window, "something else")
    qtbot.keyClicks(window.sidebar.search, "needle")
    qtbot.waitUntil(lambda: "1 match" in window.sidebar.caption.text(), timeout=3000)
    item = window.sidebar.list.item(0)
    qtbot.mouseClick(window.sidebar.list.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.sidebar.list.visualItemRect(item).center())
    wait_until_opened(qtbot, window)
    assert window.conversation.id == old.id
    chat = window.chat
    qtbot.wait(50)  # the scroll after the fresh document's layout
    marks = chat.extraSelections()
    assert len(marks) == 1 and marks[0].cursor.selectedText() == "needle"
    rect = chat.cursorRect(marks[0].cursor)
    assert rect.top() >= 0 and rect.bottom() <= chat.viewport().height()  # the hit is in view
    assert chat.verticalScrollBar().value() < chat.verticalScrollBar().maximum()  # not left at the bottom

    window.sidebar.search.clear()
    qtbot.waitUntil(lambda: chat.extraSelections() == [], timeout=3000)


def test_model_picker_filters_groups_and_picks_by_keyboard(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    picker = window.model_picker
    assert picker.accessibleName() == "Model" and picker.toolTip()
    qtbot.mouseClick(picker, Qt.MouseButton.LeftButton)
    popup = picker.popup
    qtbot.waitUntil(popup.isVisible)
    assert QApplication.focusWidget() is popup.filter
    assert popup.filter.accessibleName() and popup.list.accessibleName()
    names = [popup.list.item(row).text().strip() for row in range(popup.list.count())]
    assert not any("cross-region" in name for name in names)
    models = [name for row, name in enumerate(names) if popup.list.item(row).data(Qt.ItemDataRole.UserRole)]
    assert len(models) == len(set(models))  # one entry per model
    assert "Anthropic" in names and "Amazon" in names  # provider headers
    assert len(models) < len(window.models)  # the profiles folded into their models

    qtbot.keyClicks(popup.filter, "3.7 sonnet")
    rows = [row for row in range(popup.list.count()) if popup.list.item(row).data(Qt.ItemDataRole.UserRole)]
    assert [popup.list.item(row).text().strip() for row in rows] == ["Claude 3.7 Sonnet"]
    badges = popup.list.item(rows[0]).data(Qt.ItemDataRole.UserRole + 1)
    assert "Reasoning" in badges and "Vision" in badges and "per 1M" in badges and "context" in badges
    qtbot.keyClick(popup.filter, Qt.Key.Key_Return)
    assert not popup.isVisible()
    chosen = window.current_model()
    assert chosen.name == "Claude 3.7 Sonnet" and picker.text() == "Claude 3.7 Sonnet"
    assert chosen.invoke_id in picker.toolTip()

    # From the keyboard alone: Space opens it, Down then Enter picks the next model; Escape changes nothing.
    picker.setFocus()
    qtbot.keyClick(picker, Qt.Key.Key_Space)
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClicks(popup.filter, "nova")
    first = popup.list.currentItem().text().strip()
    qtbot.keyClick(popup.filter, Qt.Key.Key_Down)
    second = popup.list.currentItem().text().strip()
    assert first != second and "Nova" in second
    qtbot.keyClick(popup.filter, Qt.Key.Key_Return)
    assert window.current_model().name == second
    qtbot.mouseClick(picker, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup.filter, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not popup.isVisible())
    assert window.current_model().name == second
    assert send_prompt(qtbot, window, "hello").state == MessageState.COMPLETE


def test_profile_only_model_is_one_entry_invoked_through_its_profile(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    choose_model(qtbot, window, "Claude 3.7 Sonnet")
    assert window.current_model().invoke_id.endswith(".anthropic.claude-3-7-sonnet-20250219-v1:0")
    reply = send_prompt(qtbot, window, "hello")
    assert reply.state == MessageState.COMPLETE and "Claude 3.7 Sonnet" in window.chat.toPlainText()


def test_times_are_local(qtbot, make_window, local_server, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Kathmandu")  # UTC+05:45: no whole-hour offset can pass by accident
    time.tzset()
    try:
        window = make_window(local_server.url)
        conversation = Conversation(title="times")
        conversation.messages.append(Message(Role.USER, "when?", created_at="2025-03-04T10:00:00.000Z"))
        window.store.save_conversation(conversation)
        window.history.open_conversation(conversation.id)
        wait_until_opened(qtbot, window)
        shown = window.chat.toPlainText()
        assert "15:45" in shown and "10:00" not in shown and "UTC" not in shown
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_icons_follow_the_theme(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    reply = send_prompt(qtbot, window, "hello")
    icon = f"bc-icon:copy:{link_token(reply.id)}"
    window.action_by_id["view.theme_light"].trigger()
    light_send = window.send_button.icon().pixmap(24).toImage()
    window.action_by_id["view.theme_dark"].trigger()
    assert window.chat.cards.colors.muted != "#6b7280"
    drawn = window.chat.document().resource(QTextDocument.ResourceType.ImageResource.value, icon)
    _image_cursor(window.chat, icon)  # still there after the re-render
    pixels = [drawn.pixelColor(x, y) for x in range(drawn.width()) for y in range(drawn.height())]
    strongest = max(pixels, key=lambda colour: colour.alpha())
    expected = QColor(window.chat.cards.colors.muted)
    assert strongest.alpha() > 100
    assert max(abs(strongest.red() - expected.red()), abs(strongest.green() - expected.green()),
               abs(strongest.blue() - expected.blue())) <= 8
    dark_send = window.send_button.icon().pixmap(24).toImage()
    assert dark_send != light_send  # the toolbar's icons were redrawn in the dark theme's text colour

"""The GUI thread's work per frame while a reply streams: appending stays plain, rendering goes a piece at a
time, and the conversation is painted at most about 60 times a second (not after every change)."""

from __future__ import annotations

from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QScrollBar

from bedrock_chat.core.conversation import Message, MessageState, Role
from bedrock_chat.local_endpoint.shapes import shaped_answer
from bedrock_chat.ui.chat_view import ChatView


def test_appending_shows_text_plain_and_rendering_goes_a_few_pieces_at_a_time(qtbot):
    """Appending never renders (its cost stays the plain text's); a call with no budget renders one piece."""
    view = ChatView()
    qtbot.addWidget(view)
    reply = Message(Role.ASSISTANT, "", model_id="m")
    view.begin_reply(reply)
    reply.text = shaped_answer("[shape:table:300]") or ""
    view.append_reply("", reply.text)
    streaming = view._streaming
    assert streaming is not None and streaming.has_queued and streaming.rendered_chars == 0
    assert "| 299 |" in view.toPlainText()  # all of it is on screen, plain
    streaming.render_queued(0.0)
    first = streaming.rendered_chars
    assert 0 < first < len(reply.text) // 10  # one piece: the introduction
    streaming.render_queued(0.0)
    assert reply.text[first:streaming.rendered_chars].count("\n") <= 8  # then one chunk of rows


class _CountingView(ChatView):
    paints = 0

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1
        super().paintEvent(event)


def test_while_a_reply_streams_paints_are_spaced_and_none_is_lost(qtbot):
    view = _CountingView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view)
    reply = Message(Role.ASSISTANT, "", model_id="m")
    view.begin_reply(reply)
    qtbot.wait(40)
    before = view.paints
    for index in range(50):  # far more repaints than a screen shows: most are skipped, one comes after
        text = f"Sentence number {index} of the reply.\n\n"
        reply.text += text
        view.append_reply("", text)
        view.viewport().repaint()
    assert view.paints - before < 25
    skipped_until = view.paints
    qtbot.waitUntil(lambda: view.paints > skipped_until, timeout=2000)  # the deferred repaint shows the rest
    view.verticalScrollBar().triggerAction(QScrollBar.SliderAction.SliderSingleStepSub)  # the person scrolls
    scrolling = view.paints
    for _ in range(5):  # while scrolling, no strip waits for the next interval
        view.viewport().repaint()
    assert view.paints == scrolling + 5
    reply.state = MessageState.COMPLETE
    view.finish_reply(reply)
    qtbot.waitUntil(lambda: not view.rendering, timeout=5000)
    settled = view.paints
    for _ in range(5):  # no reply in flight: every paint happens
        view.viewport().repaint()
    assert view.paints == settled + 5


def test_while_a_reply_streams_the_collector_skips_what_existed_before_and_gets_it_back_after(qtbot):
    """A full collection walks every object of the process: during a reply, only what the reply allocated."""
    import gc

    view = ChatView()
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: gc.get_freeze_count() == 0, timeout=5000)  # earlier tests' views deleted
    reply = Message(Role.ASSISTANT, "", model_id="m")
    view.begin_reply(reply)
    assert gc.get_freeze_count() > 1000  # the process's objects: boto3, Qt wrappers, this test's
    reply.text = "Some text.\n\nMore text."
    view.append_reply("", reply.text)
    view.render_all()  # a theme switch mid-reply: the reply is drawn again as a fresh stream, still held
    assert gc.get_freeze_count() > 1000
    reply.state = MessageState.COMPLETE
    view.finish_reply(reply)
    qtbot.waitUntil(lambda: not view.rendering, timeout=5000)
    assert gc.get_freeze_count() == 0  # everything is the collector's again, garbage among it included


def test_a_window_closed_mid_reply_gives_the_collector_its_objects_back(qtbot):
    """Closing hides the view: its reply, which will never settle, stops holding what the collector needs to
    free (the closed window among it, when a reference cycle keeps it)."""
    import gc

    view = ChatView()
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: gc.get_freeze_count() == 0, timeout=5000)  # earlier tests' views deleted
    reply = Message(Role.ASSISTANT, "", model_id="m")
    view.begin_reply(reply)
    assert gc.get_freeze_count() > 1000
    view.close()
    assert gc.get_freeze_count() == 0


def test_a_hold_that_was_never_released_is_dropped_by_a_later_reply(monkeypatch):
    import gc

    from bedrock_chat.ui import gc_hold

    lost = gc_hold.GcHold()
    assert gc.get_freeze_count() > 0
    monkeypatch.setattr(gc_hold, "HOLD_MAX_S", 0.0)
    later = gc_hold.GcHold()  # the first is older than HOLD_MAX_S now
    later.release()
    assert gc.get_freeze_count() == 0 and not gc_hold.GcHold.holding()
    lost.release()  # its owner showing up after all changes nothing
    assert gc.get_freeze_count() == 0

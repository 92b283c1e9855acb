"""Compare mode as a person uses it: the Compare action, columns picked in the window, Ctrl+Enter, three streams at
once through the real endpoint, a fault in one column, Stop and Esc, closing mid-compare, and keeping an answer
that is still the reply (with the alternatives beside it) after a restart."""

from __future__ import annotations

import json
import time
from itertools import pairwise
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox

from bedrock_chat.core.conversation import MessageState, Role
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.core.transcript import from_json
from bedrock_chat.ui.message_html import palette
from bedrock_chat.ui.rich_text import link_token
from tests.ui.conftest import choose_in

MODELS = ("amazon.nova-micro-v1:0", "amazon.nova-lite-v1:0", "anthropic.claude-3-haiku-20240307-v1:0")


def compare_on(window: Any) -> None:
    window.action_by_id["chat.compare"].trigger()
    assert window.action_by_id["chat.compare"].isChecked() and window.compare.active
    assert window.compare.panel.isVisible()


def pick(qtbot: Any, column: Any, model_id: str) -> None:
    """Through the column's model picker, as a person: click it, type the id, Enter."""
    choose_in(qtbot, column.model_picker, model_id)
    assert column.spec().model_id.endswith(model_id)


def send_with_enter(qtbot: Any, window: Any, text: str) -> None:
    window.prompt.setPlainText(text)
    qtbot.keyClick(window.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def finish_compare(qtbot: Any, window: Any, text: str, timeout: int = 20000) -> list[Any]:
    with qtbot.waitSignal(window.compare_finished, timeout=timeout) as blocker:
        send_with_enter(qtbot, window, text)
    columns = window.compare.panel.active_columns()
    qtbot.waitUntil(lambda: not window.chat.rendering and not any(c.chat.rendering for c in columns), timeout=timeout)
    return list(blocker.args[0])


def test_three_columns_stream_at_once_with_one_stats_table(qtbot, make_window, paced_server):
    window = make_window(paced_server.url)
    compare_on(window)
    panel = window.compare.panel
    panel.count.setValue(3)
    for column, model in zip(panel.columns, MODELS, strict=True):
        pick(qtbot, column, model)
    panel.columns[2].max_tokens.setValue(40)
    turns = window.compare.controller.columns
    with qtbot.waitSignal(window.compare_finished, timeout=20000) as blocker:
        # At 100 tokens a second each stream lasts seconds, so a loaded machine still sees them all at once.
        send_with_enter(qtbot, window, "Tell me about mountains [tokens:300] [fault:drip:100]")
        assert not window.send_button.isEnabled() and window.stop_button.isEnabled()
        # All three stream at the same moment, each into its own column.
        qtbot.waitUntil(lambda: all(turn.busy and turn.reply.text for turn in turns), timeout=10000)
        assert all(column.chat.toPlainText().strip() for column in panel.columns)
        qtbot.waitUntil(lambda: panel.stats.cell_text(0, 5) == "streaming…", timeout=2000)  # ten times a second
        assert not window.model_box.isEnabled() and not panel.columns[0].model_picker.isEnabled()
    answers = blocker.args[0]
    assert [answer.model_id.split(".", 1)[-1] for answer in answers] == [m.split(".", 1)[-1] for m in MODELS]
    assert all(answer.state == MessageState.COMPLETE and answer.alternative for answer in answers)
    assert answers[2].stats["outputTokens"] == 40 and answers[0].stats["outputTokens"] == 300
    assert [panel.stats.cell_text(row, 5) for row in range(3)] == ["finished", "finished", "cut at max tokens"]
    assert panel.stats.cell_text(2, 0).endswith("(max 40 tokens)")
    assert all(panel.stats.cell_text(row, 1).endswith(" ms") for row in range(3))
    assert all(column.keep_button.isEnabled() for column in panel.columns)
    # Copy in a column copies that column's answer.
    panel.columns[1].chat.anchorClicked.emit(QUrl(f"message:copy:{link_token(answers[1].id)}"))
    assert QGuiApplication.clipboard().text() == answers[1].text
    # Their tokens count in the session's totals, like a single reply's.
    assert window.turns.session_totals.replies == 3 and window.turns.session_totals.output_tokens == 640
    assert "3 replies" in window.stats.session.text()
    # Saved as they happened, one prompt and its three answers; none is sent back before one is kept.
    stored = window.store.load(window.conversation.id)
    assert [(m.role, m.alternative) for m in stored.messages] == [(Role.USER, False)] + [(Role.ASSISTANT, True)] * 3
    assert window.conversation.history() == [(Role.USER, "Tell me about mountains [tokens:300] [fault:drip:100]")]
    assert window.send_button.isEnabled() is False and window.stop_button.isEnabled() is False
    # Leaving compare mode, the conversation view shows the three answers, none kept yet.
    window.action_by_id["chat.compare"].trigger()
    assert not window.compare.active and not window.compare.panel.isVisible()
    assert window.chat.toPlainText().count("alternative answer, not sent back") == 3
    # The columns are remembered.
    remembered = json.loads(window.settings.compare_columns())
    assert [c["model"].split(".", 1)[-1] for c in remembered] == [m.split(".", 1)[-1] for m in MODELS]
    assert remembered[2]["maxTokens"] == 40


def test_a_column_picks_from_the_grouped_picker_without_duplicates(qtbot, make_window, local_server):
    """Each column has the toolbar's model picker: one entry per model under its provider's heading, with its
    badges, filtered by typing; a model's cross-region profile is reached through its entry, not listed again."""
    window = make_window(local_server.url)
    compare_on(window)
    column = window.compare.panel.columns[1]
    assert not column.findChildren(QComboBox)
    picker = column.model_picker
    assert picker.accessibleName() == "Column 2 model" and picker.toolTip()
    qtbot.mouseClick(picker, Qt.MouseButton.LeftButton)
    popup = picker.popup
    qtbot.waitUntil(popup.isVisible)
    items = [popup.list.item(row) for row in range(popup.list.count())]
    entries = [item for item in items if item.data(Qt.ItemDataRole.UserRole)]
    names = [item.text().strip() for item in entries]
    headings = [item.text() for item in items if not item.data(Qt.ItemDataRole.UserRole)]
    assert len(names) == len(set(names)) and not any("cross-region" in name for name in names)
    assert len(headings) == len(set(headings)) >= 3  # grouped: each provider once
    assert len(names) < len(window.models)  # the listing holds profiles too; they are no entries of their own
    assert all(item.data(Qt.ItemDataRole.UserRole + 1) for item in entries)  # every known model has badges
    qtbot.keyClicks(popup.filter, "haiku")
    shown = [popup.list.item(row).text().strip() for row in range(popup.list.count())
             if popup.list.item(row).data(Qt.ItemDataRole.UserRole)]
    assert shown and all("haiku" in name.lower() for name in shown) and len(shown) < len(names)
    qtbot.keyClick(popup.filter, Qt.Key.Key_Return)
    assert not popup.isVisible()
    assert "haiku" in column.spec().model_id and "Haiku" in picker.toolTip()
    remembered = json.loads(window.settings.compare_columns())
    assert "haiku" in remembered[1]["model"]


def test_three_columns_fit_a_small_window(qtbot, make_window, local_server):
    """Compare mode at 900x600 keeps the window's size: the columns scroll sideways instead of widening it; an
    empty column says what it is for."""
    window = make_window(local_server.url)
    window.resize(900, 600)
    qtbot.waitUntil(lambda: window.width() == 900, timeout=3000)
    compare_on(window)
    window.compare.panel.count.setValue(3)
    qtbot.wait(100)
    assert window.minimumSizeHint().width() <= 900 and window.width() == 900
    assert all(column.isVisible() for column in window.compare.panel.columns)
    # An empty column says what it is for; the first screen's example prompts are the window's, not a column's.
    window.action_by_id["view.theme_dark"].trigger()
    columns = window.compare.panel.columns
    qtbot.waitUntil(lambda: all("answer streams here" in column.chat.toPlainText() for column in columns), timeout=3000)
    assert not any("Start a conversation" in column.chat.toPlainText() for column in columns)


def test_on_a_small_window_the_panels_step_aside_for_the_columns_and_come_back_after(qtbot, make_window,
                                                                                       local_server):
    """At 900x600 with both panels shown, Ctrl+Shift+M gives the columns the width they read in: the side panel
    (and with three columns the sidebar too) steps aside; leaving compare mode brings back what was shown."""
    window = make_window(local_server.url)
    window.resize(900, 600)
    qtbot.waitUntil(lambda: window.width() == 900, timeout=3000)
    qtbot.waitUntil(lambda: window.body.panel_shown("sidebar") and window.body.panel_shown("side_panel"),
                    timeout=3000)
    shortcut = QKeySequence(Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier | Qt.Key.Key_M)
    assert window.action_by_id["chat.compare"].shortcut() == shortcut
    QTest.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.compare.active
    panel = window.compare.panel
    panel.count.setValue(2)
    qtbot.waitUntil(lambda: not window.body.panel_shown("side_panel"), timeout=3000)
    assert not window.action_by_id["view.side_panel"].isChecked()
    assert window.body.chat_column.width() >= panel.wanted_width()
    panel.count.setFocus()
    QTest.keyClick(panel.count, Qt.Key.Key_Up)  # three columns, as a person steps the box
    assert panel.count.value() == 3
    qtbot.waitUntil(lambda: not window.body.panel_shown("sidebar"), timeout=3000)
    assert window.body.chat_column.width() >= window.body.width() - 2 * window.body.handleWidth()  # all there is
    # Asked for by the person (Ctrl+Shift+P), the settings panel shows anyway and stays when the columns change;
    # the conversation list, not asked for, stays aside. The columns scroll sideways.
    QTest.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.body.panel_shown("side_panel"), timeout=3000)
    assert not window.body.panel_shown("sidebar")
    QTest.keyClick(panel.count, Qt.Key.Key_Down)
    assert panel.count.value() == 2
    qtbot.wait(50)
    assert window.body.panel_shown("side_panel") and not window.body.panel_shown("sidebar")
    QTest.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not window.compare.active
    qtbot.waitUntil(lambda: window.body.panel_shown("sidebar") and window.body.panel_shown("side_panel"),
                    timeout=3000)
    assert window.action_by_id["view.side_panel"].isChecked() and window.action_by_id["view.sidebar"].isChecked()


@pytest.mark.parametrize(("fault", "expected"), [("access-denied", "model access"), ("throttle", "slow down")])
def test_a_fault_in_one_column_leaves_the_others_running(qtbot, make_window, paced_server, fault, expected):
    window = make_window(paced_server.url)
    compare_on(window)
    panel = window.compare.panel
    panel.count.setValue(3)
    for column in panel.columns:
        pick(qtbot, column, MODELS[0])
    # The endpoint's fault directives, through each column's own system prompt.
    panel.columns[1].system_prompt.setText(f"[fault:{fault}]")
    panel.columns[2].system_prompt.setText("[fault:drop:20]")
    for column in panel.columns:
        column.system_prompt.editingFinished.emit()
    answers = finish_compare(qtbot, window, "Tell me about rivers [tokens:200]")
    ok, denied, dropped = answers
    assert ok.state == MessageState.COMPLETE and ok.stats["outputTokens"] == 200
    assert denied.state == MessageState.FAILED and dropped.state == MessageState.FAILED
    assert dropped.text  # what arrived before the connection dropped is kept
    assert not panel.columns[0].fault.isVisible()
    assert panel.columns[1].fault.isVisible() and expected in panel.columns[1].fault.text().lower()
    assert panel.columns[2].fault.isVisible() and panel.columns[2].fault.text()
    assert "Traceback" not in panel.columns[2].fault.text()
    assert [panel.stats.cell_text(row, 5) for row in range(3)] == ["finished", "failed", "failed"]
    assert not window.error_banner.isVisible()  # the fault is shown in its column, not for the whole window
    window.action_by_id["view.theme_dark"].trigger()  # the column's error reads in the dark theme too
    qtbot.waitUntil(lambda: palette(True).error_background in panel.columns[1].fault.styleSheet(), timeout=2000)
    # Only an answer that did not fail can become the reply.
    assert [column.keep_button.isEnabled() for column in panel.columns] == [True, False, False]


def test_stop_and_esc_stop_every_column(qtbot, make_window, paced_server):
    window = make_window(paced_server.url)
    compare_on(window)
    panel = window.compare.panel
    panel.count.setValue(3)
    turns = window.compare.controller.columns
    for button in ("stop", "esc"):
        send_with_enter(qtbot, window, f"A long story, {button} [fault:drip:30]")
        qtbot.waitUntil(lambda: all(turn.busy and turn.reply.text for turn in turns), timeout=10000)
        pressed = time.monotonic()
        with qtbot.waitSignal(window.compare_finished, timeout=2000) as blocker:
            if button == "stop":
                window.stop_button.click()
            else:
                qtbot.keyClick(window.prompt, Qt.Key.Key_Escape)
        assert time.monotonic() - pressed < 0.5
        assert [answer.state for answer in blocker.args[0]] == [MessageState.STOPPED] * 3
        assert all(answer.text for answer in blocker.args[0])
        assert [panel.stats.cell_text(row, 5) for row in range(3)] == ["stopped by you"] * 3
        assert not window.compare.busy and panel.columns[0].model_picker.isEnabled()


def test_closing_mid_compare_saves_what_arrived_without_waiting(qtbot, make_window, paced_server, tmp_path):
    window = make_window(paced_server.url, data_dir=tmp_path / "data")
    compare_on(window)
    window.compare.panel.count.setValue(2)
    turns = window.compare.controller.columns
    send_with_enter(qtbot, window, "Keep talking [fault:stall:30]")
    qtbot.waitUntil(lambda: all(turn.busy and turn.reply.text for turn in turns[:2]), timeout=10000)
    conversation_id = window.conversation.id
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 0.5
    stored = ConversationStore(tmp_path / "data" / "conversations.sqlite3").load(conversation_id)
    answers = [m for m in stored.messages if m.role == Role.ASSISTANT]
    assert len(answers) == 2 and all(m.text and m.state == MessageState.STOPPED and m.compare_group for m in answers)


def test_keep_an_answer_then_restart_shows_the_reply_and_the_alternatives(qtbot, make_window, local_server,
                                                                          tmp_path):
    data = tmp_path / "data"
    window = make_window(local_server.url, data_dir=data)
    compare_on(window)
    panel = window.compare.panel
    panel.count.setValue(2)
    for column in panel.columns[:2]:  # one model, two parameter settings
        pick(qtbot, column, MODELS[0])
    panel.columns[0].temperature.setValue(0.0)
    panel.columns[1].temperature.setValue(1.0)
    answers = finish_compare(qtbot, window, "Name a colour [tokens:30]")
    assert [a.parameters["temperature"] for a in answers] == [0.0, 1.0]
    panel.columns[0].keep_button.click()
    window.action_by_id["chat.copy_reply"].trigger()  # the kept answer is the reply, though not the last message
    assert QGuiApplication.clipboard().text() == answers[0].text != answers[1].text
    panel.columns[1].keep_button.click()  # a change of mind: the other one
    kept, other = answers[1], answers[0]
    assert panel.columns[0].keep_button.text() == "Keep this answer"
    assert not kept.alternative and other.alternative
    assert panel.columns[1].keep_button.text() == "✓ Kept as the reply"
    assert window.conversation.history(draft="next")[1] == (Role.ASSISTANT, kept.text)
    shown = window.chat.toPlainText()
    assert "kept answer" in shown and "alternative answer, not sent back" in shown
    conversation_id = window.conversation.id
    window.close()

    again = make_window(local_server.url, data_dir=data)
    qtbot.waitUntil(lambda: again.conversation.id == conversation_id, timeout=5000)
    messages = again.conversation.messages
    assert [(m.text, m.alternative) for m in messages[1:]] == [(other.text, True), (kept.text, False)]
    qtbot.waitUntil(lambda: "kept answer" in again.chat.toPlainText(), timeout=5000)
    shown = again.chat.toPlainText()
    assert kept.text.split()[0] in shown and "alternative answer, not sent back" in shown
    # The next prompt continues from the kept answer.
    assert again.conversation.history(draft="next") == [(Role.USER, "Name a colour [tokens:30]"),
                                                        (Role.ASSISTANT, kept.text), (Role.USER, "next")]
    # JSON export keeps the alternatives.
    path = tmp_path / "export.json"
    again.write_transcript(path)
    exported = from_json(path.read_text(encoding="utf-8"))
    assert [(m.text, m.alternative, m.compare_group) for m in exported.messages[1:]] == \
        [(m.text, m.alternative, m.compare_group) for m in messages[1:]]
    # The columns come back as they were chosen.
    compare_on(again)
    assert again.compare.panel.count.value() == 2
    assert [c.spec().temperature for c in again.compare.panel.columns[:2]] == [0.0, 1.0]


def test_columns_take_turns_at_frames(qtbot):
    """Three columns with text waiting never show it in the same frame: one column per frame, round robin, so a
    frame does one reply's work at most."""
    from bedrock_chat.ui.coalescer import FRAME_MS
    from bedrock_chat.ui.compare_controller import FrameShare

    share = FrameShare()
    flushed: list[tuple[str, float]] = []

    class Column:
        def __init__(self, name: str) -> None:
            self.name = name

        def flush_now(self) -> None:
            flushed.append((self.name, time.perf_counter()))

    columns = [Column("a"), Column("b"), Column("c")]
    for column in columns:
        share.request(column)  # type: ignore[arg-type]
    share.request(columns[0])  # asking again while waiting does not jump the queue
    qtbot.waitUntil(lambda: len(flushed) == 3, timeout=2000)
    qtbot.wait(3 * FRAME_MS)
    assert [name for name, _ in flushed] == ["a", "b", "c"]
    gaps = [later - earlier for (_, earlier), (_, later) in pairwise(flushed)]
    assert all(gap >= FRAME_MS / 1000 * 0.8 for gap in gaps), gaps


def _attach_photo(qtbot: Any, window: Any, monkeypatch: Any, folder: Any) -> None:
    from PySide6.QtWidgets import QFileDialog

    from tests.attachment_files import png

    photo = folder / "photo.png"
    photo.write_bytes(png(30, 20))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *args, **kwargs: ([str(photo)], "")))
    window.attach_button.click()
    qtbot.waitUntil(lambda: not window.attachment_intake.busy)
    assert [item.name for item in window.attachments.attachments()] == ["photo.png"]


def test_a_column_whose_request_has_no_place_for_the_picture_says_so_instead_of_sending_without_it(
        qtbot, make_window, local_server, monkeypatch, tmp_path):
    """InvokeModel: Claude's body carries the picture, Llama 4's (a prompt string) cannot. Sent anyway, the Llama
    column answered a question about a picture it never got, as if it had seen it."""
    from tests.ui.conftest import choose_model

    window = make_window(local_server.url)
    choose_model(qtbot, window, MODELS[2])
    qtbot.waitUntil(lambda: window.current_model().invoke_id == MODELS[2])
    window.parameters.api.setCurrentIndex(window.parameters.api.findData("invoke"))
    compare_on(window)
    panel = window.compare.panel
    panel.count.setValue(2)
    pick(qtbot, panel.columns[0], MODELS[2])
    pick(qtbot, panel.columns[1], "meta.llama4-scout-17b-instruct-v1:0")  # takes images, through Converse only
    _attach_photo(qtbot, window, monkeypatch, tmp_path)
    assert window.attachments.problem.text() == ""
    before = len(local_server.requests)
    answers = finish_compare(qtbot, window, "What is in this picture?")
    assert len(answers) == 1 and answers[0].text.startswith("[attachments] image png")
    assert len(local_server.requests) == before + 1  # nothing went out for the column that cannot carry it
    note = panel.columns[1].fault.text()
    assert panel.columns[1].fault.isVisible() and note.startswith("Column 2 did not run: ")
    assert "has no place for images" in note
    assert panel.stats.cell_text(1, 5) == "not run"


def test_in_compare_mode_the_columns_models_take_the_attachments_not_the_toolbars(qtbot, make_window, local_server,
                                                                               monkeypatch, tmp_path):
    window = make_window(local_server.url)
    assert window.current_model().invoke_id == MODELS[0]  # Nova Micro: text only
    _attach_photo(qtbot, window, monkeypatch, tmp_path)
    assert "Nova Micro does not take images" in window.attachments.problem.text()
    compare_on(window)  # the toolbar's model sends nothing now
    assert window.attachments.problem.text() == ""
    panel = window.compare.panel
    panel.count.setValue(2)
    for column in panel.columns[:2]:
        pick(qtbot, column, MODELS[1])  # Nova Lite takes images
    answers = finish_compare(qtbot, window, "Describe it")
    assert len(answers) == 2 and all(answer.text.startswith("[attachments] image png") for answer in answers)
    _attach_photo(qtbot, window, monkeypatch, tmp_path)
    assert window.attachments.problem.text() == ""
    window.action_by_id["chat.compare"].trigger()  # off again: the toolbar's model is the one asked once more
    assert "Nova Micro does not take images" in window.attachments.problem.text()


def test_the_invitation_to_keep_an_answer_leaves_with_its_conversation(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    compare_on(window)
    window.compare.panel.count.setValue(2)
    finish_compare(qtbot, window, "Name a colour [tokens:20]")
    status = window.statusBar()
    assert status.currentMessage().startswith("Every column has ended: keep the answer")
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert not any(column.keep_button.isEnabled() for column in window.compare.panel.columns)
    assert status.currentMessage() == ""  # no answer of the conversation on screen can be kept


def test_the_word_on_the_kept_answer_leaves_with_its_conversation(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    compare_on(window)
    window.compare.panel.count.setValue(2)
    finish_compare(qtbot, window, "Name a colour [tokens:20]")
    window.compare.panel.columns[1].keep_button.click()
    status = window.statusBar()
    assert status.currentMessage().startswith("Kept column 2's answer as the reply")
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert status.currentMessage() == ""  # the conversation on screen has no kept answer

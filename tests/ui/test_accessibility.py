"""Every widget a person touches has a name a screen reader can say, and the window works from the keyboard.

The name rule: a widget counts when it is shown and is of a kind a person clicks or types into (buttons, tool
buttons, line and text edits, combo and spin boxes, sliders, item views, tab bars, scroll areas) or takes the
keyboard focus at all. Its name is what Qt hands to assistive technology, ``QAccessible`` interface ``Name``: the
``accessibleName``, else a button's own text, else the text of the QLabel whose buddy it is. That name must hold a
letter (a glyph such as "×" or "…" says nothing). One exception: a spin box's own line edit, which Qt presents as
part of the spin box (announced with the spin box's name and value), not as an object of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAccessible, QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFileDialog,
    QLineEdit,
    QProgressDialog,
    QSlider,
    QTabBar,
    QWidget,
)
from pytestqt.exceptions import TimeoutError as WaitTimedOut

from tests.attachment_files import png
from tests.conftest import send_header
from tests.ui.conftest import send_prompt
from tests.ui.menu_helpers import wait_for_attachments
from tests.ui.test_export_progress import _large_history

TOUCHABLE = (QAbstractButton, QLineEdit, QAbstractScrollArea, QComboBox, QAbstractSpinBox, QSlider,
             QAbstractItemView, QTabBar)


def _exposed_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def unnamed(root: QWidget) -> list[str]:
    """The shown widgets under ``root`` (itself included) that a person can reach but a screen reader cannot name."""
    missing = []
    for widget in [root, *root.findChildren(QWidget)]:
        reachable = isinstance(widget, TOUCHABLE) or widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        if not reachable or not widget.isVisible() or isinstance(widget.parentWidget(), QAbstractSpinBox):
            continue
        if not any(character.isalpha() for character in _exposed_name(widget)):
            owner = widget.parentWidget()
            missing.append(f"{type(widget).__name__} {widget.objectName()!r} in {type(owner).__name__} "
                           f"{owner.accessibleName() if owner else ''!r}")
    return missing


def _focus() -> QWidget | None:
    return QApplication.focusWidget()


def _gets_focus(qtbot: Any, widget: QWidget) -> bool:
    """Whether the focus is (back) on ``widget`` once the window is active again (activation comes as an event)."""
    try:
        qtbot.waitUntil(lambda: _focus() is widget, timeout=1000)
    except WaitTimedOut:
        return False
    return True


def when_modal(window: QWidget, then: Callable[[QWidget], None]) -> None:
    """Runs ``then`` on the next modal dialog once it is up (it runs inside the dialog's own event loop)."""
    timer = QTimer(window)
    timer.setInterval(20)

    def look() -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None and modal.isVisible():
            timer.stop()
            then(modal)

    timer.timeout.connect(look)
    timer.start()


def _close_by_esc(seen: dict[str, list[str]], label: str) -> Callable[[QWidget], None]:
    def answer(modal: QWidget) -> None:
        seen[label] = unnamed(modal)
        QTest.keyClick(_focus() or modal, Qt.Key.Key_Escape)
    return answer


@pytest.fixture
def window(qtbot, make_window, local_server):
    shown = make_window(local_server.url)
    shown.activateWindow()
    qtbot.waitActive(shown)
    return shown


def test_every_control_of_the_window_has_a_name_in_every_state(qtbot, window, local_server, tmp_path, monkeypatch):
    problems: dict[str, list[str]] = {}
    send_prompt(qtbot, window, "hello")
    tabs = window.body.side_panel.tabs
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        QApplication.processEvents()
        problems[f"the {tabs.tabText(index)} tab"] = unnamed(window)
    send_header(window.clients.runtime, "x-bedrock-local-fault", "access-denied")
    send_prompt(qtbot, window, "this one fails")
    assert window.error_banner.isVisible()
    window.error_banner.details_button.click()
    problems["an error card"] = unnamed(window)
    photo = tmp_path / "photo.png"
    photo.write_bytes(png(30, 20))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(photo)], "")))
    window.attach_button.click()
    wait_for_attachments(qtbot, window)
    assert window.attachments.attachments()
    problems["attachments in the tray"] = unnamed(window)
    window.action_by_id["chat.compare"].trigger()
    QApplication.processEvents()
    assert window.compare.active
    problems["compare mode"] = unnamed(window)
    window.resize(480, 600)  # the toolbars' overflow buttons show
    QApplication.processEvents()
    problems["a narrow window"] = unnamed(window)
    assert {state: found for state, found in problems.items() if found} == {}


def test_every_dialog_has_names_and_gives_the_focus_back_on_esc(qtbot, window, monkeypatch):
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)
    send_prompt(qtbot, window, "read [the docs](https://example.com/docs)")
    seen: dict[str, list[str]] = {}
    returned: dict[str, bool] = {}

    window.prompt.setFocus()
    when_modal(window, _close_by_esc(seen, "About"))
    window.action_by_id["help.about"].trigger()
    returned["About"] = _gets_focus(qtbot, window.prompt)
    assert "About" in seen, "the dialog did not open"

    window.chat.setFocus()
    for _ in range(40):  # a reader's Tab moves through the conversation's links to the reply's own
        QTest.keyClick(window.chat, Qt.Key.Key_Tab)
        if window.chat.textCursor().charFormat().anchorHref() == "https://example.com/docs":
            break
    assert window.chat.textCursor().charFormat().anchorHref() == "https://example.com/docs"
    when_modal(window, _close_by_esc(seen, "Open link?"))
    QTest.keyClick(window.chat, Qt.Key.Key_Return)
    returned["Open link?"] = _gets_focus(qtbot, window.chat)
    assert "Open link?" in seen, "the dialog did not open"

    sidebar = window.sidebar.list
    sidebar.setFocus()
    sidebar.setCurrentRow(0)
    menu = window.sidebar.context_menu(sidebar.currentItem())
    when_modal(window, _close_by_esc(seen, "Rename conversation"))
    next(action for action in menu.actions() if action.objectName() == "rename").trigger()
    returned["Rename conversation"] = _gets_focus(qtbot, sidebar)
    assert "Rename conversation" in seen, "the dialog did not open"

    window.prompt.setFocus()
    window.action_by_id["file.connection"].trigger()
    dialog = window.connection_dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.isAncestorOf(_focus()))
    seen["Connection"] = unnamed(dialog)
    QTest.keyClick(_focus(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    returned["Connection"] = _gets_focus(qtbot, window.prompt)

    picker = window.model_picker
    picker.setFocus()
    QTest.keyClick(picker, Qt.Key.Key_Space)
    qtbot.waitUntil(picker.popup.isVisible)
    assert _focus() is picker.popup.filter
    seen["the model list"] = unnamed(picker.popup)
    QTest.keyClick(_focus(), Qt.Key.Key_Escape)
    assert not picker.popup.isVisible()
    returned["the model list"] = _gets_focus(qtbot, picker)

    assert {title: found for title, found in seen.items() if found} == {}
    assert len(seen) == 5 and all(returned.values()), returned


def test_the_progress_dialog_has_names_and_esc_gives_the_focus_back(qtbot, make_window, local_server, tmp_path,
                                                                    monkeypatch):
    data = tmp_path / "data"
    _large_history(data, conversations=10)
    window = make_window(local_server.url, data_dir=data)
    window.activateWindow()
    qtbot.waitActive(window)
    folder = tmp_path / "all"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(folder)))
    window.prompt.setFocus()
    with qtbot.waitSignal(window.exporter.finished, timeout=60000) as blocker:
        window.action_by_id["file.export_all"].trigger()
        qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(QProgressDialog)), timeout=20000)
        dialog = next(d for d in window.findChildren(QProgressDialog) if d.isVisible())
        assert unnamed(dialog) == []
        dialog.activateWindow()
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert blocker.args[0].cancelled
    assert _focus() is window.prompt


def _walk(window: Any, key: Qt.Key) -> list[QWidget]:
    """Presses ``key`` from the prompt until the focus is back in it; the widgets it stopped at, in order."""
    window.prompt.setFocus()
    stops: list[QWidget] = []
    for _ in range(120):
        QTest.keyClick(_focus(), key)
        if _focus() is window.prompt:
            return stops
        stops.append(_focus())
    raise AssertionError(f"stuck after {[w.accessibleName() or type(w).__name__ for w in stops[-6:]]}")


def test_tab_and_shift_tab_go_round_the_window_and_back_to_the_prompt(qtbot, window):
    QTest.keyClicks(window.prompt, "a question")
    forward = _walk(window, Qt.Key.Key_Tab)
    panel = window.body.side_panel
    first_in_panel = next(i for i, w in enumerate(forward) if panel.isAncestorOf(w))
    order = [forward.index(window.send_button), first_in_panel, forward.index(window.model_picker),
             forward.index(window.sidebar.list)]
    assert order == sorted(order) and order[0] == 0, [w.accessibleName() for w in forward]
    backward = _walk(window, Qt.Key.Key_Backtab)
    assert window.sidebar.list in backward and window.model_picker in backward and window.send_button in backward
    assert backward.index(window.sidebar.list) < backward.index(window.model_picker) < backward.index(
        window.send_button)
    # Ctrl+Tab in the prompt types no tab character and leaves the text as it was.
    QTest.keyClick(window.prompt, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert window.prompt.toPlainText() == "a question"


def test_send_from_the_keyboard_leaves_the_focus_in_the_prompt(qtbot, window):
    window.prompt.setFocus()
    QTest.keyClicks(window.prompt, "first by the button")
    QTest.keyClick(window.prompt, Qt.Key.Key_Tab)
    assert _focus() is window.send_button
    with qtbot.waitSignal(window.reply_finished, timeout=15000):
        QTest.keyClick(window.send_button, Qt.Key.Key_Space)
        assert _focus() is window.prompt  # while the reply runs, typing the next prompt starts here
    assert _focus() is window.prompt
    QTest.keyClicks(window.prompt, "then by Ctrl+Enter")
    with qtbot.waitSignal(window.reply_finished, timeout=15000):
        QTest.keyClick(window.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert _focus() is window.prompt and window.prompt.toPlainText() == ""

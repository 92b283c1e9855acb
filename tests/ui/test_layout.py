"""The conversation gets the space first: panels fit beside it or step aside, nothing is clipped from 800x560 up,
and the panels are toggled (button, View menu, shortcut) and remembered as a person left them."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QLineEdit,
    QStyle,
    QStyleOptionFrame,
    QTabBar,
    QToolButton,
    QWidget,
)

from bedrock_chat.ui.side_panel import SIDE_PANEL_MIN_WIDTH

LINE_EDIT_TEXT_MARGIN = 2  # QLineEdit's own horizontal margin inside its contents rectangle (qlineedit.cpp)


def _sized(qtbot, window, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height, timeout=5000)
    for _ in range(3):
        QApplication.processEvents()


def _viewport_of(widget: QWidget) -> QWidget | None:
    """The viewport of the innermost scroll area around ``widget`` (its contents may scroll vertically)."""
    parent = widget.parentWidget()
    while parent is not None:
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and parent is area.viewport():
            return parent
        parent = parent.parentWidget()
    return None


def _rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def _visible_widgets(root: QWidget) -> list[QWidget]:
    return [widget for widget in root.findChildren(QWidget) if widget.isVisible() and widget.width() > 0
            and not widget.isWindow()]


def _outside(window, root: QWidget) -> list[str]:
    """Visible widgets under ``root`` that leave the window, or leave their scroll area's viewport sideways."""
    problems = []
    for widget in _visible_widgets(root):
        viewport = _viewport_of(widget)
        rect = _rect_in(widget, window)
        if viewport is None:
            if not window.rect().contains(rect):
                problems.append(f"{type(widget).__name__} {widget.accessibleName()!r} {rect} past {window.rect()}")
        else:
            port = _rect_in(viewport, window)
            if rect.left() < port.left() or rect.right() > port.right():
                problems.append(f"{type(widget).__name__} {widget.accessibleName()!r} {rect} clipped by {port}")
    for bar in root.findChildren(QTabBar):
        if bar.isVisible():
            for index in range(bar.count()):
                if bar.tabRect(index).right() > bar.width():
                    problems.append(f"tab {bar.tabText(index)!r} cut off")
    return problems


def test_at_800x560_nothing_leaves_the_window_and_the_chat_keeps_half(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    _sized(qtbot, window, 800, 560)
    assert window.body.chat_column.width() >= window.width() / 2
    assert _outside(window, window) == []
    # "Offline (local endpoint …)" stays in sight, at the status bar's right, not in the toolbar's overflow menu.
    label = window.connection_label
    assert label.parentWidget() is window.statusBar() and label.isVisible() and label.text().startswith("Offline")
    # Opening the side panel there makes room by hiding the conversation list, not by squeezing the chat.
    window.action_by_id["view.side_panel"].trigger()
    QApplication.processEvents()
    assert window.body.panel_shown("side_panel") and not window.body.panel_shown("sidebar")
    assert window.body.chat_column.width() >= window.width() / 2
    assert _outside(window, window) == []


def test_the_side_panel_is_whole_at_900x600_and_1280x820(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    for width, height in ((900, 600), (1280, 820)):
        _sized(qtbot, window, width, height)
        assert window.body.panel_shown("side_panel") and window.body.panel_shown("sidebar"), (width, height)
        assert window.body.chat_column.width() >= width / 2
        for tab in range(window.body.side_panel.tabs.count()):
            window.body.side_panel.tabs.setCurrentIndex(tab)
            QApplication.processEvents()
            assert _outside(window, window.body.side_panel) == [], (width, height, tab)
    assert _outside(window, window) == []


def test_panels_toggle_by_button_menu_and_shortcut_and_are_remembered(qtbot, make_window, local_server, tmp_path):
    window = make_window(local_server.url)
    _sized(qtbot, window, 1280, 820)
    chat_before = window.body.chat_column.width()
    button = next(b for b in window.findChildren(QToolButton)
                  if b.accessibleName() == "Show or hide the settings panel")
    assert button.toolTip() and button.isChecked()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not window.body.panel_shown("side_panel") and not window.action_by_id["view.side_panel"].isChecked()
    assert window.body.chat_column.width() > chat_before + 200  # the chat takes the room
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not window.body.panel_shown("sidebar") and not window.action_by_id["view.sidebar"].isChecked()
    window.action_by_id["view.sidebar"].trigger()
    assert window.body.panel_shown("sidebar")
    window.close()

    again = make_window(local_server.url, data_dir=tmp_path)
    _sized(qtbot, again, 1280, 820)
    assert not again.body.panel_shown("side_panel") and again.body.panel_shown("sidebar")
    QTest.keyClick(again, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert again.body.panel_shown("side_panel") and again.action_by_id["view.side_panel"].isChecked()


def test_a_dragged_panel_width_is_kept(qtbot, make_window, local_server, tmp_path):
    window = make_window(local_server.url)
    _sized(qtbot, window, 1280, 820)
    sizes = window.body.sizes()
    sizes[1] -= 30
    sizes[2] += 30
    window.body.setSizes(sizes)
    window.body.splitterMoved.emit(sizes[0] + sizes[1], 2)  # what a drag of the handle reports
    wide = window.body.side_panel.width()
    assert wide >= 360
    window.close()
    again = make_window(local_server.url, data_dir=tmp_path)
    _sized(qtbot, again, 1280, 820)
    assert abs(again.body.side_panel.width() - wide) <= 2


def test_the_parameter_sections_of_reasoning_models_fit_too(qtbot, make_window, local_server):
    for model in ("us.anthropic.claude-3-7-sonnet-20250219-v1:0", "openai.gpt-oss-120b-1:0"):
        window = make_window(local_server.url, "--model", model)
        assert window.current_model().invoke_id == model
        if window.parameters.reasoning.isEnabled():
            window.parameters.reasoning.setChecked(True)  # the budget controls show
        _sized(qtbot, window, 900, 600)
        window.body.side_panel.tabs.setCurrentIndex(0)
        QApplication.processEvents()
        assert _outside(window, window.body.side_panel) == [], model
        window.close()


def _shown_text_width(field: QLineEdit) -> int:
    """The width a line edit draws its text and placeholder in (Qt elides the placeholder to it)."""
    option = QStyleOptionFrame()
    field.initStyleOption(option)
    contents = field.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, field)
    margins = field.textMargins()
    return contents.width() - margins.left() - margins.right() - 2 * LINE_EDIT_TEXT_MARGIN


def test_the_guardrail_field_shows_its_whole_placeholder_at_the_side_panels_narrowest(qtbot, make_window,
                                                                                      local_server):
    """At 900x600 the side panel is at its minimum width; the guardrail field's hint reads whole there (it read
    "Id or A…"), and its tooltip says what goes in it."""
    window = make_window(local_server.url)
    field = next(edit for edit in window.body.side_panel.findChildren(QLineEdit)
                 if edit.accessibleName() == "Guardrail id")
    for width, height in ((900, 600), (1280, 820)):
        _sized(qtbot, window, width, height)
        window.body.side_panel.tabs.setCurrentIndex(0)
        QApplication.processEvents()
        if width == 900:
            assert window.body.side_panel.width() == SIDE_PANEL_MIN_WIDTH
        assert field.isVisible() and field.placeholderText()
        assert field.fontMetrics().horizontalAdvance(field.placeholderText()) <= _shown_text_width(field), width
        assert "id or ARN" in field.toolTip() and "Leave empty" in field.toolTip()


def _in_sight_on(bar: QWidget, widget: QWidget) -> bool:
    """Shown in the toolbar itself, whole (a control that does not fit is hidden there and moves to the » menu)."""
    return widget.isVisible() and widget.parentWidget() is bar and bar.rect().contains(_rect_in(widget, bar))


def test_the_toolbar_keeps_compare_in_sight_on_a_narrow_window(qtbot, make_window, local_server):
    """At 1280x820 every toolbar control shows its words. Narrower (900x600, 800x560), Reconnect and Connection…
    show their icons only, with their names and tooltips, so nothing goes into the » menu: the Compare button
    stays in sight with its word, and a click on it turns compare mode on."""
    window = make_window(local_server.url)
    bar = window.connection_bar
    more = bar.findChild(QToolButton, "qt_toolbar_ext_button")
    reconnect, connection, compare = bar.refresh_button, bar.connection_button, window.compare_button
    for width, height in ((1280, 820), (900, 600), (800, 560)):
        _sized(qtbot, window, width, height)
        qtbot.wait(20)  # the toolbar fits its buttons on the next turn of the event loop
        QApplication.processEvents()
        for widget in (window.model_picker, window.region_box, window.profile_box, reconnect, connection, compare):
            assert _in_sight_on(bar, widget), (width, widget.accessibleName())
        assert not more.isVisible(), width
        assert compare.text() == "Compare" and compare.accessibleName() == "Compare" and compare.toolTip()
        assert reconnect.accessibleName() == "Reconnect" and reconnect.toolTip()
        assert connection.accessibleName() == "Connection settings" and connection.toolTip()
        assert not reconnect.icon().isNull() and not connection.icon().isNull()
        if width >= 1280:
            assert (reconnect.text(), connection.text()) == ("Reconnect", "Connection…")
    qtbot.mouseClick(compare, Qt.MouseButton.LeftButton)
    assert window.compare.active
    _sized(qtbot, window, 1280, 820)  # wide again: the words come back
    qtbot.wait(20)
    assert (reconnect.text(), connection.text()) == ("Reconnect", "Connection…")

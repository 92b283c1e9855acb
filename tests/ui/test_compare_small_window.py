"""Compare mode on a small window, as a person reads it: at 900x600 three answers side by side, each with room to
read, the parameters folded behind their button, each column's figures on one line; at 1280x820 the full controls
and the statistics table as before."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.test_compare import finish_compare

READABLE_ANSWER_PX = 200  # about a dozen lines of text


def _sized(qtbot: Any, window: Any, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height, timeout=5000)
    QApplication.processEvents()


def _compare_with_three_columns(qtbot: Any, window: Any) -> Any:
    """Ctrl+Shift+M, then the columns box stepped up to three, as a person does."""
    QTest.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    panel = window.compare.panel
    assert window.compare.active and panel.isVisible()
    panel.count.setFocus()
    while panel.count.value() < 3:
        QTest.keyClick(panel.count, Qt.Key.Key_Up)
    qtbot.wait(50)
    return panel


def _in_sight(widget: Any, area: Any) -> bool:
    port = area.viewport()
    return QRect(QPoint(0, 0), port.size()).contains(QRect(widget.mapTo(port, QPoint(0, 0)), widget.size()))


def test_at_900x600_three_answers_get_the_height(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    _sized(qtbot, window, 900, 600)
    panel = _compare_with_three_columns(qtbot, window)
    columns = panel.active_columns()
    finish_compare(qtbot, window, "Explain how glaciers shape valleys [tokens:200]")
    qtbot.wait(50)
    for column in columns:
        assert column.chat.isVisible() and column.chat.height() >= READABLE_ANSWER_PX, column.chat.height()
        # Side by side and whole: no column runs past the area's edge, and Keep is right there.
        assert _in_sight(column, panel.columns_area), column.accessibleName()
        assert column.keep_button.isVisible() and column.keep_button.isEnabled()
        assert column.keep_button.text() == "Keep this answer"
        # The figures are on the column's own line, the table folded away; the tooltip names each figure.
        assert column.figures.isVisible() and column.figures.full_text.startswith("finished · ")
        assert "Time to first token: " in column.figures.toolTip()
        assert not column.temperature.isVisible() and not column.system_prompt.isVisible()
    assert not panel.stats.isVisible() and not panel.hint.isVisible()
    assert panel.stats.cell_text(0, 5) == "finished"  # the table is kept up to date, for a taller window
    # The parameter overrides are one click away, for every column, and fold away again.
    button = panel.parameters_button
    assert button.isVisible() and button.accessibleName() and button.toolTip() and not button.isChecked()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert all(column.temperature.isVisible() and column.system_prompt.isVisible() for column in columns)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not any(column.temperature.isVisible() for column in columns)
    columns[1].keep_button.click()
    assert columns[1].keep_button.text() == "✓ Kept as the reply"


def test_at_1280x820_the_full_controls_and_the_table_stay(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    _sized(qtbot, window, 1280, 820)
    panel = _compare_with_three_columns(qtbot, window)
    finish_compare(qtbot, window, "Explain how glaciers shape valleys [tokens:60]")
    assert panel.stats.isVisible() and panel.hint.isVisible() and panel.parameters_button.isChecked()
    assert [panel.stats.cell_text(row, 5) for row in range(3)] == ["finished"] * 3
    for column in panel.active_columns():
        assert column.temperature.isVisible() and column.system_prompt.isVisible() and column.keep_button.isVisible()
        assert not column.figures.isVisible()  # the table says it
        assert _in_sight(column, panel.columns_area)
    # Made short (the window dragged smaller), the answers get the height; taller again, the controls come back.
    _sized(qtbot, window, 1280, 600)
    qtbot.waitUntil(lambda: not panel.stats.isVisible(), timeout=3000)
    assert all(column.figures.isVisible() for column in panel.active_columns())
    _sized(qtbot, window, 1280, 820)
    qtbot.waitUntil(panel.stats.isVisible, timeout=3000)
    assert panel.parameters_button.isChecked() and panel.active_columns()[0].temperature.isVisible()

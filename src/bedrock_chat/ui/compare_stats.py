"""One table of the compare columns' statistics, updated live: time to first token, speed, tokens, cost, stop.
On a short window the table steps aside and each column shows its own row as one line (``row_line``)."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from bedrock_chat.core.catalog import Pricing
from bedrock_chat.core.compare import DASH, STATS_HEADERS, stats_cells
from bedrock_chat.core.stats import ReplyStats


class CompareStatsTable(QTableWidget):
    row_changed = Signal(int)
    """A row's figures changed (or the rows were set anew: every row)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(STATS_HEADERS), parent)
        self.setAccessibleName("Compare statistics")
        self.setToolTip("Each column's reply: time to first token, output tokens a second, tokens, estimated cost "
                        "and why it stopped. Updated as the replies stream.")
        self.setHorizontalHeaderLabels(list(STATS_HEADERS))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(self.focusPolicy().NoFocus)
        self.verticalHeader().hide()
        # Rows as tall as a line of text: on a small window every pixel is the columns' answers'.
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def set_columns(self, names: list[str]) -> None:
        """One row per column, named for its model and overrides; the figures start empty."""
        self.setRowCount(len(names))
        for row, name in enumerate(names):
            self._set(row, 0, name)  # model ids and settings come from outside: items show plain text only
            for column in range(1, len(STATS_HEADERS)):
                self._set(row, column, DASH)
            self.row_changed.emit(row)

    def show_stats(self, row: int, stats: ReplyStats, pricing: Pricing | None, ended: bool = False) -> None:
        if not 0 <= row < self.rowCount():
            return
        changed = False
        for column, text in enumerate(stats_cells(stats, pricing, time.monotonic(), ended), start=1):
            changed = self._set(row, column, text) or changed
        if changed:
            self.row_changed.emit(row)

    def show_note(self, row: int, text: str) -> None:
        """A column that never started (no such model here): the reason in its stop cell."""
        if 0 <= row < self.rowCount():
            self._set(row, len(STATS_HEADERS) - 1, text)
            self.row_changed.emit(row)

    def cell_text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text() if item is not None else ""

    def row_line(self, row: int) -> tuple[str, str]:
        """A row's figures as one line, its stop reason first (what a glance looks for), and as a tooltip that
        names each figure."""
        if not 0 <= row < self.rowCount():
            return "", ""
        cells = [self.cell_text(row, column) for column in range(len(STATS_HEADERS))]
        line = " · ".join([cells[-1], cells[1], f"{cells[2]} tokens/s", f"{cells[3]} tokens", cells[4]])
        tip = "\n".join(f"{header}: {cell}" for header, cell in zip(STATS_HEADERS, cells, strict=True))
        return line, tip

    def _set(self, row: int, column: int, text: str) -> bool:
        """True when the cell changed."""
        item = self.item(row, column)
        if item is None:
            self.setItem(row, column, QTableWidgetItem(text))
            return True
        if item.text() != text:  # ten times a second per column: only what changed is laid out again
            item.setText(text)
            return True
        return False

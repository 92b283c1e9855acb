"""One table of the compare columns' statistics, updated live: time to first token, speed, tokens, cost, stop."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from bedrock_chat.core.catalog import Pricing
from bedrock_chat.core.compare import DASH, STATS_HEADERS, stats_cells
from bedrock_chat.core.stats import ReplyStats


class CompareStatsTable(QTableWidget):
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

    def show_stats(self, row: int, stats: ReplyStats, pricing: Pricing | None, ended: bool = False) -> None:
        if not 0 <= row < self.rowCount():
            return
        for column, text in enumerate(stats_cells(stats, pricing, time.monotonic(), ended), start=1):
            self._set(row, column, text)

    def show_note(self, row: int, text: str) -> None:
        """A column that never started (no such model here): the reason in its stop cell."""
        if 0 <= row < self.rowCount():
            self._set(row, len(STATS_HEADERS) - 1, text)

    def cell_text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text() if item is not None else ""

    def _set(self, row: int, column: int, text: str) -> None:
        item = self.item(row, column)
        if item is None:
            self.setItem(row, column, QTableWidgetItem(text))
        elif item.text() != text:  # ten times a second per column: only what changed is laid out again
            item.setText(text)

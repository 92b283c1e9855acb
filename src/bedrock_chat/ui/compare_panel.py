"""The compare area: how many columns, the columns side by side, and their statistics table below them.

On a short window (900x600) the answers get the height first: the hint and the parameter overrides fold away
(the Parameters button shows them), and each column shows its figures in one line beside "Keep this answer"
instead of the table.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from bedrock_chat.core.catalog import ModelInfo
from bedrock_chat.core.compare import MAX_COLUMNS, MIN_COLUMNS, ColumnSpec
from bedrock_chat.ui import icons
from bedrock_chat.ui.compare_column import CompareColumn
from bedrock_chat.ui.compare_stats import CompareStatsTable
from bedrock_chat.ui.model_choices import group_models

COLUMN_WIDTH = 300  # a column's comfortable width: its answer reads without wrapping every few words
HINT = ("One prompt goes to every column at once. Pick a model per column, or the same model twice with other "
        "settings; then keep the answer you prefer as the conversation's reply.")
COMPACT_BELOW_LINES = 20  # a compare area shorter than this many lines of text keeps only the answers' essentials


class ComparePanel(QWidget):
    columns_changed = Signal()
    """The person changed the number of columns or a column's choice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compare-panel")
        self.setAccessibleName("Compare")
        self.count = QSpinBox()
        self.count.setRange(MIN_COLUMNS, MAX_COLUMNS)
        self.count.setAccessibleName("Compare columns")
        self.count.setToolTip(f"How many columns answer the prompt: two or three. {HINT}")
        self.count.setSuffix(" columns")
        self.count.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # the hint takes the rest
        self.parameters_button = QToolButton()
        self.parameters_button.setText("Parameters")
        self.parameters_button.setCheckable(True)
        self.parameters_button.setChecked(True)
        self.parameters_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        icons.set_icon(self.parameters_button, "settings")
        self.parameters_button.setAccessibleName("Column parameters")
        self.parameters_button.setToolTip("Show or hide each column's temperature, top P, max tokens and system "
                                          "prompt.")
        self.parameters_button.toggled.connect(self._show_parameters)
        self.parameters_button.clicked.connect(self._parameters_chosen)
        self._parameters_by_person = False  # once the person chose, a resize no longer folds them
        self.hint = QLabel(HINT)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #6b7280;")
        top = QHBoxLayout()
        top.addWidget(self.count)
        top.addWidget(self.parameters_button)
        top.addWidget(self.hint, 1)
        top.addStretch(0)  # with the hint folded away, the two buttons stay at the left
        self.columns = [CompareColumn(number + 1) for number in range(MAX_COLUMNS)]
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        for column in self.columns:
            self.splitter.addWidget(column)
            column.changed.connect(self.columns_changed)
        # Three columns need more width than a small window has: they scroll sideways rather than push the
        # window wider than the screen when compare mode comes on.
        self.columns_area = QScrollArea()
        self.columns_area.setWidgetResizable(True)
        self.columns_area.setFrameShape(QFrame.Shape.NoFrame)
        self.columns_area.setAccessibleName("Compare columns area")
        self.columns_area.setWidget(self.splitter)
        self.stats = CompareStatsTable()
        self.stats.row_changed.connect(self._show_figures)
        self.compact = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.columns_area, 1)
        layout.addWidget(self.stats)
        self._roomy_spacing = layout.spacing()
        self.count.valueChanged.connect(self._show_count)
        self.count.valueChanged.connect(self.columns_changed)
        self._show_count(self.count.value())

    # -- a short window -------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        compact = self.height() < COMPACT_BELOW_LINES * self.fontMetrics().lineSpacing()
        if compact == self.compact:
            return
        self.compact = compact
        self.hint.setVisible(not compact)
        if (layout := self.layout()) is not None:
            layout.setSpacing(2 if compact else self._roomy_spacing)
        self.stats.setVisible(not compact)
        for column in self.columns:
            column.set_compact(compact)
        if not self._parameters_by_person:
            self.parameters_button.setChecked(not compact)

    def _parameters_chosen(self) -> None:
        self._parameters_by_person = True

    def _show_parameters(self, shown: bool) -> None:
        for column in self.columns:
            column.parameters.setVisible(shown)

    def _show_figures(self, row: int) -> None:
        shown = self.active_columns()
        if 0 <= row < len(shown):
            shown[row].show_figures(*self.stats.row_line(row))

    def _show_count(self, count: int) -> None:
        for column in self.columns:
            column.setVisible(column.number <= count)

    def wanted_width(self) -> int:
        """The width the chosen number of columns read well in, side by side."""
        shown = self.active_columns()
        widths = sum(max(COLUMN_WIDTH, column.minimumSizeHint().width()) for column in shown)
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)  # when the columns run long
        return (widths + (len(shown) - 1) * self.splitter.handleWidth() + self.columns_area.frameWidth() * 2
                + scroll_bar)

    def active_columns(self) -> list[CompareColumn]:
        return self.columns[:self.count.value()]

    def specs(self) -> list[ColumnSpec]:
        return [spec for column in self.active_columns() if (spec := column.spec()) is not None]

    def set_models(self, models: list[ModelInfo], remembered: list[ColumnSpec], current: str | None,
                   region: str | None = None) -> None:
        """Fills every column's model list with what this connection offers and puts back the remembered
        choice; a column never chosen starts on the window's model (a second on the next model in the list,
        never the same model under another profile id)."""
        self.count.blockSignals(True)
        self.count.setValue(max(MIN_COLUMNS, min(MAX_COLUMNS, len(remembered) or MIN_COLUMNS)))
        self.count.blockSignals(False)
        self._show_count(self.count.value())
        fallback = [current] if current else []
        fallback += [choice.preferred(None, region).invoke_id for choice in group_models(models)
                     if not any(model.invoke_id == current for model in choice.variants)]
        for index, column in enumerate(self.columns):
            if index < len(remembered):
                column.set_models(models, remembered[index].model_id, region)
                column.set_spec(remembered[index])
            else:
                column.set_models(models, fallback[index % len(fallback)] if fallback else None, region)

    def set_editable(self, editable: bool) -> None:
        self.count.setEnabled(editable)
        for column in self.columns:
            column.set_editable(editable)

"""The parameter panel's reasoning section, under its thinking switch: a budget where the model takes one, effort
levels where it takes those instead, and a plain note where the model always reasons or cannot."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QSlider, QSpinBox, QWidget

from bedrock_chat.bedrock.request_features import reasoning_control
from bedrock_chat.core.catalog import ModelInfo
from bedrock_chat.core.params import GenerationParams
from bedrock_chat.core.reasoning import MIN_THINKING_BUDGET

_DEFAULT_EFFORTS = ("low", "medium", "high")
_BUDGET_TIP = ("Tokens the model may spend thinking before it answers: at least 1,024 and fewer than Max tokens. "
               "With thinking on, the temperature is fixed at 1 and Top P is not sent, as Bedrock requires.")
_WHY = {"always": "This model always reasons before it answers; there is nothing to set.",
        "effort": "This model always reasons; the effort level sets how much.",
        "none": "This model does not reason before answering."}


class ReasoningControls(QGroupBox):
    """Shows only the control the chosen model takes; ``applied_to`` puts the choice into the parameters.
    Whether thinking is on is the panel's switch; the panel tells this section with ``set_state``."""

    changed = Signal()
    """The user changed the budget or the effort level."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Reasoning", parent)
        self._control = "none"
        self._thinking = False
        self._max_tokens = 4096
        self._wanted_budget = 2048  # the person's choice; shown clamped below Max tokens, kept when that grows
        self.budget_slider = QSlider(Qt.Orientation.Horizontal)
        self.budget_slider.setAccessibleName("Thinking budget")
        self.budget_slider.setToolTip(_BUDGET_TIP)
        self.budget = QSpinBox()
        self.budget.setAccessibleName("Thinking budget value")
        self.budget.setToolTip(_BUDGET_TIP)
        self.budget.setGroupSeparatorShown(True)
        self.budget.setSingleStep(256)
        self.budget.setFixedWidth(72)
        self.budget_row = QWidget()
        row = QHBoxLayout(self.budget_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.budget_slider, 1)
        row.addWidget(self.budget)
        self.effort = QComboBox()
        self.effort.setAccessibleName("Reasoning effort")
        self.effort.setMinimumContentsLength(8)
        self.effort.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.effort.setToolTip("How hard the model thinks: lower is faster and cheaper, higher is more thorough.")
        self.note = QLabel()
        self.note.setAccessibleName("Reasoning notice")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setStyleSheet("color: palette(placeholder-text);")
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Budget", self.budget_row)
        form.addRow("Effort", self.effort)
        form.addRow(self.note)
        self._form = form
        self._set_range(MIN_THINKING_BUDGET, 4095)
        self.budget_slider.valueChanged.connect(self._budget_moved)
        self.budget.valueChanged.connect(self._budget_moved)
        self.effort.currentIndexChanged.connect(self._emit)

    # -- what the panel asks -----------------------------------------------------------------------

    def set_model(self, model: ModelInfo) -> None:
        self._control = reasoning_control(model)
        self.blockSignals(True)
        self.effort.clear()
        self.effort.addItem("Model default", "")
        for level in model.features.reasoning_efforts or _DEFAULT_EFFORTS:
            self.effort.addItem(level.capitalize(), level)
        self.blockSignals(False)
        self._show_rows()

    def set_state(self, thinking: bool, max_tokens: int) -> None:
        """The thinking switch and Max tokens: the budget must stay below Max tokens."""
        self._thinking, self._max_tokens = thinking, max_tokens
        self._set_range(MIN_THINKING_BUDGET, max(MIN_THINKING_BUDGET, max_tokens - 1))
        self._set_budget(self._wanted_budget)
        self._show_rows()

    def show_params(self, params: GenerationParams, thinking: bool) -> None:
        self._wanted_budget = max(MIN_THINKING_BUDGET, params.reasoning_budget)
        self.set_state(thinking, params.max_tokens)
        self.blockSignals(True)
        self.effort.setCurrentIndex(max(0, self.effort.findData(params.reasoning_effort)))
        self.blockSignals(False)

    def applied_to(self, params: GenerationParams) -> GenerationParams:
        effort = str(self.effort.currentData() or "") if self._control in ("adaptive", "effort") else ""
        return replace(params, reasoning_budget=self._wanted_budget, reasoning_effort=effort)

    def why_not(self) -> str:
        """Why the thinking switch does nothing for this model (for its tooltip)."""
        return _WHY.get(self._control, "")

    # -- inside ------------------------------------------------------------------------------------

    def _show_rows(self) -> None:
        control, roomy = self._control, self._max_tokens > MIN_THINKING_BUDGET
        self._form.setRowVisible(self.budget_row, control == "budget")
        self._form.setRowVisible(self.effort, control in ("adaptive", "effort"))
        self.effort.setEnabled(control == "effort" or (control == "adaptive" and self._thinking))
        self.budget_row.setEnabled(control == "budget" and self._thinking and roomy)
        note = _WHY.get(control, "")
        if control in ("budget", "adaptive") and not self._thinking:
            note = "Turn on Extended thinking above to set " + ("a budget." if control == "budget" else "the effort.")
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def _set_range(self, low: int, high: int) -> None:
        for widget in (self.budget_slider, self.budget):
            widget.blockSignals(True)
            widget.setRange(low, high)
            widget.blockSignals(False)
        self.budget_slider.setPageStep(max(256, (high - low) // 10))

    def _set_budget(self, value: int) -> None:
        for widget in (self.budget_slider, self.budget):
            widget.blockSignals(True)
            widget.setValue(value)
            widget.blockSignals(False)

    def _budget_moved(self, value: int) -> None:
        self._wanted_budget = value
        self._set_budget(value)
        self.changed.emit()

    def _emit(self, *_: object) -> None:
        self.changed.emit()

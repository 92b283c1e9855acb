"""Generation settings: sliders with exact numeric entry, bounded by the selected model's limits."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from bedrock_chat.core.catalog import ModelInfo
from bedrock_chat.core.params import MAX_STOP_SEQUENCES, GenerationParams, ParamLimits, RequestOptions
from bedrock_chat.ui.reasoning_controls import ReasoningControls
from bedrock_chat.ui.request_options_controls import RequestOptionsControls


class _FloatSlider(QWidget):
    """A slider and a spin box showing one value in [0, maximum] with a fixed number of decimals."""

    value_changed = Signal(float)

    def __init__(self, name: str, maximum: float, decimals: int, tooltip: str) -> None:
        super().__init__()
        self._scale = 10**decimals
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, round(maximum * self._scale))
        self.slider.setAccessibleName(name)
        self.slider.setToolTip(tooltip)
        self.spin = QDoubleSpinBox()
        self.spin.setDecimals(decimals)
        self.spin.setRange(0.0, maximum)
        self.spin.setSingleStep(0.05)
        self.spin.setAccessibleName(f"{name} value")
        self.spin.setToolTip(tooltip)
        self.spin.setFixedWidth(78)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.spin)
        self.slider.valueChanged.connect(lambda raw: self._set(raw / self._scale))
        self.spin.valueChanged.connect(self._set)

    def _set(self, value: float) -> None:
        self.slider.blockSignals(True)
        self.spin.blockSignals(True)
        self.slider.setValue(round(value * self._scale))
        self.spin.setValue(value)
        self.slider.blockSignals(False)
        self.spin.blockSignals(False)
        self.value_changed.emit(self.value())

    def value(self) -> float:
        return round(self.spin.value(), 3)

    def set_value(self, value: float) -> None:
        self._set(value)

    def set_maximum(self, maximum: float) -> None:
        self.slider.setMaximum(round(maximum * self._scale))
        self.spin.setMaximum(maximum)


class _IntSlider(QWidget):
    value_changed = Signal(int)

    def __init__(self, name: str, tooltip: str) -> None:
        super().__init__()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName(name)
        self.slider.setToolTip(tooltip)
        self.spin = QSpinBox()
        self.spin.setAccessibleName(f"{name} value")
        self.spin.setToolTip(tooltip)
        self.spin.setGroupSeparatorShown(True)
        self.spin.setFixedWidth(78)
        self.set_range(1, 4096)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.spin)
        self.slider.valueChanged.connect(self._set)
        self.spin.valueChanged.connect(self._set)

    def _set(self, value: int) -> None:
        for widget in (self.slider, self.spin):
            widget.blockSignals(True)
            widget.setValue(value)
            widget.blockSignals(False)
        self.value_changed.emit(self.spin.value())

    def set_range(self, low: int, high: int) -> None:
        for widget in (self.slider, self.spin):
            widget.setRange(low, high)
        self.slider.setPageStep(max(1, high // 20))

    def value(self) -> int:
        return self.spin.value()

    def set_value(self, value: int) -> None:
        self._set(value)


class ParameterPanel(QWidget):
    params_changed = Signal()
    """Any generation setting or request option changed."""
    reset_requested = Signal()
    """The user asked for the selected model's defaults."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._limits = ParamLimits(max_output_tokens=4096)
        self._model: ModelInfo | None = None
        self.temperature = _FloatSlider("Temperature", 1.0, 2, "Randomness: 0 always picks the likeliest words; "
                                        "higher values vary the wording more.")
        self.top_p = _FloatSlider("Top P", 1.0, 3, "Nucleus sampling: only the likeliest words whose "
                                  "probabilities add up to Top P are considered.")
        self.max_tokens = _IntSlider("Max tokens", "The longest reply the model may write; longer replies are "
                                     "cut with the stop reason max_tokens.")
        self.stop_sequences = QPlainTextEdit()
        self.stop_sequences.setAccessibleName("Stop sequences")
        self.stop_sequences.setToolTip(f"One per line, up to {MAX_STOP_SEQUENCES}: the reply ends before the "
                                       "first of them.")
        self.stop_sequences.setPlaceholderText("One per line")
        self.stop_sequences.setFixedHeight(52)
        self.system_prompt = QPlainTextEdit()
        self.system_prompt.setAccessibleName("System prompt")
        self.system_prompt.setToolTip("Instructions the model follows for the whole conversation.")
        self.system_prompt.setPlaceholderText("e.g. You are a concise assistant.")
        self.system_prompt.setMinimumHeight(70)
        # Reasoning and what Bedrock offers per request live in their own modules (issue 13).
        self.reasoning_controls = ReasoningControls()
        self.reasoning = self.reasoning_controls.enabled
        self.request_options = RequestOptionsControls()
        self.api = QComboBox()
        self.api.setAccessibleName("API")
        self.api.addItem("Converse (one schema for every model)", "converse")
        self.api.addItem("InvokeModel (the model's native body)", "invoke")
        self.api.setToolTip("Converse uses one request schema for all models; InvokeModel sends the model "
                            "family's own JSON body.")
        self.streaming = QCheckBox("Stream the reply")
        self.streaming.setAccessibleName("Streaming")
        self.streaming.setChecked(True)
        self.streaming.setToolTip("Show the reply as it is generated (…WithResponseStream / ConverseStream).")
        self.notice = QLabel()
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName("Parameter notice")
        self.notice.setStyleSheet("color: palette(placeholder-text);")
        self.reset = QPushButton("Reset to model defaults")
        self.reset.setAccessibleName("Reset to model defaults")
        self.reset.setToolTip("Restore this model's default temperature, top P and max tokens.")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Temperature", self.temperature)
        form.addRow("Top P", self.top_p)
        form.addRow("Max tokens", self.max_tokens)
        form.addRow("Stop sequences", self.stop_sequences)
        form.addRow("API", self.api)
        form.addRow("", self.streaming)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.reasoning_controls)
        layout.addWidget(self.request_options)
        layout.addWidget(QLabel("System prompt"))
        layout.addWidget(self.system_prompt, 1)
        layout.addWidget(self.notice)
        layout.addWidget(self.reset)

        for signal in (self.temperature.value_changed, self.top_p.value_changed, self.max_tokens.value_changed,
                       self.stop_sequences.textChanged, self.system_prompt.textChanged,
                       self.reasoning_controls.changed, self.request_options.changed,
                       self.api.currentIndexChanged, self.streaming.toggled):
            signal.connect(self._changed)
        self.reset.clicked.connect(self.reset_requested)

    def _changed(self, *_: object) -> None:
        self.reasoning_controls.set_max_tokens(self.max_tokens.value())
        self._update_notice()
        self.params_changed.emit()

    def set_model(self, model: ModelInfo, params: GenerationParams) -> None:
        self._model = model
        self._limits = model.limits
        self.blockSignals(True)
        self.temperature.set_maximum(model.limits.temperature_max)
        self.top_p.set_maximum(model.limits.top_p_max)
        self.max_tokens.set_range(1, model.limits.max_output_tokens)
        self.reasoning_controls.set_model(model)
        self.request_options.set_model(model)
        self.streaming.setEnabled(model.streaming)
        self.set_params(params)
        self.blockSignals(False)
        self._changed()

    def set_params(self, params: GenerationParams) -> None:
        params = params.clamped(self._limits)
        self.temperature.set_value(params.temperature)
        self.top_p.set_value(params.top_p)
        self.max_tokens.set_value(params.max_tokens)
        self.stop_sequences.setPlainText("\n".join(params.stop_sequences))
        self.system_prompt.setPlainText(params.system_prompt)
        self.reasoning_controls.show_params(params)
        self.request_options.show_params(params)

    def params(self) -> GenerationParams:
        stops = tuple(line for line in self.stop_sequences.toPlainText().split("\n") if line)
        params = GenerationParams(
            temperature=self.temperature.value(),
            top_p=self.top_p.value(),
            max_tokens=self.max_tokens.value(),
            stop_sequences=stops,
            system_prompt=self.system_prompt.toPlainText().strip(),
        )
        return self.request_options.applied_to(self.reasoning_controls.applied_to(params)).clamped(self._limits)

    def options(self) -> RequestOptions:
        return RequestOptions(api=str(self.api.currentData()), streaming=self.streaming.isChecked())

    def set_options(self, options: RequestOptions) -> None:
        index = self.api.findData(options.api)
        self.api.setCurrentIndex(max(index, 0))
        self.streaming.setChecked(options.streaming)

    def _update_notice(self) -> None:
        notes = []
        model = self._model
        stops = [line for line in self.stop_sequences.toPlainText().split("\n") if line]
        if len(stops) > MAX_STOP_SEQUENCES:
            notes.append(f"Only the first {MAX_STOP_SEQUENCES} stop sequences are sent.")
        if model is not None:
            if model.family == "llama" and stops and self.options().api == "invoke":
                notes.append("Llama's native body has no stop sequences; use Converse to send them.")
            if (self.options().api == "invoke" and model.features.prompt_caching
                    and self.request_options.caching.isChecked()):
                notes.append("Prompt caching is sent through Converse only.")
            if not model.streaming:
                notes.append("This model does not stream; the reply appears when it is complete.")
            limits = self._limits
            notes.append(f"Limits for {model.name}: up to {limits.max_output_tokens:,} output tokens.")
        self.notice.setText("\n".join(notes))

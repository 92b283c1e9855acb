"""Generation settings that tell the truth: bounded by the selected model, a control the model ignores disabled
with the reason in its tooltip, and a model switch that keeps what still fits and says what it changed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSlider,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bedrock_chat.bedrock.request_features import reasoning_control
from bedrock_chat.core.catalog import ModelInfo
from bedrock_chat.core.param_changes import switch_notice
from bedrock_chat.core.params import MAX_STOP_SEQUENCES, GenerationParams, ParamLimits, RequestOptions
from bedrock_chat.ui.param_sliders import FloatSlider, IntSlider, WheelPassThrough, refuse_wheel
from bedrock_chat.ui.reasoning_controls import ReasoningControls
from bedrock_chat.ui.request_options_controls import RequestOptionsControls
from bedrock_chat.ui.rich_text import verbatim

MIN_THINKING_MAX_TOKENS = 1025  # Bedrock's thinking budget is at least 1,024 tokens and below Max tokens
TIPS = {
    "temperature": "Randomness: 0 always picks the likeliest words; higher values vary the wording more.",
    "top_p": "Nucleus sampling: only the likeliest words whose probabilities add up to Top P are considered.",
    "max_tokens": "The longest reply the model may write; longer replies are cut with the stop reason max_tokens.",
    "stops": f"One per line, up to {MAX_STOP_SEQUENCES}: the reply ends before the first of them.",
    "reasoning": "Lets the model think before it answers; its reasoning is shown above the reply.",
    "streaming": "Show the reply as it is generated (…WithResponseStream / ConverseStream).",
}


def _muted_label(name: str) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # notes quote model names from the catalog or the service
    label.setWordWrap(True)
    label.setAccessibleName(name)
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


class ParameterPanel(QWidget):
    params_changed = Signal()
    """Any generation setting or request option changed."""
    reset_requested = Signal()
    """The user asked for the selected model's defaults."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._limits = ParamLimits(max_output_tokens=4096)
        self._model: ModelInfo | None = None
        self._guard = WheelPassThrough(self)
        self.temperature = FloatSlider("Temperature", 1.0, 2, TIPS["temperature"])
        self.top_p = FloatSlider("Top P", 1.0, 3, TIPS["top_p"])
        self.max_tokens = IntSlider("Max tokens", TIPS["max_tokens"])
        self.stop_sequences = QPlainTextEdit()
        self.stop_sequences.setAccessibleName("Stop sequences")
        self.stop_sequences.setToolTip(TIPS["stops"])
        self.stop_sequences.setPlaceholderText("One per line")
        self.stop_sequences.setFixedHeight(52)
        self.stop_sequences.setTabChangesFocus(True)  # Tab moves on; a tab character is no stop sequence
        self.system_prompt = QPlainTextEdit()
        self.system_prompt.setAccessibleName("System prompt")
        self.system_prompt.setToolTip("Instructions the model follows for the whole conversation.")
        self.system_prompt.setPlaceholderText("e.g. You are a concise assistant.")
        self.system_prompt.setMinimumHeight(70)
        self.system_prompt.setTabChangesFocus(True)  # as in the prompt: Tab moves on, never traps the keyboard
        self.reasoning = QCheckBox("Extended thinking")
        self.reasoning.setAccessibleName("Extended thinking")
        self.reasoning.setToolTip(TIPS["reasoning"])
        self.api = QComboBox()
        self.api.setAccessibleName("API")
        self.api.addItem("Converse", "converse")
        self.api.addItem("InvokeModel", "invoke")
        self.api.setToolTip("Converse uses one request schema for all models; InvokeModel sends the model "
                            "family's own JSON body.")
        self.api.setMinimumContentsLength(8)
        self.api.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        refuse_wheel(self.api, self._guard)
        self.streaming = QCheckBox("Stream the reply")
        self.streaming.setAccessibleName("Streaming")
        self.streaming.setChecked(True)
        self.streaming.setToolTip(TIPS["streaming"])
        self.switch_note = _muted_label("Parameter change notice")  # a model switch, or a value moved for thinking
        self.switch_note.hide()
        self.notice = _muted_label("Parameter notice")
        self.reset = QPushButton("Reset to model defaults")
        self.reset.setAccessibleName("Reset to model defaults")
        self.reset.setToolTip("Restore this model's default temperature, top P and max tokens.")

        form = QFormLayout()
        # Labels go above their controls when the panel is narrow, so nothing is clipped.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Temperature", self.temperature)
        form.addRow("Top P", self.top_p)
        form.addRow("Max tokens", self.max_tokens)
        form.addRow("Stop sequences", self.stop_sequences)
        form.addRow("API", self.api)
        form.addRow(self.streaming)
        form.addRow(self.reasoning)
        # Where optional sections (the reasoning budget and effort controls) go: right under the thinking switch.
        self.sections = QVBoxLayout()
        self.sections.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 6, 6)  # narrow margins: the panel's width goes to its controls
        layout.addWidget(self.switch_note)
        layout.addLayout(form)
        layout.addLayout(self.sections)
        layout.addWidget(QLabel("System prompt"))
        layout.addWidget(self.system_prompt, 1)
        layout.addWidget(self.notice)
        layout.addWidget(self.reset)
        # Budget and effort (issue 13) under the thinking switch, then what Bedrock offers per request.
        self.reasoning_controls = ReasoningControls()
        self.request_options = RequestOptionsControls()
        self.add_section(self.reasoning_controls)
        self.add_section(self.request_options)

        for signal in (self.temperature.value_changed, self.top_p.value_changed, self.max_tokens.value_changed,
                       self.stop_sequences.textChanged, self.system_prompt.textChanged,
                       self.reasoning_controls.changed, self.request_options.changed,
                       self.api.currentIndexChanged, self.streaming.toggled):
            signal.connect(self._changed)
        self.reasoning.toggled.connect(self._on_reasoning_toggled)
        self.max_tokens.value_changed.connect(self._on_max_tokens_changed)
        self.reset.clicked.connect(lambda: self._note(""))  # the defaults come back: no earlier change to explain
        self.reset.clicked.connect(self.reset_requested)

    def add_section(self, widget: QWidget) -> None:
        """Hosts an optional group of controls (e.g. reasoning budget and effort) under the thinking switch.

        The panel is as narrow as 250 px: a section's form rows put their labels above the controls when they do
        not fit side by side, its boxes shrink to a short text, and wheel turns over them scroll the panel."""
        for form in widget.findChildren(QFormLayout):
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for box in widget.findChildren(QComboBox):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(8)
            refuse_wheel(box, self._guard)
        for control in widget.findChildren(QAbstractSlider) + widget.findChildren(QAbstractSpinBox):
            refuse_wheel(control, self._guard)
        self.sections.addWidget(widget)

    def _changed(self, *_: object) -> None:
        self._update_truth()
        self.params_changed.emit()

    def _on_reasoning_toggled(self, checked: bool) -> None:
        if checked and self.max_tokens.value() < MIN_THINKING_MAX_TOKENS:
            # Thinking needs room: raise Max tokens instead of leaving a ticked box that does nothing.
            raised = min(self._limits.max_output_tokens, max(MIN_THINKING_MAX_TOKENS, 4096))
            self.max_tokens.set_value(raised)
            self._note(f"Max tokens raised to {raised:,} so extended thinking has room to think.")
        self._changed()

    def _on_max_tokens_changed(self, value: int) -> None:
        if self.reasoning.isChecked() and value < MIN_THINKING_MAX_TOKENS:
            self.reasoning.setChecked(False)
            self._note("Extended thinking turned off: it needs Max tokens above 1,024.")

    def _note(self, text: str) -> None:
        self.switch_note.setText(text)
        self.switch_note.setVisible(bool(text))

    def set_model(self, model: ModelInfo, params: GenerationParams | None = None) -> None:
        """Shows ``model``'s limits. With ``params`` (the first model, or a reset) those values come in; without,
        the values on screen stay where they still fit and the panel says what changed."""
        before = self.params() if params is None else None
        self._model = model
        self._limits = model.limits
        self.blockSignals(True)
        self.temperature.set_maximum(model.limits.temperature_max)
        self.top_p.set_maximum(model.limits.top_p_max)
        self.max_tokens.set_range(1, model.limits.max_output_tokens)
        self.reasoning.setEnabled(self._supports_thinking())
        self.reasoning_controls.set_model(model)
        self.request_options.set_model(model)
        self.streaming.setEnabled(model.streaming)
        self.set_params(params if params is not None else (before or GenerationParams()))
        self.blockSignals(False)
        if before is not None:
            self._note(switch_notice(model.name, before, self.params()))
        else:
            self._note("")
        self._changed()

    def _supports_thinking(self) -> bool:
        model = self._model
        return model is not None and reasoning_control(model) in ("budget", "adaptive")

    def set_params(self, params: GenerationParams) -> None:
        params = params.clamped(self._limits)
        self.temperature.set_value(params.temperature)
        self.top_p.set_value(params.top_p)
        self.max_tokens.set_value(params.max_tokens)
        self.stop_sequences.setPlainText("\n".join(params.stop_sequences))
        self.system_prompt.setPlainText(params.system_prompt)
        self.reasoning.blockSignals(True)  # the values come as they were saved: nothing is raised or noted
        self.reasoning.setChecked(params.reasoning and self.reasoning.isEnabled()
                                  and params.max_tokens >= MIN_THINKING_MAX_TOKENS)
        self.reasoning.blockSignals(False)
        self.reasoning_controls.show_params(params, self.thinking_on())
        self.request_options.show_params(params)

    def params(self) -> GenerationParams:
        stops = tuple(line for line in self.stop_sequences.toPlainText().split("\n") if line)
        params = GenerationParams(
            temperature=self.temperature.value(),
            top_p=self.top_p.value(),
            max_tokens=self.max_tokens.value(),
            stop_sequences=stops,
            system_prompt=self.system_prompt.toPlainText().strip(),
            reasoning=self.reasoning.isChecked() and self.reasoning.isEnabled(),
        )
        return self.request_options.applied_to(self.reasoning_controls.applied_to(params)).clamped(self._limits)

    def options(self) -> RequestOptions:
        return RequestOptions(api=str(self.api.currentData()), streaming=self.streaming.isChecked())

    def set_options(self, options: RequestOptions) -> None:
        index = self.api.findData(options.api)
        self.api.setCurrentIndex(max(index, 0))
        self.streaming.setChecked(options.streaming)

    def thinking_on(self) -> bool:
        return self.reasoning.isChecked() and self.reasoning.isEnabled()

    def _update_truth(self) -> None:
        """Disables what the next request would ignore, with the reason where the person looks: the tooltip."""
        model = self._model
        name = model.name if model is not None else "This model"
        thinking = self.thinking_on()
        self.reasoning_controls.set_state(thinking, self.max_tokens.value())
        for slider, key, label in ((self.temperature, "temperature", "the temperature is fixed at 1"),
                                   (self.top_p, "top_p", "Top P is not sent")):
            slider.setEnabled(not thinking)
            slider.set_tooltip(f"Not used while extended thinking is on: {label}. Turn thinking off to set it."
                               if thinking else TIPS[key])
        # verbatim: model names come from the network, and Qt renders a tooltip that looks like HTML.
        self.reasoning.setToolTip(TIPS["reasoning"] if self.reasoning.isEnabled() else
                                  verbatim(f"{name} has no extended thinking switch. "
                                           f"{self.reasoning_controls.why_not()}", wrap=True))
        self.streaming.setToolTip(TIPS["streaming"] if self.streaming.isEnabled() else
                                  verbatim(f"{name} does not stream: the reply appears when it is complete.",
                                           wrap=True))
        no_stops = model is not None and model.family == "llama" and self.options().api == "invoke"
        self.stop_sequences.setEnabled(not no_stops)
        self.stop_sequences.setToolTip("Llama's native body has no stop sequences; use Converse to send them."
                                       if no_stops else TIPS["stops"])
        self._update_notice()

    def _update_notice(self) -> None:
        notes = []
        model = self._model
        stops = [line for line in self.stop_sequences.toPlainText().split("\n") if line]
        if len(stops) > MAX_STOP_SEQUENCES:
            notes.append(f"Only the first {MAX_STOP_SEQUENCES} stop sequences are sent.")
        if model is not None:
            if model.family == "llama" and stops and self.options().api == "invoke":
                notes.append("Llama's native body has no stop sequences; use Converse to send them.")
            if self.thinking_on():
                notes.append("With extended thinking the temperature is fixed at 1 and Top P is not sent.")
            if (self.options().api == "invoke" and model.features.prompt_caching and model.family != "anthropic"
                    and self.request_options.caching.isChecked()):
                notes.append("Prompt caching is sent through Converse only for this model.")
            if not model.streaming:
                notes.append("This model does not stream; the reply appears when it is complete.")
            notes.append(f"Limits for {model.name}: up to {self._limits.max_output_tokens:,} output tokens.")
        self.notice.setText("\n".join(notes))

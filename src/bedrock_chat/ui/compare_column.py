"""One column of compare mode: its model (picked in the same grouped, filterable picker as the toolbar's) and
parameter overrides, its streaming answer, a fault message, and "Keep this answer"."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from bedrock_chat.core.catalog import ModelInfo, custom_model, find_model
from bedrock_chat.core.compare import ColumnSpec
from bedrock_chat.core.conversation import Conversation, Message
from bedrock_chat.ui.chat_view import ChatView
from bedrock_chat.ui.elided_label import ElidedLabel
from bedrock_chat.ui.message_html import palette
from bedrock_chat.ui.model_choices import group_models
from bedrock_chat.ui.model_picker import ModelPicker

AS_SET = "as set"  # a spin box at its minimum shows this: the parameter is not overridden
NOT_SET = -0.05


class AnswerView(ChatView):
    """A column's answer: the conversation view's rendering, without the first screen's example prompts (they
    fill the window's prompt, not a column's)."""

    def empty_html(self) -> str:
        return f'<p style="color:{self._colors().muted}">This column\'s answer streams here.</p>'


def _named(widget: QWidget, name: str, tip: str) -> None:
    widget.setAccessibleName(name)
    widget.setToolTip(tip)


class CompareColumn(QFrame):
    changed = Signal()
    """The person changed this column's model or an override (the choice is remembered)."""
    keep_requested = Signal()
    """The person clicked "Keep this answer"."""

    def __init__(self, number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number = number
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(f"Compare column {number}")
        self.title = QLabel(f"<b>Column {number}</b>")
        self.model_picker = ModelPicker(elide=True)
        self.model_picker.set_placeholder("Loading models…")
        _named(self.model_picker, f"Column {number} model",
               "The model that answers in this column. Click to choose, filter by typing.")
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(NOT_SET, 2.0)
        self.temperature.setSingleStep(0.05)
        self.temperature.setSpecialValueText(AS_SET)
        self.temperature.setValue(NOT_SET)
        _named(self.temperature, f"Column {number} temperature",
               "Temperature for this column only; “as set” uses the model's parameters.")
        self.top_p = QDoubleSpinBox()
        self.top_p.setRange(NOT_SET, 1.0)
        self.top_p.setSingleStep(0.05)
        self.top_p.setSpecialValueText(AS_SET)
        self.top_p.setValue(NOT_SET)
        _named(self.top_p, f"Column {number} top P",
               "Top P for this column only; “as set” uses the model's parameters.")
        self.max_tokens = QSpinBox()
        self.max_tokens.setRange(0, 1_000_000)
        self.max_tokens.setSingleStep(256)
        self.max_tokens.setSpecialValueText(AS_SET)
        _named(self.max_tokens, f"Column {number} max tokens",
               "Max tokens for this column only; “as set” uses the model's parameters.")
        self.system_prompt = QLineEdit()
        self.system_prompt.setPlaceholderText("System prompt: as set")
        _named(self.system_prompt, f"Column {number} system prompt",
               "A system prompt for this column only; empty uses the one set for the model.")
        self.chat = AnswerView()
        self.chat.setAccessibleName(f"Column {number} answer")
        self.chat.setPlaceholderText("This column's answer streams here.")
        self.fault = QLabel()
        self.fault.setTextFormat(Qt.TextFormat.PlainText)  # error texts carry what the service said
        self.fault.setWordWrap(True)
        self._dark = False
        self._colour_fault()
        _named(self.fault, f"Column {number} error", "Why this column's reply failed; the other columns go on.")
        self.fault.hide()
        self.keep_button = QPushButton("Keep this answer")
        _named(self.keep_button, "Keep this answer",
               "Make this answer the conversation's reply; the other columns' answers stay as alternatives.")
        self.keep_button.setEnabled(False)
        self.keep_button.clicked.connect(self.keep_requested)

        # Shown on a short window instead of the statistics table: this column's row of it, as one line.
        self.figures = ElidedLabel()
        self.figures.setAccessibleName(f"Column {number} statistics")
        self.figures.hide()

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.title)
        header.addWidget(self.model_picker, 1)
        # The parameter overrides fold away together (ComparePanel's Parameters button).
        self.parameters = QWidget()
        grid = QGridLayout(self.parameters)
        grid.setContentsMargins(0, 0, 0, 0)
        for position, (label, widget) in enumerate((("T", self.temperature), ("P", self.top_p),
                                                    ("Max", self.max_tokens))):
            tag = QLabel(label)
            tag.setToolTip(widget.toolTip())
            grid.addWidget(tag, 0, position * 2)
            grid.addWidget(widget, 0, position * 2 + 1)
        grid.addWidget(self.system_prompt, 1, 0, 1, 6)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(6, 6, 6, 6)
        self.body.addLayout(header)
        self.body.addWidget(self.parameters)
        self.body.addWidget(self.chat, 1)
        self.body.addWidget(self.fault)
        footer = QHBoxLayout()  # the figures, when shown, take what "Keep this answer" leaves
        footer.setContentsMargins(0, 0, 0, 0)
        footer.addWidget(self.figures, 1)
        footer.addWidget(self.keep_button)
        self.body.addLayout(footer)
        self._roomy_spacing = self.body.spacing()
        self.compact = False

        self.model_picker.model_chosen.connect(self.changed)
        self.model_picker.id_typed.connect(self._on_id_typed)
        self.temperature.valueChanged.connect(self.changed)
        self.top_p.valueChanged.connect(self.changed)
        self.max_tokens.valueChanged.connect(self.changed)
        self.system_prompt.editingFinished.connect(self.changed)
        self.reply: Message | None = None
        self._editable = True

    def _colour_fault(self) -> None:
        """The error colours of the conversation's own error card, for the theme in use; the answer's view (code
        colours, muted text) follows the theme as the conversation's does."""
        dark = QApplication.palette().window().color().lightness() < 128
        colours = palette(dark)
        self.fault.setStyleSheet(f"color: {colours.error_foreground}; background: {colours.error_background};"
                                 " padding: 4px; border-radius: 4px;")
        if dark != self._dark:
            self._dark = dark
            self.chat.set_dark(dark)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._colour_fault()

    # -- the choice -----------------------------------------------------------------------------------

    def set_models(self, models: list[ModelInfo], chosen: str | None, region: str | None = None) -> None:
        """Fills the model list; keeps ``chosen`` even when this connection does not list it (shown as typed).
        Nothing is emitted: the choice is put back, not made."""
        if not models:
            self.model_picker.set_placeholder("No models")
            return
        self.model_picker.set_models(models, region)
        if chosen:
            self.model_picker.show_model(self._listed_or_typed(chosen))
        else:
            self.model_picker.show_model(group_models(models)[0].preferred(None, region))
        self.model_picker.setEnabled(self._editable)

    def _listed_or_typed(self, model_id: str) -> ModelInfo:
        listed = find_model(model_id, self.model_picker.models)
        if listed is not None:
            return listed
        typed = custom_model(model_id)
        return replace(typed, name=f"{typed.name} (not listed here)")

    def _on_id_typed(self, typed: str) -> None:
        """An id or ARN the list does not have: kept as typed; a compare says the column did not run if this
        connection does not offer it."""
        self.model_picker.show_model(self._listed_or_typed(typed))
        self.changed.emit()

    def spec(self) -> ColumnSpec | None:
        chosen = self.model_picker.current
        if chosen is None:
            return None
        model = chosen.invoke_id
        system = self.system_prompt.text()
        return ColumnSpec(model,
                          None if self.temperature.value() < 0 else round(self.temperature.value(), 2),
                          None if self.top_p.value() < 0 else round(self.top_p.value(), 3),
                          self.max_tokens.value() or None,
                          system if system.strip() else None)

    def set_spec(self, spec: ColumnSpec) -> None:
        for widget in (self.temperature, self.top_p, self.max_tokens, self.system_prompt):
            widget.blockSignals(True)
        self.temperature.setValue(NOT_SET if spec.temperature is None else spec.temperature)
        self.top_p.setValue(NOT_SET if spec.top_p is None else spec.top_p)
        self.max_tokens.setValue(spec.max_tokens or 0)
        self.system_prompt.setText(spec.system_prompt or "")
        for widget in (self.temperature, self.top_p, self.max_tokens, self.system_prompt):
            widget.blockSignals(False)

    def set_editable(self, editable: bool) -> None:
        """A column keeps its choice while its answer streams."""
        self._editable = editable
        for widget in (self.temperature, self.top_p, self.max_tokens, self.system_prompt):
            widget.setEnabled(editable)
        self.model_picker.setEnabled(editable and bool(self.model_picker.models))

    # -- the answer -----------------------------------------------------------------------------------

    def begin(self, reply: Message) -> None:
        """A new answer starts streaming here, in the same view and the same way as a single reply."""
        self.reply = reply
        self.fault.hide()
        self.keep_button.setEnabled(False)
        self.keep_button.setText("Keep this answer")
        self.chat.set_conversation(Conversation(title="compare", messages=[reply]))
        self.chat.begin_reply(reply)

    def show_fault(self, text: str) -> None:
        self.fault.setText(text)
        self.fault.show()

    def show_note(self, text: str) -> None:
        """A column that could not start (its model is not offered here): the reason, in place of an answer."""
        self.reply = None
        self.chat.clear()
        self.keep_button.setEnabled(False)
        self.show_fault(text)

    def finish(self, reply: Message) -> None:
        self.chat.finish_reply(reply)

    def set_keepable(self, keepable: bool) -> None:
        self.keep_button.setEnabled(keepable)

    def set_kept(self, kept: bool) -> None:
        self.keep_button.setText("✓ Kept as the reply" if kept else "Keep this answer")

    # -- a short window -------------------------------------------------------------------------------

    def set_compact(self, compact: bool) -> None:
        """Short of height, the answer comes first: the figures take the rest of the Keep button's line (the
        panel hides the table) and the margins narrow."""
        self.compact = compact
        margin = 2 if compact else 6
        self.body.setContentsMargins(margin, margin, margin, margin)
        self.body.setSpacing(2 if compact else self._roomy_spacing)
        self.figures.setVisible(compact and bool(self.figures.full_text))

    def show_figures(self, line: str, tip: str) -> None:
        self.figures.set_full_text(line)
        self.figures.setToolTip(tip)
        self.figures.setAccessibleDescription(line)  # whole, where the label may show it cut with "…"
        self.figures.setVisible(self.compact and bool(line))

"""The parameter panel's "what Bedrock offers" section: prompt caching, latency-optimized inference, the service
tier and a guardrail. An option the chosen model lacks stays visible but disabled, and its tooltip says why."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from bedrock_chat.bedrock.request_features import guardrail_problem
from bedrock_chat.core.catalog import ModelInfo
from bedrock_chat.core.params import GenerationParams
from bedrock_chat.ui.rich_text import verbatim

GUARDRAIL_ID_TIP = ("A guardrail of your account that checks prompts and replies: its id or ARN, from the Bedrock "
                    "console. Leave empty for none.")
_TIER_LABELS = {"default": "Standard", "priority": "Priority (faster, costs more)",
                "flex": "Flex (cheaper, may be slower)", "reserved": "Reserved"}


class RequestOptionsControls(QGroupBox):
    changed = Signal()
    """The user changed one of the per-request options."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Bedrock options", parent)
        self.caching = QCheckBox("Prompt caching")
        self.caching.setAccessibleName("Prompt caching")
        self.caching.setChecked(True)
        self.latency = QCheckBox("Latency-optimized")
        self.latency.setAccessibleName("Latency-optimized inference")
        self.tier = QComboBox()
        self.tier.setAccessibleName("Service tier")
        # Sized by a few characters, not its longest item, so the panel stays whole when narrow.
        self.tier.setMinimumContentsLength(8)
        self.tier.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.guardrail_id = QLineEdit()
        self.guardrail_id.setAccessibleName("Guardrail id")
        # Short enough to show whole in the narrowest side panel; the tooltip says the rest.
        self.guardrail_id.setPlaceholderText("Id/ARN")
        self.guardrail_version = QLineEdit()
        self.guardrail_version.setAccessibleName("Guardrail version")
        self.guardrail_version.setPlaceholderText("Version")
        self.guardrail_version.setToolTip("The guardrail's version: a number, or DRAFT for the working copy.")
        self.guardrail_version.setFixedWidth(64)
        self.guardrail_problem = QLabel()
        self.guardrail_problem.setAccessibleName("Guardrail problem")
        self.guardrail_problem.setTextFormat(Qt.TextFormat.PlainText)
        self.guardrail_problem.setWordWrap(True)
        self.guardrail_problem.setStyleSheet("color: #b45309;")
        self.guardrail_problem.hide()
        guardrail = QWidget()
        row = QHBoxLayout(guardrail)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.guardrail_id, 1)
        row.addWidget(self.guardrail_version)
        form = QFormLayout(self)
        # The side panel can be as narrow as ~220 px (900x600): the guardrail fields go under their label there.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.caching)
        form.addRow(self.latency)
        form.addRow("Service tier", self.tier)
        form.addRow("Guardrail", guardrail)
        form.addRow(self.guardrail_problem)
        self.set_model(None)
        for signal in (self.caching.toggled, self.latency.toggled, self.tier.currentIndexChanged,
                       self.guardrail_id.textChanged, self.guardrail_version.textChanged):
            signal.connect(self._changed)

    def set_model(self, model: ModelInfo | None) -> None:
        features = model.features if model is not None else None
        # Quoted in tooltips through verbatim: names come from the network, and Qt renders HTML-looking tips.
        name = model.name if model is not None else "This model"
        self.blockSignals(True)
        caching = bool(features and features.prompt_caching)
        self.caching.setEnabled(caching)
        self.caching.setToolTip(
            f"Marks the system prompt and recent turns as cacheable: a repeated prefix of at least "
            f"{features.cache_min_tokens:,} tokens is read back at a discount." if features and caching else
            verbatim(f"{name} has no prompt caching on Bedrock.", wrap=True))
        latency = bool(features and features.latency_optimized)
        self.latency.setEnabled(latency)
        self.latency.setToolTip("Asks Bedrock for its latency-optimized version of the model (faster replies, "
                                "a higher price, in some regions only)." if latency else
                                verbatim(f"{name} has no latency-optimized inference on Bedrock.", wrap=True))
        chosen = self.tier.currentData()
        self.tier.clear()
        self.tier.addItem("Standard", "")
        tiers = [tier for tier in (features.service_tiers if features else ()) if tier != "default"]
        for tier in tiers:
            self.tier.addItem(_TIER_LABELS.get(tier, tier.capitalize()), tier)
        self.tier.setCurrentIndex(max(0, self.tier.findData(chosen)))
        self.tier.setEnabled(bool(tiers))
        self.tier.setToolTip("How Bedrock schedules this request: Priority answers first at a premium, Flex "
                             "costs less when it can wait." if tiers else
                             verbatim(f"{name} offers only the standard service tier.", wrap=True))
        guarded = bool(features and features.guardrails)
        for widget in (self.guardrail_id, self.guardrail_version):
            widget.setEnabled(guarded)
        # The explanation comes back with a model that takes a guardrail (the placeholder is only "Id/ARN").
        self.guardrail_id.setToolTip(GUARDRAIL_ID_TIP if guarded else verbatim(
            f"{name} cannot be used with guardrails through Converse.", wrap=True))
        self.blockSignals(False)

    def show_params(self, params: GenerationParams) -> None:
        self.blockSignals(True)
        self.caching.setChecked(params.prompt_caching)
        self.latency.setChecked(params.latency_optimized)
        self.tier.setCurrentIndex(max(0, self.tier.findData(params.service_tier)))
        self.guardrail_id.setText(params.guardrail_id)
        self.guardrail_version.setText(params.guardrail_version)
        self.blockSignals(False)
        self._show_problem()

    def applied_to(self, params: GenerationParams) -> GenerationParams:
        return replace(params, prompt_caching=self.caching.isChecked(), latency_optimized=self.latency.isChecked(),
                       service_tier=str(self.tier.currentData() or ""),
                       guardrail_id=self.guardrail_id.text().strip(),
                       guardrail_version=self.guardrail_version.text().strip())

    def _show_problem(self) -> None:
        problem = guardrail_problem(self.applied_to(GenerationParams()))
        self.guardrail_problem.setText(f"{problem} It is not sent until then." if problem else "")
        self.guardrail_problem.setVisible(bool(problem))

    def _changed(self, *_: object) -> None:
        self._show_problem()
        self.changed.emit()

"""The toolbar: model picker, region and profile boxes, Reconnect and Connection…; and the connection's
description, which the window shows at the right of its status bar (in the toolbar it was the first thing to go
into the overflow menu of a narrow window, and with it the word "Offline")."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QActionEvent, QResizeEvent
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton, QSizePolicy, QToolBar, QToolButton, QWidget

from bedrock_chat.bedrock.connection import ConnectionSettings
from bedrock_chat.core.catalog import ModelInfo, find_model
from bedrock_chat.core.key_store import KeyStatus
from bedrock_chat.core.regions import BEDROCK_REGIONS
from bedrock_chat.ui.call_soon import call_soon
from bedrock_chat.ui.connection_controller import Connected, ConnectionController, ConnectionFailure
from bedrock_chat.ui.model_picker import ModelPicker

DEFAULT_PROFILE_LABEL = "(default credentials)"
DEFAULT_MODEL = "amazon.nova-micro-v1:0"


def region_box(region: str) -> QComboBox:
    """The Bedrock regions to pick from, or one typed; named as a whole and in its text field, where the focus is
    while a region is typed."""
    box = QComboBox()
    box.setAccessibleName("Region")
    box.setEditable(True)
    editor = QLineEdit()
    editor.setAccessibleName("Region")
    box.setLineEdit(editor)
    box.addItems(BEDROCK_REGIONS)
    box.setCurrentText(region)
    return box


class ConnectionBar(QToolBar):
    model_chosen = Signal(object)
    """The user (or a fresh model list) chose a model (``ModelInfo``)."""
    dialog_requested = Signal()
    """The Connection… button was clicked."""

    def __init__(self, controller: ConnectionController, preferred_model: str | None) -> None:
        super().__init__("Connection")
        self._controller = controller
        self.preferred_model = preferred_model
        self._busy = False
        self.setObjectName("connection-bar")
        self.setMovable(False)
        self.model_picker = ModelPicker()
        self.model_picker.set_placeholder("Loading models…")
        self.model_picker.model_chosen.connect(self._on_model_chosen)
        self.model_picker.id_typed.connect(self._on_model_typed)
        settings = controller.settings
        self.region_box = region_box(settings.region)
        self.region_box.setToolTip("The AWS region whose Bedrock endpoint is used.")
        self.profile_box = QComboBox()
        self.profile_box.setAccessibleName("AWS profile")
        self.profile_box.setToolTip("A profile from your AWS config (SSO profiles included).")
        self.profile_box.addItem(DEFAULT_PROFILE_LABEL, None)
        if settings.profile:
            self.profile_box.addItem(settings.profile, settings.profile)
            self.profile_box.setCurrentIndex(1)
        self.refresh_button = QPushButton("Reconnect")
        self.refresh_button.setAccessibleName("Reconnect")
        self.refresh_button.setToolTip("Use the chosen region and profile and reload the model list.")
        self.refresh_button.clicked.connect(self._on_reconnect)
        self.connection_button = QPushButton("Connection…")
        self.connection_button.setAccessibleName("Connection settings")
        self.connection_button.setToolTip("Region, profile, Bedrock API key and endpoint; test the connection.")
        self.connection_button.clicked.connect(self.dialog_requested)
        self.connection_label = QLabel()
        self.connection_label.setTextFormat(Qt.TextFormat.PlainText)  # profile names and URLs from outside
        self.connection_label.setAccessibleName("Connection")
        for label, widget in (("Model", self.model_picker), ("Region", self.region_box), ("Profile", self.profile_box)):
            caption = QLabel(f"  {label} ")
            caption.setBuddy(widget)
            self.addWidget(caption)
            self.addWidget(widget)
        self.addWidget(self.refresh_button)
        self.addWidget(self.connection_button)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addWidget(spacer)
        self._enable_for(settings)
        # Qt's own "more" arrow appears when the window is narrow; it is a control a person uses too.
        for button in self.findChildren(QToolButton, "qt_toolbar_ext_button"):
            button.setAccessibleName("More toolbar controls")
            button.setToolTip("Show the toolbar controls that do not fit.")
        # On a narrow window these two show their icons only (their names and tooltips stay), so the rest of
        # the toolbar, the Compare button at its end most of all, stays in sight instead of in the » menu.
        self._compactable = {self.refresh_button: "Reconnect", self.connection_button: "Connection…"}
        self.compact = False
        self._full_width = 0  # the toolbar's width with every word shown, measured when it stopped fitting
        self._key_in_memory_only = False
        controller.key_status_changed.connect(self._on_key_status)
        controller.connecting.connect(self._on_connecting)
        controller.connected.connect(self._on_connected)
        controller.failed.connect(self._on_failed)
        controller.model_resolved.connect(self._on_model_resolved)

    # -- fitting a narrow window ----------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def actionEvent(self, event: QActionEvent) -> None:
        super().actionEvent(event)
        if hasattr(self, "_compactable"):  # a button added later (Compare) counts once it is laid out
            call_soon(self, self._fit)

    def _fit(self) -> None:
        if not self.compact and self.width() < self.sizeHint().width():
            self._full_width = self.sizeHint().width()
            self._set_compact(True)
        elif self.compact and self.width() >= self._full_width:
            self._set_compact(False)
            if self.width() < self.sizeHint().width():  # something else grew meanwhile
                self._fit()

    def _set_compact(self, compact: bool) -> None:
        self.compact = compact
        for button, text in self._compactable.items():
            button.setText("" if compact else text)

    # -- what the controller reports -------------------------------------------------------------------

    def _enable_for(self, settings: ConnectionSettings) -> None:
        """Offline, region and profile mean nothing: the built-in endpoint answers."""
        for widget in (self.region_box, self.profile_box, self.refresh_button):
            widget.setEnabled(not settings.offline)

    def _on_connecting(self, settings: ConnectionSettings) -> None:
        self._enable_for(settings)
        self.connection_label.setText(f"Connecting: {settings.description}")
        self.model_picker.setEnabled(False)

    def _on_key_status(self, status: KeyStatus) -> None:
        self._key_in_memory_only = status.has_key and not status.persistent
        self.connection_label.setToolTip(status.note)
        self._describe(self._controller.settings)

    def _describe(self, settings: ConnectionSettings) -> None:
        # Said where it stays in sight: a key kept in memory only is gone after a restart.
        memory_only = self._key_in_memory_only and settings.api_key is not None
        self.connection_label.setText(settings.description + (" (API key in memory only, until you quit)"
                                                              if memory_only else ""))

    def _on_connected(self, result: Connected) -> None:
        if result.preferred:
            self.preferred_model = result.preferred  # found: it was resolved and, if not listed, added
        self._fill_profiles(result.profiles)
        self._describe(result.settings)
        self._fill_models(result.models)

    def _on_failed(self, failure: ConnectionFailure) -> None:
        self.model_picker.set_placeholder("No models: see the message above")
        self._describe(failure.settings)

    def _fill_profiles(self, profiles: list[str]) -> None:
        current = self.profile_box.currentData()
        self.profile_box.blockSignals(True)
        self.profile_box.clear()
        self.profile_box.addItem(DEFAULT_PROFILE_LABEL, None)
        for name in profiles:
            self.profile_box.addItem(name, name)
        if current and self.profile_box.findData(current) < 0:
            self.profile_box.addItem(current, current)  # a profile named on the command line stays visible
        self.profile_box.setCurrentIndex(max(0, self.profile_box.findData(current)))
        self.profile_box.blockSignals(False)

    def _fill_models(self, models: list[ModelInfo]) -> None:
        self.model_picker.set_models(models, self._controller.settings.region)
        chosen = (find_model(self.preferred_model or DEFAULT_MODEL, models) or find_model(DEFAULT_MODEL, models)
                  or (models[0] if models else None))
        self._update_enabled()
        if chosen is not None:
            self.model_picker.show_model(chosen)
            self._on_model_chosen(chosen)

    # -- what the user does ----------------------------------------------------------------------------

    def _on_model_typed(self, typed: str) -> None:
        self._controller.use_model_id(typed)

    def _on_model_resolved(self, model: ModelInfo, note: str) -> None:
        self.model_picker.show_model(model)
        self._on_model_chosen(model)

    def current_model(self) -> ModelInfo | None:
        return self.model_picker.current

    def _on_model_chosen(self, model: ModelInfo) -> None:
        self.preferred_model = model.invoke_id
        self.model_chosen.emit(model)

    def _on_reconnect(self) -> None:
        self._controller.reconnect(self.region_box.currentText().strip(), self.profile_box.currentData())

    def show_settings(self, settings: ConnectionSettings) -> None:
        """After the Connection dialog: the boxes show what is in use."""
        self.region_box.setCurrentText(settings.region)
        index = self.profile_box.findData(settings.profile)
        if index < 0 and settings.profile:
            self.profile_box.addItem(settings.profile, settings.profile)
            index = self.profile_box.count() - 1
        self.profile_box.setCurrentIndex(max(0, index))

    def set_busy(self, busy: bool) -> None:
        """A reply in flight keeps its model: the model box waits until it ends."""
        self._busy = busy
        self._update_enabled()

    def _update_enabled(self) -> None:
        self.model_picker.setEnabled(not self._busy and self._controller.clients is not None
                                  and bool(self._controller.models))

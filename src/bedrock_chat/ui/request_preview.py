"""The parameters and the request they make: kept per model in the settings, shown as the exact JSON body.

The preview is rebuilt at most once per short pause (typing, dragging a slider), never once per keystroke, and
after every reply (the next request carries it in its history); while it is not on screen (another tab, the side
panel closed) it is only marked stale and rebuilt when it is shown: after a long reply the rebuild took 31-67 ms
of the GUI thread (bench/frame_stages.py), the largest frame of the reply, for a body nobody was looking at.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QPlainTextEdit

from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.core.attachments import Attachment
from bedrock_chat.core.catalog import ModelInfo
from bedrock_chat.core.conversation import Conversation
from bedrock_chat.core.params import GenerationParams
from bedrock_chat.ui.param_panel import ParameterPanel
from bedrock_chat.ui.preview_pane import PreviewText
from bedrock_chat.ui.prompt_editor import PromptEditor
from bedrock_chat.ui.settings_store import SettingsStore

PREVIEW_DELAY_MS = 120
PROMPT_PLACEHOLDER = "…your prompt…"


class RequestSource(Protocol):
    """What a request is made of besides the parameters: the conversation on screen and the chosen model."""

    @property
    def conversation(self) -> Conversation: ...

    def current_model(self) -> ModelInfo | None: ...


class RequestPreview(QObject):
    """Builds the next request from the conversation, the model and the parameters, and keeps the preview current."""

    def __init__(self, source: RequestSource, parameters: ParameterPanel, prompt: PromptEditor,
                 preview: QPlainTextEdit, settings: SettingsStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._parameters = parameters
        self._prompt = prompt
        self._preview = preview
        self._settings = settings
        # The attachments waiting in the prompt's tray: they go with a draft prompt (the preview, the send check).
        self.draft_attachments: Callable[[], tuple[Attachment, ...]] = tuple
        self._shown_model: ModelInfo | None = None
        self._stale = True
        preview.installEventFilter(self)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PREVIEW_DELAY_MS)
        self.timer.timeout.connect(self._update_preview)
        parameters.params_changed.connect(self._on_params_changed)
        parameters.reset_requested.connect(self._reset_params)
        prompt.textChanged.connect(self.schedule)

    def schedule(self) -> None:
        self.timer.start()

    def show_model(self, model: ModelInfo) -> None:
        """A model was chosen. The first one brings back its saved parameters (or its defaults); a switch keeps
        the values on screen where they fit the new model, and the panel says what it had to change."""
        if self._shown_model is None:
            saved = self._settings.params_for(model.invoke_id)
            self._parameters.set_model(model, saved or GenerationParams.defaults_for(model.limits))
        else:
            self._parameters.set_model(model)
        self._shown_model = model
        self.schedule()

    def build_request(self, prompt: str | None = None) -> TurnRequest | None:
        model = self._source.current_model()
        if model is None:
            return None
        conversation = self._source.conversation
        history = conversation.history(draft=prompt)
        attachments = conversation.history_attachments(prompt, self.draft_attachments() if prompt else ())
        return TurnRequest(model, history, self._parameters.params(), self._parameters.options(),
                           attachments=tuple(attachments) if any(attachments) else (),
                           reasoning=tuple(conversation.reasoning_history(draft=prompt)))

    def _on_params_changed(self) -> None:
        model = self._source.current_model()
        if model is not None:
            self._settings.set_params_for(model.invoke_id, self._parameters.params())
        self._settings.set_options(self._parameters.options())
        self.schedule()

    def _reset_params(self) -> None:
        model = self._source.current_model()
        if model is not None:
            self._parameters.set_params(GenerationParams.defaults_for(model.limits))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self._stale and watched is vars(self).get("_preview"):
            self._update_preview()
        return False

    def _update_preview(self) -> None:
        if not self._preview.isVisible():
            self._stale = True
            return
        self._stale = False
        request = self.build_request(self._prompt.toPlainText().strip() or PROMPT_PLACEHOLDER)
        if request is None:
            self._show("Choose a model to see the request body.")
            return
        try:
            body = request.preview()
        except ValueError as error:
            body = str(error)
        header = f"// {request.operation} → {request.model.invoke_id}\n"
        self._show(header + body)

    def _show(self, text: str) -> None:
        if isinstance(self._preview, PreviewText):
            self._preview.show_text(text)  # keeps the scroll position, shades what changed
        else:
            self._preview.setPlainText(text)

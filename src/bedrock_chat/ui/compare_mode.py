"""Compare mode in the window: the checkable Compare action, the compare area above the prompt, sending one prompt
to every column, showing and saving each column's answer as it streams, and keeping one as the reply."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QSplitter

from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.core.attachments import AttachmentError
from bedrock_chat.core.catalog import ModelInfo, Pricing
from bedrock_chat.core.compare import ColumnSpec, columns_from_json, columns_to_json, group_answers, keep_answer
from bedrock_chat.core.conversation import Conversation, Message, MessageState
from bedrock_chat.core.params import GenerationParams
from bedrock_chat.core.stats import ReplyStats
from bedrock_chat.ui.chat_view import ChatView
from bedrock_chat.ui.compare_controller import CompareController
from bedrock_chat.ui.compare_panel import ComparePanel
from bedrock_chat.ui.connection_controller import ConnectionController
from bedrock_chat.ui.conversation_session import ConversationSession
from bedrock_chat.ui.param_panel import ParameterPanel
from bedrock_chat.ui.settings_store import SettingsStore

SHORT_WINDOW_PX = 600  # below this chat-column height the conversation above the columns gets a tenth, not a fifth


class CompareMode(QObject):
    status_changed = Signal(str, int)
    """A status line and how long to show it in milliseconds."""
    compare_finished = Signal(list)
    """Every column ended; carries the answers (``Message``) in column order, on screen and saved."""
    answer_kept = Signal(object)
    """A column's answer (``Message``) became the reply that later requests send back."""
    sidebar_changed = Signal()
    """A conversation's messages changed in a way the sidebar lists (a new compare turn)."""
    active_changed = Signal(bool)
    """Compare mode was turned on or off (prompts go to the columns, or to the toolbar's model)."""

    def __init__(self, session: ConversationSession, chat: ChatView, splitter: QSplitter,
                 connection: ConnectionController, parameters: ParameterPanel, settings: SettingsStore,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._chat = chat
        self._splitter = splitter
        self._connection = connection
        self._parameters = parameters
        self._settings = settings
        self.controller = CompareController(self)
        self.outcome_status = ""
        """The status line the last compare ended with (or the answer kept): about its conversation only."""
        self.panel = ComparePanel()
        self.panel.hide()
        splitter.insertWidget(1, self.panel)  # between the conversation and the prompt
        splitter.setStretchFactor(1, 4)
        self.action: QAction | None = None
        self._filled = False
        self._active = False
        self._answers_unshown = False  # a compare turn ended and the conversation view does not show it yet
        for index, (turn, column) in enumerate(zip(self.controller.columns, self.panel.columns, strict=True)):
            turn.reply_started.connect(column.begin)
            turn.reply_started.connect(session.store_message)
            turn.text_arrived.connect(column.chat.append_reply)
            turn.reply_progressed.connect(session.store_message)
            turn.stats_changed.connect(lambda stats, pricing, row=index: self.panel.stats.show_stats(row, stats,
                                                                                                   pricing))
            turn.reply_failed.connect(lambda _reply, error, column=column: column.show_fault(str(error)))
            turn.reply_finished.connect(lambda reply, stats, pricing, row=index: self._on_column_finished(
                row, reply, stats, pricing))
            column.keep_requested.connect(lambda row=index: self.keep(row))
        self.controller.busy_changed.connect(lambda busy: self.panel.set_editable(not busy))
        self.controller.compare_finished.connect(self._on_compare_finished)
        self.panel.columns_changed.connect(self._remember)
        session.switched.connect(self._on_switched)

    # -- the mode -----------------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self._active

    @property
    def busy(self) -> bool:
        return self.controller.busy

    def attach_action(self, action: QAction) -> None:
        self.action = action

    def on_action(self) -> None:
        """The Compare action was triggered (menu, toolbar button or shortcut): it has just changed state."""
        if self.action is not None:
            self.set_active(self.action.isChecked())

    def set_active(self, on: bool) -> None:
        if not on and self.busy:  # the compare in flight stays visible until it ends or is stopped
            self.status_changed.emit("Stop the compare (Esc) before leaving compare mode.", 6000)
            if self.action is not None:
                self.action.setChecked(True)
            return
        if on and not self._filled:
            self.fill_models()
        changed = on != self._active
        self._active = on
        self.panel.setVisible(on)
        if not on:
            self._show_answers()
        sizes = self._splitter.sizes()
        if on:  # the prompt keeps its height; the conversation above gives the columns most of the rest
            total, prompt = sum(sizes), sizes[-1]
            conversation = total // 5 if total >= SHORT_WINDOW_PX else total // 10
            self._splitter.setSizes([conversation, total - conversation - prompt, prompt])
        if self.action is not None and self.action.isChecked() != on:
            self.action.setChecked(on)
        self.status_changed.emit("Compare mode: the next prompt goes to every column." if on
                                 else "Compare mode is off: prompts go to the model in the toolbar.", 6000)
        if changed:
            self.active_changed.emit(on)

    def fill_models(self) -> None:
        """The columns' model lists, from this connection's models; the remembered columns come back."""
        models = self._connection.models
        if not models:
            return
        self._filled = True
        current = self._connection.preferred_model
        self.panel.set_models(models, columns_from_json(self._settings.compare_columns()), current,
                              self._connection.settings.region)

    def _remember(self) -> None:
        if self._filled:
            self._settings.set_compare_columns(columns_to_json(self.panel.specs()))

    # -- a compare turn -----------------------------------------------------------------------------

    def start(self) -> bool:
        """Sends the conversation's last prompt to every column; False when nothing could start."""
        clients = self._connection.clients
        if clients is None or self.busy:
            return False
        conversation = self._session.conversation
        columns = self.panel.active_columns()
        requests: list[TurnRequest | None] = []
        names: list[str] = []
        history = conversation.history()
        attachments = tuple(conversation.history_attachments())  # each column gets the prompt's files too
        if not history:
            return False
        self._show_answers()  # the earlier compare's answers go above the prompt just sent
        self._remember()  # a system prompt typed just before sending is remembered too
        notes: list[str] = []
        for column in columns:
            spec = column.spec()
            model = self._model(spec.model_id) if spec is not None else None
            names.append(self._name(spec, model, column.number))
            notes.append(f"Column {column.number} did not run: its model is not offered by this connection. "
                         "Pick another model for it.")
            if spec is None or model is None:
                requests.append(None)
                continue
            built = TurnRequest(model, history, self._params(spec, model), self._parameters.options(),
                                attachments=attachments if any(attachments) else ())
            try:  # each column's model is checked, as Send checks the single reply's: an InvokeModel body
                built.check_attachments()  # with no place for a file would otherwise go out without it
            except AttachmentError as error:
                notes[-1] = f"Column {column.number} did not run: {error}"
                requests.append(None)
                continue
            requests.append(built)
        self.panel.stats.set_columns(names)
        for row, (column, request) in enumerate(zip(columns, requests, strict=True)):
            if request is None:
                column.show_note(notes[row])
                self.panel.stats.show_note(row, "not run")
        return self.controller.start(clients.runtime, requests, conversation) is not None

    def _model(self, model_id: str) -> ModelInfo | None:
        return next((model for model in self._connection.models if model.invoke_id == model_id), None)

    def _params(self, spec: ColumnSpec, model: ModelInfo) -> GenerationParams:
        base = self._settings.params_for(model.invoke_id) or GenerationParams.defaults_for(model.limits)
        return spec.apply(base).clamped(model.limits)

    @staticmethod
    def _name(spec: ColumnSpec | None, model: ModelInfo | None, number: int) -> str:
        if spec is None:
            return f"{number}: no model"
        overrides = spec.describe()
        name = model.name if model is not None else spec.model_id
        return f"{number}: {name}" + (f" ({overrides})" if overrides else "")

    def stop(self) -> None:
        self.controller.stop()

    def shutdown(self) -> list[Message]:
        return self.controller.shutdown()

    def _on_column_finished(self, row: int, reply: Message, stats: ReplyStats, pricing: Pricing | None) -> None:
        self.panel.stats.show_stats(row, stats, pricing, ended=True)
        self.panel.columns[row].finish(reply)
        self._session.store_message(reply)

    def _on_compare_finished(self, group: str) -> None:
        conversation = self._session.conversation
        answers = group_answers(conversation, group)
        # The columns show the answers now; the conversation view shows them (marked kept or alternative) when
        # it is drawn again: on keeping one, leaving compare mode or the next prompt. Rendering three long
        # answers here, as they end, would stall the window for as long as opening such a conversation does.
        self._answers_unshown = True
        for column in self.panel.active_columns():
            reply = column.reply
            # A failed answer is never sent back (like any failed reply), so it cannot become the reply.
            column.set_keepable(reply is not None and any(reply is answer for answer in answers)
                                and bool(reply.text.strip()) and reply.state != MessageState.FAILED)
        self.sidebar_changed.emit()
        self.outcome_status = "Every column has ended: keep the answer you prefer as the conversation's reply."
        self.status_changed.emit(self.outcome_status, 10000)
        self.compare_finished.emit(answers)

    def keep(self, row: int) -> None:
        """Makes this column's answer the reply that later turns send back; the others stay as alternatives."""
        reply = self.panel.columns[row].reply
        conversation = self._session.conversation
        if reply is None or self.busy or not any(message is reply for message in conversation.messages):
            self.status_changed.emit("That answer is not part of the conversation on screen any more.", 6000)
            return
        for message in keep_answer(conversation, reply.id):
            self._session.store_message(message)
        self._answers_unshown = True
        self._show_answers(scroll_to=reply.id)
        for column in self.panel.columns:
            column.set_kept(column.reply is reply)
        self.answer_kept.emit(reply)
        self.outcome_status = f"Kept column {row + 1}'s answer as the reply; the others stay as alternatives."
        self.status_changed.emit(self.outcome_status, 8000)

    def _show_answers(self, scroll_to: str | None = None) -> None:
        if self._answers_unshown:
            self._answers_unshown = False
            self._chat.render_all(scroll_to=scroll_to)

    def _on_switched(self, _conversation: Conversation) -> None:
        self._answers_unshown = False  # the view was drawn for the conversation switched to
        for column in self.panel.columns:  # an answer of another conversation cannot become this one's reply
            column.set_keepable(False)
            column.set_kept(False)

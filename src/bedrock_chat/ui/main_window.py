"""The main window: model and connection bar, conversation, prompt, parameters, request preview, statistics."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QFont, QFontDatabase, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from bedrock_chat.bedrock.connection import ConnectionSettings
from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.core.catalog import ModelInfo, Pricing
from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role
from bedrock_chat.core.history_open import OpenedHistory, open_history
from bedrock_chat.core.key_store import KeyStatus
from bedrock_chat.core.params import GenerationParams
from bedrock_chat.core.safe_markdown import warm_up_rendering
from bedrock_chat.core.stats import ReplyStats
from bedrock_chat.ui import help_actions
from bedrock_chat.ui.actions import action_table, build_menus
from bedrock_chat.ui.chat_view import ChatView
from bedrock_chat.ui.connection_bar import ConnectionBar

if TYPE_CHECKING:
    from bedrock_chat.ui.connection_dialog import ConnectionDialog
from bedrock_chat.ui.connection_controller import Clients, Connected, ConnectionController, ConnectionFailure
from bedrock_chat.ui.error_banner import ErrorBanner
from bedrock_chat.ui.folder_lock import FolderLock
from bedrock_chat.ui.history_actions import HistoryActions
from bedrock_chat.ui.param_panel import ParameterPanel
from bedrock_chat.ui.prompt_editor import PromptEditor
from bedrock_chat.ui.save_tracker import SaveTracker
from bedrock_chat.ui.settings_store import SettingsStore
from bedrock_chat.ui.sidebar import Sidebar
from bedrock_chat.ui.stats_panel import StatsPanel
from bedrock_chat.ui.storage_status import StorageStatus
from bedrock_chat.ui.theme import apply_theme
from bedrock_chat.ui.transcript_import import TranscriptImporter
from bedrock_chat.ui.turn_controller import TurnController

log = logging.getLogger(__name__)

FIRST_FRAME_FALLBACK_MS = 100  # a window that is never shown still connects


class MainWindow(QMainWindow):
    models_loaded = Signal(int)
    """The model list arrived (how many models)."""
    reply_finished = Signal(object)
    """A reply ended in any way; carries the assistant ``Message``."""

    def __init__(self, connection: ConnectionSettings, data_dir: Path, settings: SettingsStore,
                 preferred_model: str | None = None, start_endpoint: Callable[[], str] | None = None,
                 folder_lock: FolderLock | None = None) -> None:
        super().__init__()
        self._folder_lock = folder_lock  # released once the history is closed
        self.data_dir = data_dir
        self.settings = settings
        opened = _open_store(data_dir)
        self.store = opened.store
        if folder_lock is not None and not folder_lock.held:  # opened read-only: lock first, then write
            self.store.before_reopening_writable = folder_lock.claim_for_writing
        self.saves = SaveTracker(self.store, self)
        self.connection_ctl = ConnectionController(connection, settings, start_endpoint, parent=self)
        self.connection_ctl.users = self
        self._preferred_model = preferred_model or self.settings.last_model()
        # Resolved with the model list (an id that is not listed is used as typed, never replaced).
        self.connection_ctl.preferred_model = self._preferred_model
        self.connection_dialog: ConnectionDialog | None = None
        self.conversation = opened.conversation
        self.importer = TranscriptImporter(self)
        self.history = HistoryActions(self)
        self._closed = False
        self._notices_shown: set[str] = set()  # a model-list notice is said once per session, not per reconnect

        self.setWindowTitle("Bedrock Chat")
        self.setAccessibleName("Bedrock Chat")
        self.resize(QSize(1280, 820))
        self.turns = TurnController(self)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(120)
        self._preview_timer.timeout.connect(self._update_preview)

        self.storage = StorageStatus(self, self.saves, opened.problem, saving=opened.saving)
        self.reply_finished.connect(self.storage.on_reply_finished)
        self._build_toolbar()
        self._build_body()
        self._build_menus()
        self.statusBar().setAccessibleName("Status")
        self._restore_layout()
        self.set_theme(self.settings.theme(), save=False)
        self.parameters.set_options(self.settings.options())
        if self.settings.problem:
            self.show_error(self.settings.problem, retryable=False)
        self.history.refresh_sidebar()
        self._wire_turns()
        self._update_controls()
        self._after_first_frame_done = False
        # Startup shows the window first; the conversation, asyncio, boto3 and the endpoint come right after.
        QTimer.singleShot(FIRST_FRAME_FALLBACK_MS, self._after_first_frame)

    # -- construction ------------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        self.connection_bar = ConnectionBar(self.connection_ctl, self._preferred_model)
        self.addToolBar(self.connection_bar)
        # The boxes tests and shortcuts reach through the window.
        self.model_box = self.connection_bar.model_box
        self.region_box = self.connection_bar.region_box
        self.profile_box = self.connection_bar.profile_box
        self.refresh_button = self.connection_bar.refresh_button
        self.connection_label = self.connection_bar.connection_label
        self.connection_bar.model_chosen.connect(self._on_model_chosen)
        self.connection_bar.dialog_requested.connect(self.open_connection_dialog)
        self.connection_ctl.connecting.connect(self._on_connecting)
        self.connection_ctl.connected.connect(self._on_connected)
        self.connection_ctl.failed.connect(self._on_connection_failed)
        self.connection_ctl.sso_login_finished.connect(self._on_sso_login_finished)
        self.connection_ctl.key_status_changed.connect(self._on_key_status)
        self.connection_ctl.model_resolved.connect(self._on_model_resolved)

    def _build_body(self) -> None:
        self.chat = ChatView()
        self.chat.link_requested.connect(self._confirm_link)
        self.chat.link_blocked.connect(
            lambda scheme: self.statusBar().showMessage(f"Blocked a “{scheme}” link: only http(s) links open.", 6000))
        self.chat.retry_requested.connect(self.retry)
        self.chat.message_action.connect(self.history.on_message_action)
        self.chat.code_copied.connect(lambda n: self.statusBar().showMessage(f"Copied {n:,} characters of code.", 4000))

        self.error_banner = ErrorBanner()
        self.error_banner.retry_requested.connect(self.retry)
        self.error_banner.sso_login_requested.connect(self._run_sso_login)
        # The banner's parts, as tests and other modules reach them through the window.
        self.error_text = self.error_banner.text
        self.details_button = self.error_banner.details_button
        self.error_details = self.error_banner.details
        self.retry_button = self.error_banner.retry_button
        self.sso_button = self.error_banner.sso_button

        self.prompt = PromptEditor()
        self.prompt.send_requested.connect(self.send)
        self.prompt.stop_requested.connect(self.stop)
        self.prompt.textChanged.connect(self._on_prompt_changed)
        self.send_button = QPushButton("Send")
        self.send_button.setAccessibleName("Send")
        self.send_button.setToolTip("Send the prompt (Ctrl+Enter).")
        self.send_button.setDefault(True)
        self.send_button.clicked.connect(self.send)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setAccessibleName("Stop")
        self.stop_button.setToolTip("Stop the reply (Esc); what arrived is kept.")
        self.stop_button.clicked.connect(self.stop)
        buttons = QVBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        prompt_row = QWidget()
        prompt_layout = QHBoxLayout(prompt_row)
        prompt_layout.setContentsMargins(0, 0, 0, 0)
        prompt_layout.addWidget(self.prompt, 1)
        prompt_layout.addLayout(buttons)

        chat_column = QWidget()
        chat_layout = QVBoxLayout(chat_column)
        chat_layout.setContentsMargins(8, 8, 4, 8)
        chat_layout.addWidget(self.error_banner)
        chat_layout.addWidget(self.storage.banner)
        self.chat_splitter = QSplitter(Qt.Orientation.Vertical)
        self.chat_splitter.setObjectName("chat-splitter")
        self.chat_splitter.addWidget(self.chat)
        self.chat_splitter.addWidget(prompt_row)
        self.chat_splitter.setStretchFactor(0, 5)
        self.chat_splitter.setStretchFactor(1, 1)
        self.chat_splitter.setSizes([640, 130])
        chat_layout.addWidget(self.chat_splitter)

        self.parameters: ParameterPanel = ParameterPanel()
        self.parameters.params_changed.connect(self._on_params_changed)
        self.parameters.reset_requested.connect(self._reset_params)
        scroll = QScrollArea()
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.parameters)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("Request preview")
        self.preview.setToolTip("The exact JSON body the next request sends.")
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.side_tabs = QTabWidget()
        self.side_tabs.setAccessibleName("Settings tabs")
        self.side_tabs.addTab(scroll, "Parameters")
        self.side_tabs.addTab(self.preview, "Request preview")
        self.stats = StatsPanel()
        side = QWidget()
        side.setMinimumWidth(400)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(4, 8, 8, 8)
        side_layout.addWidget(self.side_tabs, 3)
        side_layout.addWidget(self.stats, 0)

        self.sidebar = Sidebar()
        self.sidebar.setMinimumWidth(200)
        self.sidebar.new_requested.connect(self.new_conversation)
        self.sidebar.conversation_chosen.connect(self.history.open_conversation)
        self.sidebar.hit_chosen.connect(self.history.jump_to_message)
        self.sidebar.search_changed.connect(self.history.search)
        self.sidebar.action_requested.connect(self.history.on_sidebar_action)

        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.setObjectName("main-splitter")
        self.main_splitter.addWidget(self.sidebar)
        self.main_splitter.addWidget(chat_column)
        self.main_splitter.addWidget(side)
        self.main_splitter.setStretchFactor(0, 1)
        self.main_splitter.setStretchFactor(1, 3)
        self.main_splitter.setStretchFactor(2, 1)
        self.main_splitter.setSizes([230, 700, 400])
        self.setCentralWidget(self.main_splitter)

    def _build_menus(self) -> None:
        self.action_by_id = build_menus(self, action_table(self))
        self.connection_action = self.action_by_id["file.connection"]

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._after_first_frame_done:
            QTimer.singleShot(0, self._after_first_frame)

    def _after_first_frame(self) -> None:
        if self._after_first_frame_done or self._closed:
            return
        self._after_first_frame_done = True
        self.chat.set_conversation(self.conversation)
        self.connection_ctl.connect_to_bedrock()
        self.connection_ctl.executor.submit(warm_up_rendering)

    # -- connection and models ---------------------------------------------------------------------

    @property
    def connection(self) -> ConnectionSettings:
        return self.connection_ctl.settings

    @property
    def clients(self) -> Clients | None:
        return self.connection_ctl.clients

    @property
    def models(self) -> list[ModelInfo]:
        return self.connection_ctl.models

    def connect_to_bedrock(self) -> None:
        self.connection_ctl.connect_to_bedrock()

    def uses_clients(self, clients: object) -> bool:
        """Whether a turn, a stopped one still inside botocore included, uses these clients."""
        return self.turns.uses(getattr(clients, "runtime", None))

    def _on_connecting(self, settings: ConnectionSettings) -> None:
        # The reply in flight (if any) keeps its clients, its Stop button and its model; only Send waits.
        self._update_send_enabled()

    def _on_connected(self, result: Connected) -> None:
        if self.error_banner.about_connection:
            self.error_banner.hide()
        if result.notice and result.notice not in self._notices_shown:
            # Said once per session in plain words (a listing refused, say), not at every reconnect.
            self._notices_shown.add(result.notice)
            self.show_error(result.notice, retryable=False, about_connection=True, details=result.details)
        if result.model_note:
            self.statusBar().showMessage(result.model_note, 10000)
        self._update_send_enabled()
        self.models_loaded.emit(len(result.models))

    def _on_connection_failed(self, failure: ConnectionFailure) -> None:
        self.show_error(failure.message, retryable=False, about_connection=True, sso_profile=failure.sso_profile,
                        details=failure.details)
        self._update_send_enabled()

    def _on_model_resolved(self, model: ModelInfo, note: str) -> None:
        self.statusBar().showMessage(note, 10000)

    def _on_key_status(self, status: KeyStatus) -> None:
        self.statusBar().showMessage(status.note, 10000)

    def _on_sso_login_finished(self, ok: bool) -> None:
        self.statusBar().showMessage("Signed in with AWS SSO; reconnecting…" if ok else
                                     "aws sso login did not finish; run it in a terminal to see why.", 8000)

    def _run_sso_login(self, profile: str) -> None:
        if self.connection_ctl.run_sso_login(profile):
            self.statusBar().showMessage(f"Running aws sso login --profile {profile}: finish in your browser.")

    def open_connection_dialog(self) -> None:
        from bedrock_chat.ui.connection_dialog import ConnectionDialog

        if self.connection_dialog is not None and self.connection_dialog.isVisible():
            self.connection_dialog.raise_()
            return
        model = self.current_model()
        # open(), not exec(): window-modal without a nested event loop, so replies keep streaming meanwhile.
        self.connection_dialog = ConnectionDialog(self.connection_ctl, model.invoke_id if model else None, self)
        self.connection_dialog.accepted.connect(lambda: self.connection_bar.show_settings(self.connection))
        self.connection_dialog.finished.connect(self._on_connection_dialog_closed)
        self.connection_dialog.open()

    def _on_connection_dialog_closed(self) -> None:
        if self.connection_dialog is not None:
            self.connection_dialog.deleteLater()
            self.connection_dialog = None

    def current_model(self) -> ModelInfo | None:
        return self.connection_bar.current_model()

    def _on_model_chosen(self, model: ModelInfo) -> None:
        self.settings.set_last_model(model.invoke_id)
        self._preferred_model = self.connection_ctl.preferred_model = model.invoke_id
        saved = self.settings.params_for(model.invoke_id)
        self.parameters.set_model(model, saved or GenerationParams.defaults_for(model.limits))
        self.schedule_preview()
        self._update_send_enabled()

    # -- parameters and preview --------------------------------------------------------------------

    def _on_params_changed(self) -> None:
        model = self.current_model()
        if model is not None:
            self.settings.set_params_for(model.invoke_id, self.parameters.params())
        self.settings.set_options(self.parameters.options())
        self.schedule_preview()

    def _reset_params(self) -> None:
        model = self.current_model()
        if model is not None:
            self.parameters.set_params(GenerationParams.defaults_for(model.limits))

    def _on_prompt_changed(self) -> None:
        self._update_send_enabled()
        self.schedule_preview()

    def schedule_preview(self) -> None:
        self._preview_timer.start()

    def build_request(self, prompt: str | None = None) -> TurnRequest | None:
        model = self.current_model()
        if model is None:
            return None
        history = self.conversation.history(draft=prompt)
        return TurnRequest(model, history, self.parameters.params(), self.parameters.options())

    def _update_preview(self) -> None:
        request = self.build_request(self.prompt.toPlainText().strip() or "…your prompt…")
        if request is None:
            self.preview.setPlainText("Choose a model to see the request body.")
            return
        try:
            body = request.preview()
        except ValueError as error:
            body = str(error)
        header = f"// {request.operation} → {request.model.invoke_id}\n"
        self.preview.setPlainText(header + body)

    # -- turns -------------------------------------------------------------------------------------

    def _wire_turns(self) -> None:
        turns = self.turns
        turns.reply_started.connect(self._on_reply_started)
        turns.text_arrived.connect(self.chat.append_reply)
        turns.reply_progressed.connect(self.store_message)
        turns.stats_changed.connect(self.stats.show_reply)
        turns.reply_failed.connect(self._on_reply_failed)
        turns.reply_finished.connect(self._on_reply_finished)
        turns.busy_changed.connect(self._update_controls)
        turns.status_changed.connect(self.statusBar().showMessage)
        turns.runtime_released.connect(self._on_runtime_released)

    @property
    def busy(self) -> bool:
        return self.turns.busy

    def _update_controls(self, *_: object) -> None:
        busy = self.busy
        self.stop_button.setEnabled(busy)
        self.connection_bar.set_busy(busy)  # a reply keeps the model it started with
        self._update_send_enabled()

    def _update_send_enabled(self) -> None:
        ready = self.clients is not None and self.current_model() is not None and not self.busy
        self.send_button.setEnabled(ready and bool(self.prompt.toPlainText().strip()))

    def send(self) -> None:
        text = self.prompt.toPlainText().strip()
        if not text or not self.send_button.isEnabled():
            return
        editing = self.history.take_editing()
        if editing is not None:
            self.history.branch_from(editing, "edited")
        message = self.conversation.add_user_message(text)
        self.store_message(message)
        self.chat.append_message(message)
        self.prompt.clear()
        self.start_turn()
        self.history.refresh_sidebar()

    def retry(self) -> None:
        if self.busy or self.clients is None or self.conversation.last_user_message() is None:
            return
        self.start_turn()

    def start_turn(self) -> None:
        request = self.build_request()
        if request is None or not request.history or self.clients is None:
            return
        self.turns.start(self.clients.runtime, request, self.conversation)

    def stop(self) -> None:
        self.turns.stop()

    def _on_reply_started(self, reply: Message) -> None:
        self.error_banner.hide()
        self.chat.begin_reply(reply)
        self.store_message(reply)

    def _on_reply_failed(self, reply: Message, error: object) -> None:
        # An SSO session can expire mid-conversation: the same sign-in button as at connect time.
        self.show_error(str(error), retryable=True, details=getattr(error, "details", ""),
                        sso_profile=getattr(error, "sso_profile", None))

    def _on_reply_finished(self, reply: Message, stats: ReplyStats, pricing: Pricing | None) -> None:
        self.stats.show_reply(stats, pricing)
        if reply.state != MessageState.FAILED:
            self.stats.show_session(self.turns.session_totals)
        self.chat.finish_reply(reply)
        self.store_message(reply)
        self.history.refresh_sidebar()
        self.prompt.setFocus()
        self.reply_finished.emit(reply)

    def _on_runtime_released(self, runtime: object) -> None:
        self.connection_ctl.release_unused()  # clients of an earlier connection close once no turn uses them

    def show_error(self, text: str, retryable: bool, about_connection: bool = False,
                   sso_profile: str | None = None, details: str = "") -> None:
        self.error_banner.show_message(text, retryable and self.conversation.last_user_message() is not None,
                                       about_connection, sso_profile, details)

    # -- storage ---------------------------------------------------------------------------------------

    def store_message(self, message: Any) -> None:
        """Each message is written as it happens; a reply in flight at least once a second. A save that fails
        (full or read-only disk) stays pending and is retried; the window shows "Not saved" until it succeeds."""
        self.saves.save(self.conversation, message)

    def show_conversation(self, conversation: Conversation) -> None:
        conversation = self.saves.unsaved_version(conversation)  # the disk lacks what is still pending
        self.conversation = conversation
        self.history.editing = None
        self.chat.set_conversation(conversation)
        self.error_banner.hide()
        self.schedule_preview()
        self.history.refresh_sidebar()

    def can_switch(self) -> bool:
        if self.busy:
            self.statusBar().showMessage("Stop the reply (Esc) before switching conversations.", 6000)
            return False
        return True

    def new_conversation(self) -> None:
        if self.can_switch():
            self.show_conversation(Conversation())
            self.prompt.setFocus()

    def save_transcript(self) -> None:
        from bedrock_chat.ui.conversation_files import export_dialog  # file dialogs load on first use

        export_dialog(self, self.conversation)

    def write_transcript(self, path: Path) -> None:
        from bedrock_chat.core.transfer import export_conversation

        try:
            export_conversation(self.conversation, path)
        except OSError as error:
            QMessageBox.warning(self, "Save transcript", f"Could not write {path}: {error.strerror}.\n\n"
                                "Choose another folder or free some disk space.")
            return
        self.statusBar().showMessage(f"Saved {path}", 6000)

    # -- small actions -----------------------------------------------------------------------------

    def copy_last_reply(self) -> None:
        reply = next((m for m in reversed(self.conversation.messages) if m.role == Role.ASSISTANT), None)
        if reply is not None:
            QApplication.clipboard().setText(reply.text)
            self.statusBar().showMessage("Copied the last reply.", 4000)

    def _confirm_link(self, url: QUrl) -> None:
        answer = QMessageBox.question(
            self, "Open link?", f"Open this address in your browser?\n\n{url.toString()}",
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Open:
            QDesktopServices.openUrl(url)

    def set_theme(self, theme: str, save: bool = True) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            self.chat.set_dark(apply_theme(app, theme))
        if save:
            self.settings.set_theme(theme)

    def zoom(self, step: int) -> None:
        font = QFont(self.chat.font())
        self.chat.set_font_size(max(8, min(28, font.pointSize() + step)))

    def show_about(self) -> None:
        help_actions.show_about(self, self.connection.description, self.data_dir)

    def _restore_layout(self) -> None:
        geometry = self.settings.layout("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        for name, splitter in (("main-splitter", self.main_splitter), ("chat-splitter", self.chat_splitter)):
            state = self.settings.layout(name)
            if state is not None:
                splitter.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed:
            super().closeEvent(event)
            return
        self._closed = True
        # Never waits for a turn's thread: what arrived is saved, and a reply that had ended but was not yet
        # all on screen keeps how it ended; any other was cut short.
        reply = self.turns.shutdown()
        if reply is not None:
            self.store_message(reply)
        self.importer.shutdown()  # its worker writes through its own connection: done before the store closes
        self.storage.keep_unsaved_at_close(self.data_dir)
        try:
            self.store.purge_deleted()
        except Exception as error:  # a full or read-only disk: the deleted ones are purged on a later close
            log.warning("cannot purge deleted conversations: %s", error)
        self.store.close()
        self.settings.set_layout("geometry", self.saveGeometry())
        self.settings.set_layout("main-splitter", self.main_splitter.saveState())
        self.settings.set_layout("chat-splitter", self.chat_splitter.saveState())
        self.settings.sync()
        if self._folder_lock is not None:  # after the last write to the folder
            self._folder_lock.release()
        self.connection_ctl.close()
        super().closeEvent(event)


def _open_store(data_dir: Path) -> OpenedHistory:
    """The history database, checked and read in one guard; a damaged one is set aside beside a fresh one, a
    read-only one is shown without saving, and if nothing works an in-memory one keeps this session working."""
    return open_history(data_dir)

"""The main window: model and connection bar, conversation, prompt, parameters, request preview, statistics."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMainWindow, QWidget

from bedrock_chat.bedrock.connection import ConnectionSettings
from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.core.catalog import ModelInfo
from bedrock_chat.core.conversation import Conversation, Message
from bedrock_chat.core.history_open import open_history
from bedrock_chat.core.safe_markdown import warm_up_rendering
from bedrock_chat.ui import help_actions, view_actions
from bedrock_chat.ui.actions import action_table, build_menus
from bedrock_chat.ui.attachment_intake import AttachmentIntake
from bedrock_chat.ui.attachment_tray import AttachmentTray
from bedrock_chat.ui.compare_hooks import add_compare_button, install_compare
from bedrock_chat.ui.connection_bar import ConnectionBar
from bedrock_chat.ui.connection_controller import Clients, ConnectionController
from bedrock_chat.ui.conversation_export import ConversationExporter
from bedrock_chat.ui.conversation_session import ConversationSession
from bedrock_chat.ui.copy_code import CopyAsCode
from bedrock_chat.ui.first_frame import AfterFirstFrame
from bedrock_chat.ui.folder_lock import FolderLock, bring_forward
from bedrock_chat.ui.history_actions import HistoryActions
from bedrock_chat.ui.param_panel import ParameterPanel
from bedrock_chat.ui.prompt_controls import PromptControls
from bedrock_chat.ui.reply_view import ReplyView
from bedrock_chat.ui.request_preview import RequestPreview
from bedrock_chat.ui.save_tracker import SaveTracker
from bedrock_chat.ui.settings_store import SettingsStore
from bedrock_chat.ui.storage_status import StorageStatus
from bedrock_chat.ui.token_estimate import TokenEstimator
from bedrock_chat.ui.transcript_import import TranscriptImporter
from bedrock_chat.ui.turn_controller import TurnController
from bedrock_chat.ui.window_close import close_down
from bedrock_chat.ui.window_connection import install_connection_view, uses_clients
from bedrock_chat.ui.window_conversation import show_switched, wire_chat_and_sidebar
from bedrock_chat.ui.window_icons import apply_icons
from bedrock_chat.ui.window_layout import WindowBody

if TYPE_CHECKING:
    from bedrock_chat.ui.connection_dialog import ConnectionDialog


class MainWindow(QMainWindow):
    models_loaded = Signal(int)
    """The model list arrived (how many models)."""
    reply_finished = Signal(object)
    """A reply ended in any way; carries the assistant ``Message``."""
    compare_finished = Signal(list)
    """Every column of a compare ended; carries their answers (``Message``), on screen and saved."""

    def __init__(self, connection: ConnectionSettings, data_dir: Path, settings: SettingsStore,
                 preferred_model: str | None = None, start_endpoint: Callable[[], str] | None = None,
                 folder_lock: FolderLock | None = None) -> None:
        super().__init__()
        self._folder_lock = folder_lock  # released once the history is closed
        self.data_dir = data_dir
        self.settings = settings
        # Checked and read in one guard: a damaged history is set aside beside a fresh one, a read-only one is
        # shown without saving, and if nothing works an in-memory one keeps this session working.
        opened = open_history(data_dir)
        self.store = opened.store
        if folder_lock is not None and not folder_lock.held:  # opened read-only: lock first, then write
            self.store.before_reopening_writable = folder_lock.claim_for_writing
        self.saves = SaveTracker(self.store, self)
        self.connection_ctl = ConnectionController(connection, settings, start_endpoint, parent=self)
        self.connection_ctl.users = self
        # Resolved with the model list (an id that is not listed is used as typed, never replaced).
        self.connection_ctl.preferred_model = preferred_model or self.settings.last_model()
        self.turns = TurnController(self)
        self.session = ConversationSession(opened.conversation, self.saves, self.turns, self)
        self.session.switched.connect(self._on_conversation_switched)
        self.session.status_changed.connect(self.statusBar().showMessage)
        self.importer = TranscriptImporter(self)
        self.exporter = ConversationExporter(self)
        self.history = HistoryActions(self)
        self._closed = False
        self.compare_button: QWidget | None = None  # the toolbar's Compare button, once the menus exist

        self.setWindowTitle("Bedrock Chat")
        self.setAccessibleName("Bedrock Chat")
        self.resize(QSize(1280, 820))

        self.storage = StorageStatus(self, self.saves, opened.problem, saving=opened.saving)
        self.reply_finished.connect(self.storage.on_reply_finished)
        self._build_toolbar()
        self._build_body()
        self._build_menus()
        self.statusBar().setAccessibleName("Status")
        self.body.restore_layout(self.settings)  # the window's size and place, its splitters and panels
        self.set_theme(self.settings.theme(), save=False)
        self.parameters.set_options(self.settings.options())
        if self.settings.problem:
            self.show_error(self.settings.problem, retryable=False)
        self.history.refresh_sidebar()
        self._wire_turns()
        self.controls.update_controls()
        # Startup shows the window first; the conversation, asyncio, boto3 and the endpoint come right after.
        self.first_frame = AfterFirstFrame(self, self._after_first_frame)

    # -- construction ------------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        self.connection_bar = ConnectionBar(self.connection_ctl, self.connection_ctl.preferred_model)
        self.addToolBar(self.connection_bar)
        # The boxes tests and shortcuts reach through the window.
        bar = self.connection_bar
        # ``model_box`` is the model picker's button (the name tests and other helpers used for the old box).
        self.model_picker = self.model_box = bar.model_picker
        self.region_box, self.profile_box = bar.region_box, bar.profile_box
        self.refresh_button, self.connection_label = bar.refresh_button, bar.connection_label
        self.statusBar().addPermanentWidget(self.connection_label)

    def _build_body(self) -> None:
        self.body: WindowBody = WindowBody(self.storage.banner)
        self.setCentralWidget(self.body)
        column, side = self.body.chat_column, self.body.side_panel
        # The widgets tests, the action table and the helpers reach through the window.
        self.chat, self.prompt, self.error_banner = column.chat, column.prompt, column.error_banner
        self.send_button, self.stop_button = column.send_button, column.stop_button
        self.parameters: ParameterPanel = side.parameters
        self.preview, self.preview_pane, self.stats = side.preview, side.preview_pane, side.stats
        self.sidebar, self.main_splitter, self.chat_splitter = self.body.sidebar, self.body, column.splitter
        self.requests = RequestPreview(self, side.parameters, column.prompt, side.preview, self.settings, parent=self)
        self.copy_code = CopyAsCode(self.requests, column.prompt, lambda: self.connection, parent=self)
        self.copy_code.add_to(side.preview_pane, self.statusBar().showMessage)
        self.controls: PromptControls = PromptControls(column, self.connection_bar, self.connection_ctl, self.turns,
                                                       self.session, self.requests, self.history, self)
        self.attachments: AttachmentTray = column.attachments
        self.attach_button = column.attach_button
        self.attachment_intake = AttachmentIntake(column.attachments, column.attach_button, column.prompt, self, self,
                                                  staging_database=self._staging_database)
        self.token_estimator = TokenEstimator(column.token_estimate, self.requests, column.prompt,
                                              lambda: self.clients.runtime if self.clients else None, self)
        # Another conversation on screen is another history to count; a count still on its way is then stale.
        for changed in (column.prompt.textChanged, side.parameters.params_changed, self.turns.reply_finished,
                        self.session.switched):
            changed.connect(self.token_estimator.schedule)
        self.connection_view = install_connection_view(self)  # Send, the estimate, the model chosen, old clients
        banner = self.error_banner
        self.error_text, self.details_button, self.error_details = banner.text, banner.details_button, banner.details
        self.retry_button, self.sso_button = banner.retry_button, banner.sso_button
        wire_chat_and_sidebar(self)
        self.compare = install_compare(self)  # Send, Stop and Esc also reach compare mode's columns

    def _build_menus(self) -> None:
        self.action_by_id = build_menus(self, action_table(self))
        self.connection_action = self.action_by_id["file.connection"]
        self.body.use_toggles(self.action_by_id["view.sidebar"], self.action_by_id["view.side_panel"])
        add_compare_button(self)
        apply_icons({"send": self.send_button, "stop": self.stop_button, "attach": self.attach_button,
                     "new-chat": self.sidebar.new_button,
                     "connection": self.connection_bar.connection_button, "retry": self.refresh_button},
                    self.action_by_id)

    def _after_first_frame(self) -> None:
        if self._closed:
            return
        self.chat.set_conversation(self.conversation)
        self.connection_ctl.connect_to_bedrock()
        self.connection_ctl.executor.submit(warm_up_rendering)
        self.history.inline_attachments.start_later()

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
        return uses_clients(self, clients)

    @property
    def connection_dialog(self) -> ConnectionDialog | None:
        return self.connection_view.dialog

    def open_connection_dialog(self) -> None:
        self.connection_view.open_dialog()

    def current_model(self) -> ModelInfo | None:
        return self.connection_bar.current_model()

    # -- parameters and preview --------------------------------------------------------------------

    @property
    def _preview_timer(self) -> QTimer:  # tests flush the preview through it
        return self.requests.timer

    def schedule_preview(self) -> None:
        self.requests.schedule()

    def build_request(self, prompt: str | None = None) -> TurnRequest | None:
        return self.requests.build_request(prompt)

    # -- turns -------------------------------------------------------------------------------------

    def _wire_turns(self) -> None:
        self.replies = ReplyView(self.turns, self.session, self.body.chat_column, self.stats, self.history, self)
        self.replies.reply_finished.connect(self.reply_finished)
        self.reply_finished.connect(lambda _reply: self.schedule_preview())  # the next request holds this reply
        self.turns.status_changed.connect(self.statusBar().showMessage)

    @property
    def busy(self) -> bool:
        return self.turns.busy or self.compare.busy

    def send(self) -> None:
        self.controls.send()

    def retry(self) -> None:
        self.controls.retry()

    def start_turn(self) -> None:
        self.controls.start_turn()

    def stop(self) -> None:
        self.controls.stop()

    def show_error(self, text: str, retryable: bool, about_connection: bool = False,
                   sso_profile: str | None = None, details: str = "") -> None:
        self.error_banner.show_message(text, retryable and self.conversation.last_user_message() is not None,
                                       about_connection, sso_profile, details)

    # -- the conversation on screen ------------------------------------------------------------------

    @property
    def conversation(self) -> Conversation:
        return self.session.conversation

    @conversation.setter
    def conversation(self, conversation: Conversation) -> None:
        self.session.conversation = conversation

    def store_message(self, message: Message) -> None:
        self.session.store_message(message)

    def show_conversation(self, conversation: Conversation) -> None:
        self.session.show(conversation)

    def _on_conversation_switched(self, conversation: Conversation) -> None:
        show_switched(self, conversation)

    def _staging_database(self) -> Path | None:
        """Where attachment bytes are stored as they are attached, if another thread may write this store."""
        return self.store.path if self.store.background_writable else None

    def can_switch(self) -> bool:
        return self.session.can_switch()

    def new_conversation(self) -> None:
        if self.can_switch():
            self.show_conversation(Conversation())
            self.prompt.setFocus()

    def save_transcript(self) -> None:
        from bedrock_chat.ui.conversation_files import export_dialog  # file dialogs load on first use

        export_dialog(self, self.conversation.id, self.conversation.title)

    def write_transcript(self, path: Path) -> None:
        self.session.write_transcript(path)

    # -- small actions -----------------------------------------------------------------------------

    def set_theme(self, theme: str, save: bool = True) -> None:
        view_actions.set_theme(self.chat, self.settings, theme, save)

    def zoom(self, step: int) -> None:
        view_actions.zoom(self.chat, step)

    def show_about(self) -> None:
        help_actions.show_about(self, self.connection.description, self.data_dir)

    def bring_forward(self) -> None:
        """A second start on this data folder asked for this window."""
        bring_forward(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed:
            super().closeEvent(event)
            return
        self._closed = True
        close_down(self, self._folder_lock)
        super().closeEvent(event)

"""What the window shows of the connection: its problems in the error banner, its notes in the status bar, the
Connection dialog, and signing in with AWS SSO. The connection itself is the ``ConnectionController``'s."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget

from bedrock_chat.core.catalog import ModelInfo
from bedrock_chat.core.key_store import KeyStatus
from bedrock_chat.ui.connection_bar import ConnectionBar
from bedrock_chat.ui.connection_controller import Connected, ConnectionController, ConnectionFailure
from bedrock_chat.ui.error_banner import ErrorBanner
from bedrock_chat.ui.focus_return import return_focus

if TYPE_CHECKING:
    from bedrock_chat.ui.connection_dialog import ConnectionDialog


class ConnectionView(QObject):
    ready_changed = Signal()
    """Connecting began, succeeded or failed: whether Send can go may have changed."""
    models_loaded = Signal(int)
    """The model list arrived (how many models)."""
    status_changed = Signal(str, int)
    """A line for the status bar and how long it stays (ms; 0 until replaced)."""

    def __init__(self, controller: ConnectionController, bar: ConnectionBar, banner: ErrorBanner,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self._controller = controller
        self._bar = bar
        self._banner = banner
        self._dialog_parent = parent
        self.dialog: ConnectionDialog | None = None
        self._focus_before: QWidget | None = None  # where the focus goes back when the dialog closes
        self._notices_shown: set[str] = set()  # a model-list notice is said once per session, not per reconnect
        bar.dialog_requested.connect(self.open_dialog)
        banner.sso_login_requested.connect(self._run_sso_login)
        # The reply in flight (if any) keeps its clients, its Stop button and its model; only Send waits.
        controller.connecting.connect(lambda _settings: self.ready_changed.emit())
        controller.connected.connect(self._on_connected)
        controller.failed.connect(self._on_failed)
        controller.sso_login_finished.connect(self._on_sso_login_finished)
        controller.key_status_changed.connect(self._on_key_status)
        controller.model_resolved.connect(self._on_model_resolved)

    def open_dialog(self) -> None:
        from bedrock_chat.ui.connection_dialog import ConnectionDialog

        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return
        model = self._bar.current_model()
        # open(), not exec(): window-modal without a nested event loop, so replies keep streaming meanwhile.
        self.dialog = ConnectionDialog(self._controller, model.invoke_id if model else None, self._dialog_parent)
        self.dialog.accepted.connect(lambda: self._bar.show_settings(self._controller.settings))
        self.dialog.finished.connect(self._on_dialog_closed)
        self._focus_before = QApplication.focusWidget()
        self.dialog.open()

    def _on_dialog_closed(self) -> None:
        if self.dialog is not None:
            return_focus(self._focus_before, self.dialog)
            self.dialog.deleteLater()
            self.dialog = None

    def _on_connected(self, result: Connected) -> None:
        if self._banner.about_connection:
            self._banner.hide()
        if result.notice and result.notice not in self._notices_shown:
            # Said once per session in plain words (a listing refused, say), not at every reconnect.
            self._notices_shown.add(result.notice)
            self._banner.show_message(result.notice, False, True, None, result.details)
        if result.model_note:
            self.status_changed.emit(result.model_note, 10000)
        self.ready_changed.emit()
        self.models_loaded.emit(len(result.models))

    def _on_failed(self, failure: ConnectionFailure) -> None:
        self._banner.show_message(failure.message, False, True, failure.sso_profile, failure.details)
        self.ready_changed.emit()

    def _on_model_resolved(self, model: ModelInfo, note: str) -> None:
        self.status_changed.emit(note, 10000)

    def _on_key_status(self, status: KeyStatus) -> None:
        self.status_changed.emit(status.note, 10000)

    def _on_sso_login_finished(self, ok: bool) -> None:
        self.status_changed.emit("Signed in with AWS SSO; reconnecting…" if ok else
                                 "aws sso login did not finish; run it in a terminal to see why.", 8000)

    def _run_sso_login(self, profile: str) -> None:
        if self._controller.run_sso_login(profile):
            self.status_changed.emit(f"Running aws sso login --profile {profile}: finish in your browser.", 0)

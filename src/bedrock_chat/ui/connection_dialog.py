"""The Connection dialog: region, profile (SSO included), Bedrock API key, endpoint URL, and Test connection.

The checks run off the GUI thread; each verdict arrives through a signal as soon as it is known.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bedrock_chat.bedrock.api_key import ApiKey
from bedrock_chat.bedrock.connection import ConnectionSettings
from bedrock_chat.core.key_store import KeyStatus
from bedrock_chat.ui.connection_bar import DEFAULT_PROFILE_LABEL, region_box
from bedrock_chat.ui.connection_controller import ConnectionController
from bedrock_chat.ui.gui_thread import deliver, prepare_relay

CHECK_NAMES = ("Credentials", "Model listing", "Converse")


class ConnectionDialog(QDialog):
    verdict_received = Signal(object)
    """One check's verdict (``bedrock.connection_check.Verdict``), as soon as it is known."""
    checks_finished = Signal()
    """All three checks have answered."""
    keyring_checked = Signal(bool)
    """Whether a system keyring can hold a pasted key (looked up off the GUI thread)."""
    profiles_found = Signal(object)
    """The profiles in the AWS config files (``list[str]``), read off the GUI thread."""

    def __init__(self, controller: ConnectionController, model_id: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._model_id = model_id
        self._forget = False
        self._testing = False
        settings = controller.settings
        self.setWindowTitle("Connection")
        self.setAccessibleName("Connection")
        self.setMinimumWidth(560)

        self.region_box = region_box(settings.region)
        self.profile_box = QComboBox()
        self.profile_box.addItem(DEFAULT_PROFILE_LABEL, None)
        for name in sorted({*controller.profiles, *([settings.profile] if settings.profile else [])}):
            self.profile_box.addItem(name, name)
        self.profile_box.setCurrentIndex(max(0, self.profile_box.findData(settings.profile)))
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.textChanged.connect(self._on_key_edited)
        self.forget_button = QPushButton("Forget key")
        self.forget_button.clicked.connect(self._on_forget)
        self.key_expiry = QLabel()
        self.key_storage = QLabel()
        self.offline_box = QCheckBox("Offline: the built-in local endpoint answers")
        self.offline_box.setChecked(settings.offline)
        self.offline_box.toggled.connect(self._on_offline_toggled)
        self.endpoint_edit = QLineEdit(settings.endpoint_url or "")
        self.endpoint_edit.setPlaceholderText("https://bedrock-runtime.REGION.amazonaws.com (leave empty)")
        self.test_button = QPushButton("Test connection")
        self.test_button.clicked.connect(self.test_connection)
        self.verdicts = {name: QLabel("–") for name in CHECK_NAMES}
        self.sso_button = QPushButton("Sign in with AWS SSO")
        self.sso_button.clicked.connect(self._run_sso_login)
        self.sso_button.hide()
        for verdict in self.verdicts.values():
            verdict.setTextFormat(Qt.TextFormat.PlainText)  # they quote errors from the network
        for widget, name, tip in (
            (self.region_box, "Region", "The AWS region whose Bedrock endpoint is used."),
            (self.profile_box, "AWS profile", "A profile from your AWS config (SSO profiles included)."),
            (self.key_edit, "Bedrock API key", "Paste a Bedrock API key (short- or long-term). It is kept in "
                                               "your system keyring, never in settings, history or logs."),
            (self.forget_button, "Forget API key", "Remove the saved API key from the keyring and this session."),
            (self.key_expiry, "API key expiry", "When the key stops working (short-term keys)."),
            (self.key_storage, "API key storage", "Where the key is kept."),
            (self.offline_box, "Offline", "Use the built-in local endpoint instead of AWS (no credentials "
                                          "needed). Uncheck to use AWS with a profile or an API key."),
            (self.endpoint_edit, "Endpoint URL", "A Bedrock-compatible endpoint (a VPC endpoint, a proxy); empty: "
                                                 "the region's own."),
            (self.sso_button, "Sign in with AWS SSO", "Run aws sso login for this profile (it opens your browser); "
                                                      "test again once it is done."),
            (self.test_button, "Test connection", "Check credentials, model listing and one tiny Converse call "
                                                  "with the values above, without applying them."),
        ):
            widget.setAccessibleName(name)
            widget.setToolTip(tip)
        for name, label in self.verdicts.items():
            label.setAccessibleName(f"{name} verdict")
            label.setToolTip(f"The result of the {name.lower()} check.")
            label.setWordWrap(True)
        for label in (self.key_expiry, self.key_storage, *self.verdicts.values()):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)  # an ARN or a message from the network is untrusted

        form = QFormLayout()
        form.addRow("&Region", self.region_box)
        form.addRow("&Profile", self.profile_box)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.forget_button)
        key_label = QLabel("Bedrock &API key")  # a row of two widgets: the mnemonic needs its buddy named
        key_label.setBuddy(self.key_edit)
        form.addRow(key_label, key_row)
        form.addRow("", self.key_expiry)
        form.addRow("", self.key_storage)
        form.addRow("", self.offline_box)
        form.addRow("&Endpoint URL", self.endpoint_edit)
        note = QLabel("An API key is sent only over HTTPS: never to the built-in endpoint or an http:// URL.")
        note.setWordWrap(True)
        form.addRow("", note)
        checks = QFormLayout()
        for name, label in self.verdicts.items():
            checks.addRow(f"{name}:", label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        connect = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        connect.setText("Connect")
        connect.setAccessibleName("Connect")
        connect.setToolTip("Use these settings now and reload the model list.")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        cancel.setToolTip("Close without changing the connection.")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.test_button)
        layout.addLayout(checks)
        layout.addWidget(self.sso_button)
        layout.addWidget(self.buttons)

        self.verdict_received.connect(self._show_verdict)
        self.checks_finished.connect(self._on_checks_finished)
        self.keyring_checked.connect(self._on_keyring_checked)
        self.profiles_found.connect(self._fill_profiles)
        controller.key_status_changed.connect(self._show_key_status)
        self._show_key_status(controller.key_status())
        self._on_key_edited()
        prepare_relay()
        controller.executor.submit(self._look_for_keyring)

    # -- the API key -----------------------------------------------------------------------------------

    def _current_key(self) -> ApiKey | None:
        text = self.key_edit.text().strip()
        if text:
            return ApiKey(text)
        if self._forget:
            return None
        key = self._controller.settings.api_key
        return key if key is not None and key.source == "entered" else None

    def _on_key_edited(self, *_: object) -> None:
        if self.key_edit.text().strip():
            self._forget = False
        key = self._current_key()
        self.key_expiry.setText(key.describe() if key is not None else "No API key: your AWS credentials are used.")
        current = self._controller.settings.api_key
        self.key_edit.setPlaceholderText(
            f"A key is in use ({current.masked}); paste a new one to replace it" if current is not None
            and not self._forget else "Paste a Bedrock API key (optional)")
        self.forget_button.setEnabled(current is not None and not self._forget)

    def _on_forget(self) -> None:
        self._forget = True
        self.key_edit.clear()
        self._on_key_edited()
        self.key_storage.setText("The key will be forgotten when you click Connect.")

    def _show_key_status(self, status: KeyStatus) -> None:
        if status.has_key or not self.key_storage.text():
            self.key_storage.setText(status.note)

    def _look_for_keyring(self) -> None:
        """On a control-plane thread: the keyring backend and the AWS config files may both be slow to read."""
        available = self._controller.key_store.keyring_available()
        deliver(self, self.keyring_checked.emit, available)
        try:
            from bedrock_chat.bedrock.session import available_profiles

            profiles = available_profiles()
        except Exception:  # an unreadable config file: the profiles already shown stay
            return
        deliver(self, self.profiles_found.emit, profiles)

    def _fill_profiles(self, profiles: object) -> None:
        if not isinstance(profiles, list):
            return
        for name in profiles:
            if isinstance(name, str) and self.profile_box.findData(name) < 0:
                self.profile_box.addItem(name, name)

    def _on_keyring_checked(self, available: bool) -> None:
        if not available and not self._controller.key_status().has_key:
            self.key_storage.setText("No system keyring is available here: a key you paste is kept in memory "
                                     "only, until Bedrock Chat closes.")

    # -- values and checks -----------------------------------------------------------------------------

    def _on_offline_toggled(self, offline: bool) -> None:
        local = self._controller.local_url
        if not offline and local is not None and self.endpoint_edit.text().strip() == local:
            self.endpoint_edit.clear()  # going online: the region's own endpoint
        elif offline and not self.endpoint_edit.text().strip() and local is not None:
            self.endpoint_edit.setText(local)

    def chosen_settings(self) -> ConnectionSettings:
        settings = self._controller.settings
        offline = self.offline_box.isChecked()
        endpoint = self.endpoint_edit.text().strip() or (self._controller.local_url if offline else None)
        return replace(settings, region=self.region_box.currentText().strip() or settings.region,
                       profile=self.profile_box.currentData(), endpoint_url=endpoint, offline=offline,
                       api_key=self._current_key())

    def test_connection(self) -> None:
        if self._testing:
            return
        self._testing = True
        self.test_button.setEnabled(False)
        for label in self.verdicts.values():
            label.setText("Checking…")
        self.sso_button.hide()
        # Its own thread: checks against an endpoint that does not answer take a while, and must not hold up
        # the controller's pool (a Connect right after would wait behind them).
        threading.Thread(target=self._run_checks, args=(self.chosen_settings(), self._model_id),
                         name="connection-checks", daemon=True).start()

    def _run_checks(self, settings: ConnectionSettings, model_id: str | None) -> None:
        """On a control-plane thread: boto3 calls, never widgets; results go back through signals."""
        from bedrock_chat.bedrock.connection_check import run_checks

        def report(verdict: object) -> None:
            deliver(self, self.verdict_received.emit, verdict)

        try:
            run_checks(settings, model_id, report)
        finally:
            deliver(self, self.checks_finished.emit)

    def _show_verdict(self, verdict: object) -> None:
        from bedrock_chat.bedrock.connection_check import Verdict

        if isinstance(verdict, Verdict) and verdict.check in self.verdicts:
            self.verdicts[verdict.check].setText(("✓ " if verdict.ok else "✗ ") + verdict.text)
            if verdict.sso_profile is not None and self._controller.aws_cli() is not None:
                self.sso_button.setProperty("profile", verdict.sso_profile)
                self.sso_button.show()

    def _run_sso_login(self) -> None:
        profile = self.sso_button.property("profile")
        if isinstance(profile, str) and self._controller.run_sso_login(profile):
            self.sso_button.setEnabled(False)
            self._controller.sso_login_finished.connect(self._on_sso_login_finished)

    def _on_sso_login_finished(self, ok: bool) -> None:
        self.sso_button.setEnabled(True)
        self.sso_button.setVisible(not ok)

    def _on_checks_finished(self) -> None:
        self._testing = False
        self.test_button.setEnabled(True)

    def accept(self) -> None:
        chosen = self.chosen_settings()
        new_key = self.key_edit.text().strip() or None
        endpoint = self.endpoint_edit.text().strip() or None
        self._controller.apply(chosen.region, chosen.profile, endpoint, new_key, self._forget, chosen.offline)
        super().accept()

"""The error banner above the conversation: what went wrong in plain words, the raw detail one click away, and
the one action that fixes it (Retry, or Sign in with AWS SSO)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout

from bedrock_chat.ui.sso_login import aws_cli


class ErrorBanner(QFrame):
    retry_requested = Signal()
    """Retry was clicked."""
    sso_login_requested = Signal(str)
    """Sign in with AWS SSO was clicked (the profile to sign in)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("error-banner")
        self.setAccessibleName("Error")
        self.setStyleSheet(
            "#error-banner { background: #fdecea; border: 1px solid #f5c2c0; border-radius: 6px; }"
            "#error-banner QLabel { color: #7f1d1d; }")
        self.about_connection = False  # a connection that then succeeds hides it
        self.text = QLabel()
        # Errors quote file names, roles and server messages: shown as text, never interpreted as HTML.
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setAccessibleName("Error message")
        self.details_button = QPushButton("Details")
        self.details_button.setCheckable(True)
        self.details_button.setAccessibleName("Error details")
        self.details_button.setToolTip("Show what exactly went wrong (the raw error), to check or to report.")
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Error details text")
        self.details.setToolTip("The raw error behind the message above.")
        self.details.setMaximumHeight(110)
        self.details_button.toggled.connect(self.details.setVisible)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setAccessibleName("Retry")
        self.retry_button.setToolTip("Send the same prompt again.")
        self.retry_button.clicked.connect(self.retry_requested)
        self.sso_button = QPushButton("Sign in with AWS SSO")
        self.sso_button.setAccessibleName("Sign in with AWS SSO")
        self.sso_button.setToolTip("Run aws sso login for this profile (it opens your browser), then reconnect.")
        self.sso_button.clicked.connect(self._on_sso_clicked)
        self.sso_button.hide()
        dismiss = QPushButton("Dismiss")
        dismiss.setAccessibleName("Dismiss error")
        dismiss.setToolTip("Hide this message.")
        dismiss.clicked.connect(self.hide)
        row = QHBoxLayout()
        row.addWidget(self.text, 1)
        row.addWidget(self.details_button)
        row.addWidget(self.retry_button)
        row.addWidget(self.sso_button)
        row.addWidget(dismiss)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.details)
        self.details.hide()
        self.hide()

    def show_message(self, text: str, retryable: bool, about_connection: bool = False,
                     sso_profile: str | None = None, details: str = "") -> None:
        self.about_connection = about_connection
        self.text.setText(f"⚠ {text}")
        self.details.setPlainText(details)
        self.details_button.setChecked(False)
        self.details_button.setVisible(bool(details))
        self.retry_button.setVisible(retryable)
        # Offered only where it can work: the AWS CLI is installed and the failure is an SSO sign-in.
        self.sso_button.setProperty("profile", sso_profile)
        self.sso_button.setVisible(sso_profile is not None and aws_cli() is not None)
        self.show()

    def _on_sso_clicked(self) -> None:
        profile = self.sso_button.property("profile")
        if isinstance(profile, str):
            self.sso_login_requested.emit(profile)

"""The error card above the conversation, one per failure: a title, what went wrong and what to do in plain words,
the raw detail behind a Details expander, and the one action that fixes it (Retry, or Sign in with AWS SSO).

Its colours come from the palette, so it reads as well in the dark theme as in the light one.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
)

from bedrock_chat.ui.call_soon import call_soon
from bedrock_chat.ui.sso_login import aws_cli

DEFAULT_TITLE = "Something needs your attention"
CONNECTION_TITLE = "Not connected to Bedrock"
# Accent (title, border) and background per theme: a tint of red over the window colour, never a fixed pink.
_LIGHT = {"accent": "#b3261e", "background": "#fdecea", "border": "#f1b5b0"}
_DARK = {"accent": "#f28b82", "background": "#3a2323", "border": "#6e3430"}


class ErrorBanner(QFrame):
    retry_requested = Signal()
    """Retry was clicked."""
    sso_login_requested = Signal(str)
    """Sign in with AWS SSO was clicked (the profile to sign in)."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("error-banner")
        self.setAccessibleName("Error")
        self.about_connection = False  # a connection that then succeeds hides it
        self.title = QLabel(DEFAULT_TITLE)
        self.title.setObjectName("error-title")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setAccessibleName("Error title")
        self.title.setWordWrap(True)
        self.text = QLabel()
        # Errors quote file names, roles and server messages: shown as text, never interpreted as HTML.
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setAccessibleName("Error message")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_button = QToolButton()
        self.details_button.setText("Details")
        self.details_button.setCheckable(True)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.setArrowType(Qt.ArrowType.RightArrow)
        self.details_button.setAutoRaise(True)
        self.details_button.setAccessibleName("Error details")
        self.details_button.setToolTip("Show what exactly went wrong (the raw error), to check or to report.")
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Error details text")
        self.details.setToolTip("The raw error behind the message above.")
        self.details.setMaximumHeight(110)
        self.details_button.toggled.connect(self._on_details_toggled)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setAccessibleName("Retry")
        self.retry_button.setToolTip("Send the same prompt again (Ctrl+R).")
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
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.details_button)
        buttons.addStretch(1)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.sso_button)
        buttons.addWidget(dismiss)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        layout.addWidget(self.details)
        self.details.hide()
        self._dark: bool | None = None
        self._apply_colours()
        self.hide()

    def show_message(self, text: str, retryable: bool, about_connection: bool = False,
                     sso_profile: str | None = None, details: str = "", title: str | None = None) -> None:
        """Replaces whatever the card showed: one card, the latest failure."""
        self.about_connection = about_connection
        self.title.setText(title or (CONNECTION_TITLE if about_connection else DEFAULT_TITLE))
        self.text.setText(text)
        self.details.setPlainText(details)
        self.details_button.setChecked(False)
        self.details_button.setVisible(bool(details))
        self.retry_button.setVisible(retryable)
        # Offered only where it can work: the AWS CLI is installed and the failure is an SSO sign-in.
        self.sso_button.setProperty("profile", sso_profile)
        self.sso_button.setVisible(sso_profile is not None and aws_cli() is not None)
        self.show()

    def _on_details_toggled(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def _on_sso_clicked(self) -> None:
        profile = self.sso_button.property("profile")
        if isinstance(profile, str):
            self.sso_login_requested.emit(profile)

    @staticmethod
    def is_dark() -> bool:
        # The application's palette, not the card's own: the card's style sheet changes its own palette.
        return QApplication.palette().window().color().lightness() < 128

    def _apply_colours(self) -> None:
        dark = self.is_dark()
        if dark == self._dark:
            return  # setting the style sheet sends a palette change itself: only act on a theme change
        self._dark = dark
        colours = _DARK if dark else _LIGHT
        self.setStyleSheet(
            f"#error-banner {{ background: {colours['background']}; border: 1px solid {colours['border']};"
            f" border-left: 4px solid {colours['accent']}; border-radius: 6px; }}"
            f"#error-banner QLabel {{ color: palette(window-text); background: transparent; }}"
            f"#error-banner QLabel#error-title {{ color: {colours['accent']}; font-weight: bold; }}")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            # Widgets hear of a new palette before the application reports it: look once the change is done.
            call_soon(self, self._apply_colours)  # not after the card is gone

"""“Copy as Python” and “Copy as AWS CLI” beside the request preview: the next request as code, on the clipboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QPushButton

from bedrock_chat.bedrock.connection import ConnectionSettings
from bedrock_chat.bedrock.request_code import CodeTarget, cli_command, python_code
from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.ui.request_preview import PROMPT_PLACEHOLDER


class RequestBuilder(Protocol):
    def build_request(self, prompt: str | None = None) -> TurnRequest | None: ...


class ButtonHost(Protocol):
    """The preview's button row."""

    def add_button(self, button: QAbstractButton) -> None: ...


class PromptText(Protocol):
    def toPlainText(self) -> str: ...


class CopyAsCode(QObject):
    copied = Signal(str)
    """Code was put on the clipboard; the text says which (for the status bar)."""
    failed = Signal(str)
    """No code could be made for this request; the text says why."""

    def __init__(self, requests: RequestBuilder, prompt: PromptText,
                 connection: Callable[[], ConnectionSettings], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._requests = requests
        self._prompt = prompt
        self._connection = connection
        self.python_button = QPushButton("Python")
        self.python_button.setAccessibleName("Copy as Python")
        self.python_button.setToolTip("Copy boto3 code that sends exactly this request and prints the reply "
                                      "(streaming loop included). Credentials stay out of it.")
        self.python_button.clicked.connect(lambda: self._copy("Python", python_code))
        self.cli_button = QPushButton("AWS CLI")
        self.cli_button.setAccessibleName("Copy as AWS CLI")
        self.cli_button.setToolTip("Copy an AWS CLI command (bash/zsh quoting) that sends this request. "
                                   "Credentials stay out of it.")
        self.cli_button.clicked.connect(lambda: self._copy("an AWS CLI command", cli_command))

    def add_to(self, host: ButtonHost, report: Callable[[str, int], None]) -> None:
        """Puts the buttons in the preview's row; what they did goes to ``report`` (the status bar) for 6 s."""
        host.add_button(self.python_button)
        host.add_button(self.cli_button)
        for outcome in (self.copied, self.failed):
            outcome.connect(lambda text: report(text, 6000))

    def _copy(self, what: str, make: Callable[[TurnRequest, CodeTarget], str]) -> None:
        request = self._requests.build_request(self._prompt.toPlainText().strip() or PROMPT_PLACEHOLDER)
        if request is None:
            self.failed.emit("Choose a model first: the code sends the request to it.")
            return
        try:
            code = make(request, CodeTarget.of(self._connection()))
        except ValueError as error:  # no native schema for this model, or a body the builder refuses
            self.failed.emit(str(error))
            return
        QGuiApplication.clipboard().setText(code)
        self.copied.emit(f"Copied {what} for {request.operation} on {request.model.invoke_id}.")

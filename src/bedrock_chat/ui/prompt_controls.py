"""Send, Retry and Stop: when each can be used, and what sending does (the prompt saved and shown, then a turn)."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, Qt

from bedrock_chat.core.attachments import AttachmentError
from bedrock_chat.ui.connection_bar import ConnectionBar
from bedrock_chat.ui.connection_controller import ConnectionController
from bedrock_chat.ui.conversation_session import ConversationSession
from bedrock_chat.ui.history_actions import HistoryActions
from bedrock_chat.ui.request_preview import RequestPreview
from bedrock_chat.ui.turn_controller import TurnController
from bedrock_chat.ui.window_layout import ChatColumn


class OtherTurns(Protocol):
    """Turns started another way than the single reply (compare mode): Send starts them while ``active``."""

    @property
    def active(self) -> bool: ...

    @property
    def busy(self) -> bool: ...

    def start(self) -> bool: ...

    def stop(self) -> None: ...


class PromptControls(QObject):
    def __init__(self, column: ChatColumn, bar: ConnectionBar, connection: ConnectionController,
                 turns: TurnController, session: ConversationSession, requests: RequestPreview,
                 history: HistoryActions, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._column = column
        self._bar = bar
        self._connection = connection
        self._turns = turns
        self._session = session
        self._requests = requests
        self._history = history
        column.prompt.send_requested.connect(self.send)
        column.prompt.stop_requested.connect(self.stop)
        column.prompt.textChanged.connect(self.update_send_enabled)
        column.send_button.clicked.connect(self.send)
        column.stop_button.clicked.connect(self.stop)
        column.chat.retry_requested.connect(self.retry)
        column.chat.example_chosen.connect(self.use_example)
        column.error_banner.retry_requested.connect(self.retry)
        turns.busy_changed.connect(self.update_controls)
        requests.draft_attachments = column.attachments.attachments
        column.attachments.changed.connect(self.check_attachments)
        column.attachments.changed.connect(requests.schedule)
        column.attachments.reading_changed.connect(self.update_send_enabled)
        self.other_turns: OtherTurns | None = None

    def check_attachments(self) -> bool:
        """Says in the tray, before anything is sent, why the waiting attachments cannot go to this model."""
        if self.other_turns is not None and self.other_turns.active:
            # The toolbar's model sends nothing in compare mode: each column checks its own model when it starts.
            self._column.attachments.show_problem("")
            return True
        request = self._requests.build_request(self._column.prompt.toPlainText().strip() or " ")
        try:
            if request is not None:
                request.check_attachments()
        except AttachmentError as error:
            self._column.attachments.show_problem(str(error))
            return False
        self._column.attachments.show_problem("")
        return True

    @property
    def busy(self) -> bool:
        return self._turns.busy or (self.other_turns is not None and self.other_turns.busy)

    def update_controls(self, *_: object) -> None:
        busy = self.busy
        self._column.stop_button.setEnabled(busy)
        self._bar.set_busy(busy)  # a reply keeps the model it started with
        self.update_send_enabled()

    def update_send_enabled(self) -> None:
        ready = self._connection.clients is not None and self._bar.current_model() is not None and not self.busy \
            and not self._column.attachments.is_reading  # files just offered go with the prompt, once read
        self._column.send_button.setEnabled(ready and bool(self._column.prompt.toPlainText().strip()))

    def send(self) -> None:
        prompt = self._column.prompt
        text = prompt.toPlainText().strip()
        if not text or not self._column.send_button.isEnabled():
            return
        if not self.check_attachments():
            return
        editing = self._history.take_editing()
        if editing is not None and not self._history.branch_from(editing, "edited"):
            self._history.editing = editing  # the prompt stays in the editor; Send tries the branch again
            return
        message = self._session.conversation.add_user_message(text, self._column.attachments.attachments())
        self._session.store_message(message)
        self._column.chat.append_message(message)
        prompt.clear()
        # Sent from the Send button (Tab, Space), the next prompt is typed at once, not into a button that is
        # disabled while the reply runs.
        prompt.setFocus(Qt.FocusReason.OtherFocusReason)
        self._column.attachments.clear()
        self.start_turn()
        self._history.refresh_sidebar()

    def use_example(self, text: str) -> None:
        """An example prompt of the first screen goes into the prompt box, to send as it is or to change."""
        self._column.prompt.setPlainText(text)
        self._column.prompt.setFocus()

    def retry(self) -> None:
        if not self.busy and self._connection.clients is not None \
                and self._session.conversation.last_user_message() is not None:
            self.start_turn()

    def start_turn(self) -> None:
        if self.other_turns is not None and self.other_turns.active:
            self.other_turns.start()
            return
        request = self._requests.build_request()
        clients = self._connection.clients
        if request is None or not request.history or clients is None:
            return
        try:  # a retry after switching to a model without image input says so instead of sending
            request.check_attachments()
        except AttachmentError as error:
            self._column.attachments.show_problem(str(error))
            return
        self._turns.start(clients.runtime, request, self._session.conversation)

    def stop(self) -> None:
        self._turns.stop()
        if self.other_turns is not None:
            self.other_turns.stop()

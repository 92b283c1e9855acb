"""What the helpers of the main window (history actions, file dialogs, transcript import and export) may use of it.

A typed Protocol instead of an ``Any`` back-reference: renaming or removing one of these on the window is a
mypy error here and at every caller, not an ``AttributeError`` when a person picks the menu item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStatusBar, QWidget

    from bedrock_chat.core.conversation import Conversation, Message
    from bedrock_chat.core.storage import ConversationStore
    from bedrock_chat.ui.attachment_tray import AttachmentTray
    from bedrock_chat.ui.chat_view import ChatView
    from bedrock_chat.ui.conversation_export import ConversationExporter
    from bedrock_chat.ui.history_actions import HistoryActions
    from bedrock_chat.ui.prompt_editor import PromptEditor
    from bedrock_chat.ui.sidebar import Sidebar
    from bedrock_chat.ui.transcript_import import TranscriptImporter


class ChatWindow(Protocol):
    store: ConversationStore
    conversation: Conversation
    chat: ChatView
    sidebar: Sidebar
    prompt: PromptEditor
    attachments: AttachmentTray
    importer: TranscriptImporter
    exporter: ConversationExporter
    history: HistoryActions

    @property
    def clients(self) -> Any:
        """The Bedrock clients, or None while not connected."""

    def window(self) -> QWidget:
        """The top-level widget: the parent of dialogs."""

    def statusBar(self) -> QStatusBar: ...

    def can_switch(self) -> bool:
        """False (with a status message) while a reply streams."""

    def show_conversation(self, conversation: Conversation) -> None: ...

    def schedule_preview(self) -> None: ...

    def show_error(self, text: str, retryable: bool, about_connection: bool = False) -> None: ...

    def store_message(self, message: Message) -> None: ...

    def start_turn(self) -> None: ...

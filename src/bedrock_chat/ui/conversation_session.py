"""The conversation on screen: which one it is, each message saved as it happens, and what leaves it (a
transcript file, the last reply on the clipboard). The window shows what its signals say."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QWidget

from bedrock_chat.core.conversation import Conversation, Message, Role
from bedrock_chat.ui import message_boxes
from bedrock_chat.ui.save_tracker import SaveTracker
from bedrock_chat.ui.turn_controller import TurnController


class ConversationSession(QObject):
    switched = Signal(object)
    """Another conversation became the current one; carries the ``Conversation``."""
    status_changed = Signal(str, int)
    """A line for the status bar and how long it stays (ms)."""

    def __init__(self, conversation: Conversation, saves: SaveTracker, turns: TurnController,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self.conversation = conversation
        self._saves = saves
        self._turns = turns
        self._dialog_parent = parent
        self.other_turns_busy: Callable[[], bool] = lambda: False  # compare mode's columns

    def store_message(self, message: Message) -> None:
        """Each message is written as it happens; a reply in flight at least once a second. A save that fails
        (full or read-only disk) stays pending and is retried; the window shows "Not saved" until it succeeds."""
        self._saves.save(self.conversation, message)

    def show(self, conversation: Conversation) -> None:
        conversation = self._saves.unsaved_version(conversation)  # the disk lacks what is still pending
        self.conversation = conversation
        self.switched.emit(conversation)

    def can_switch(self) -> bool:
        if self._turns.busy or self.other_turns_busy():
            self.status_changed.emit("Stop the reply (Esc) before switching conversations.", 6000)
            return False
        return True

    def write_transcript(self, path: Path) -> None:
        from bedrock_chat.core.transfer import export_conversation

        try:
            export_conversation(self.conversation, path)
        except OSError as error:
            message_boxes.warn(self._dialog_parent, "Save transcript", f"Could not write {path}: {error.strerror}."
                               "\n\nChoose another folder or free some disk space.")
            return
        self.status_changed.emit(f"Saved {path}", 6000)

    def copy_last_reply(self) -> None:
        # A compare answer that was not kept is not the reply (the kept one, or the last before the compare, is).
        reply = next((m for m in reversed(self.conversation.messages)
                      if m.role == Role.ASSISTANT and not m.alternative), None)
        if reply is not None:
            QApplication.clipboard().setText(reply.text)
            self.status_changed.emit("Copied the last reply.", 4000)

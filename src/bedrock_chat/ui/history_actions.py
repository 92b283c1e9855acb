"""What a person does with the history: the sidebar (open, search, rename, pin, duplicate, delete and undo)
and message actions (edit into a branch, regenerate, copy). Import is in ``ui/transcript_import.py``."""

from __future__ import annotations

import logging
import sqlite3

from PySide6.QtWidgets import QApplication, QInputDialog

from bedrock_chat.core.conversation import Conversation, MessageState, Role
from bedrock_chat.ui.conversation_duplicate import ConversationDuplicator
from bedrock_chat.ui.conversation_loader import ConversationLoader
from bedrock_chat.ui.focus_return import focus_returns
from bedrock_chat.ui.inline_attachment_pass import InlineAttachmentPass
from bedrock_chat.ui.store_guard import reports_store_failure
from bedrock_chat.ui.window_api import ChatWindow

log = logging.getLogger(__name__)

EDITING_NOTICE = ("Editing an earlier prompt: Send starts a branch from there; the original conversation keeps its "
                  "later turns.")
"""Said while an edit is in progress; withdrawn when another conversation comes on screen (the edit ends)."""


class HistoryActions:
    """Acts on the window's store, sidebar and chat view; the window owns them and the reply in flight."""

    def __init__(self, window: ChatWindow) -> None:
        self._window = window
        self._deleted: list[str] = []  # conversation ids, most recent last, for Undo
        self.editing: str | None = None  # the earlier prompt being edited; Send then starts a branch from it
        self.loader = ConversationLoader(window)  # reads a conversation on a worker; shows it here
        self.duplicator = ConversationDuplicator(window)  # copies one on a worker, then opens the copy
        # Moves older rows' attachment bytes apart on a worker, so branching them writes no images again. The
        # window owns it (and its start timer), so Qt deletes it on this thread, never Python's GC on another.
        self.inline_attachments = InlineAttachmentPass(lambda: window.store, window.window())
        self.inline_attachments.finished.connect(self._name_stored_attachments)

    def _name_stored_attachments(self, moved: int) -> None:
        """The conversation on screen was read before the pass: its prompts now name the bytes moved apart."""
        if not moved:
            return
        try:
            self._window.store.name_stored_attachments(self._window.conversation)
        except (sqlite3.Error, OSError) as error:  # only a saving missed: a branch writes its images as before
            log.info("attachments on screen not matched with their stored bytes: %s", error)

    def refresh_sidebar(self) -> None:
        self.search(self._window.sidebar.search.text().strip())

    @reports_store_failure("search the history")
    def search(self, query: str) -> None:
        window = self._window
        if query:
            window.sidebar.show_hits(query, window.store.search(query))
        else:
            window.sidebar.show_conversations(window.store.summaries(), window.conversation.id)

    def open_conversation(self, conversation_id: str) -> None:
        """Shown once read (off the GUI thread); a later choice supersedes it."""
        self.loader.open(conversation_id)

    def jump_to_message(self, conversation_id: str, message_id: str) -> None:
        """Opens a search hit's conversation without leaving the search results, and scrolls to the message.

        Through the one way of switching: it keeps messages whose save is pending and ends an edit; the sidebar
        refresh re-runs the search, so the hits stay."""
        self.loader.open(conversation_id, message_id)

    @reports_store_failure("change the conversation")
    def on_sidebar_action(self, action: str, conversation_id: str) -> None:
        store = self._window.store
        if action == "rename":
            current = next((s.title for s in store.summaries() if s.id == conversation_id), "")
            with focus_returns():
                title, accepted = QInputDialog.getText(self._window.window(), "Rename conversation", "Title:",
                                                       text=current)
            if accepted:
                self.rename_conversation(conversation_id, title)
        elif action == "duplicate":
            self.duplicator.duplicate(conversation_id)  # on a worker; the copy then opens like a click
        elif action in ("pin", "unpin"):
            store.set_pinned(conversation_id, action == "pin")
            if conversation_id == self._window.conversation.id:  # Save transcript… writes the pin it has
                self._window.conversation.pinned = action == "pin"
            self.refresh_sidebar()
        elif action == "delete":
            self.delete_conversation(conversation_id)
        elif action == "export":
            from bedrock_chat.ui.conversation_files import export_dialog  # file dialogs load on first use

            title = next((s.title for s in store.summaries() if s.id == conversation_id), "conversation")
            export_dialog(self._window, conversation_id, title)

    @reports_store_failure("rename the conversation")
    def rename_conversation(self, conversation_id: str, title: str) -> None:
        window = self._window
        window.store.rename(conversation_id, title)
        shown_title = title.strip() or "Untitled"
        if conversation_id == window.conversation.id:
            window.conversation.title = shown_title
        self.loader.renamed(conversation_id, shown_title)
        self.refresh_sidebar()

    @reports_store_failure("delete the conversation")
    def delete_conversation(self, conversation_id: str) -> None:
        window = self._window
        current = conversation_id == window.conversation.id
        if current and not window.can_switch():
            return
        window.store.delete(conversation_id)
        self._deleted.append(conversation_id)
        if current:
            window.show_conversation(Conversation())
        else:
            self.refresh_sidebar()
        window.statusBar().showMessage("Conversation deleted. Undo with Ctrl+Z.", 10000)

    @reports_store_failure("restore the conversation")
    def undo_delete(self) -> None:
        if self._deleted:
            conversation_id = self._deleted.pop()
            self._window.store.restore(conversation_id)
            self.open_conversation(conversation_id)
            self._window.statusBar().showMessage("Conversation restored.", 5000)

    @reports_store_failure("start a branch")
    def branch_from(self, message_id: str, reason: str) -> bool:
        """Earlier turns are never lost: editing or regenerating in the middle starts a branch.

        False (or None, when the store failed and the window said why) means no branch: nothing may be sent."""
        window = self._window
        conversation = window.conversation
        if not any(message.id == message_id for message in conversation.messages):
            return False
        window.store.save_conversation(conversation)
        # From what is on screen, not read back: reading a conversation of large images held the window.
        branch = window.store.save_copy(conversation, upto_message=message_id, title=f"{conversation.title} ({reason})")
        window.show_conversation(branch)
        return True

    def take_editing(self) -> str | None:
        editing, self.editing = self.editing, None
        return editing

    def on_message_action(self, action: str, message_id: str) -> None:
        window = self._window
        message = next((m for m in window.conversation.messages if m.id == message_id), None)
        if message is None:
            return
        if action == "copy":
            QApplication.clipboard().setText(message.text)
            window.statusBar().showMessage("Copied the message.", 4000)
        elif action == "edit" and window.can_switch():
            self.editing = message_id
            window.prompt.setPlainText(message.text)
            window.attachments.clear()  # the prompt's attachments come back with it, to keep or remove
            window.attachments.add(list(message.attachments))
            window.prompt.setFocus()
            window.statusBar().showMessage(EDITING_NOTICE, 10000)
        elif action == "regenerate":
            self.regenerate(message_id)

    def regenerate_last(self) -> None:
        reply = next((m for m in reversed(self._window.conversation.messages) if m.role == Role.ASSISTANT), None)
        if reply is not None:
            self.regenerate(reply.id)

    def regenerate(self, message_id: str) -> None:
        """The last reply is superseded in place; an older one is regenerated in a branch."""
        window = self._window
        if not window.can_switch() or window.clients is None:
            return
        messages = window.conversation.messages
        if messages and messages[-1].id == message_id:
            messages[-1].state = MessageState.SUPERSEDED
            window.store_message(messages[-1])
            window.chat.render_all()
        elif not self.branch_from(message_id, "regenerated"):
            return
        window.start_turn()

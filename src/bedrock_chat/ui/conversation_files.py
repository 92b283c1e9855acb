"""File dialogs for exporting and importing conversations; the work itself is in ``core.transfer``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from bedrock_chat.core.conversation import Conversation
from bedrock_chat.core.storage import StoreError
from bedrock_chat.core.transfer import export_all, export_conversation, file_stem
from bedrock_chat.ui import message_boxes
from bedrock_chat.ui.window_api import ChatWindow

_FILTERS = "Markdown (*.md);;JSON transcript (*.json);;Web page (*.html)"
_SUFFIX_BY_FILTER = {"Markdown (*.md)": ".md", "JSON transcript (*.json)": ".json", "Web page (*.html)": ".html"}


def export_dialog(window: ChatWindow, conversation: Conversation) -> None:
    path, chosen = QFileDialog.getSaveFileName(window.window(), "Export conversation",
                                               str(Path.home() / file_stem(conversation.title)), _FILTERS)
    if not path:
        return
    target = Path(path)
    if not target.suffix:
        target = target.with_suffix(_SUFFIX_BY_FILTER.get(chosen, ".md"))
    try:
        export_conversation(conversation, target)
    except OSError as error:
        message_boxes.warn(window.window(), "Export conversation", f"Could not write {target}: {error.strerror}.\n\n"
                           "Choose another folder or free some disk space.")
        return
    window.statusBar().showMessage(f"Saved {target}", 6000)


def export_all_dialog(window: ChatWindow) -> None:
    directory = QFileDialog.getExistingDirectory(window.window(), "Export all conversations to a folder",
                                                 str(Path.home()))
    if not directory:
        return
    try:
        conversations = [window.store.load(summary.id) for summary in window.store.summaries()]
    except (sqlite3.Error, OSError, StoreError) as error:
        window.show_error(f"Could not read the history to export it: {error}.", retryable=False)
        return
    try:
        written = export_all(conversations, Path(directory))
    except OSError as error:
        message_boxes.warn(window.window(), "Export all", f"Could not write to {directory}: {error.strerror}.")
        return
    window.statusBar().showMessage(f"Exported {len(written)} conversations to {directory}", 8000)


def import_dialog(window: ChatWindow) -> None:
    """Reading and storing run off the GUI thread (``TranscriptImporter``), with a progress dialog."""
    paths, _ = QFileDialog.getOpenFileNames(window.window(), "Import transcripts", str(Path.home()),
                                            "JSON transcript (*.json);;All files (*)")
    if paths:
        window.importer.start([Path(path) for path in paths])

"""File dialogs for exporting and importing conversations; the work runs on workers (``ConversationExporter``,
``TranscriptImporter``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from bedrock_chat.core.transfer import file_stem
from bedrock_chat.ui.window_api import ChatWindow

_FILTERS = "Markdown (*.md);;JSON transcript (*.json);;Web page (*.html)"
_SUFFIX_BY_FILTER = {"Markdown (*.md)": ".md", "JSON transcript (*.json)": ".json", "Web page (*.html)": ".html"}


def export_dialog(window: ChatWindow, conversation_id: str, title: str) -> None:
    """Reading, encoding and writing run off the GUI thread (``ConversationExporter``)."""
    path, chosen = QFileDialog.getSaveFileName(window.window(), "Export conversation",
                                               str(Path.home() / file_stem(title)), _FILTERS)
    if not path:
        return
    target = Path(path)
    if not target.suffix:
        target = target.with_suffix(_SUFFIX_BY_FILTER.get(chosen, ".md"))
    window.exporter.export_one(conversation_id, title, target)


def export_all_dialog(window: ChatWindow) -> None:
    """Every conversation as a JSON transcript, written by a worker with a progress dialog that can cancel."""
    directory = QFileDialog.getExistingDirectory(window.window(), "Export all conversations to a folder",
                                                 str(Path.home()))
    if directory:
        window.exporter.export_all(Path(directory))


def import_dialog(window: ChatWindow) -> None:
    """Reading and storing run off the GUI thread (``TranscriptImporter``), with a progress dialog."""
    paths, _ = QFileDialog.getOpenFileNames(window.window(), "Import transcripts", str(Path.home()),
                                            "JSON transcript (*.json);;All files (*)")
    if paths:
        window.importer.start([Path(path) for path in paths])

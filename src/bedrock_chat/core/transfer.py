"""Export of conversations to files (Markdown, JSON, HTML) and import of JSON transcripts."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bedrock_chat.core.atomic import atomic_write_text
from bedrock_chat.core.conversation import Conversation
from bedrock_chat.core.html_export import to_html
from bedrock_chat.core.store_errors import StoreError, describe_save_failure
from bedrock_chat.core.transcript import TranscriptError, from_json, to_json, to_markdown

FORMATS = {".md": to_markdown, ".markdown": to_markdown, ".json": to_json, ".html": to_html, ".htm": to_html}


def export_conversation(conversation: Conversation, path: Path) -> None:
    """The format follows the file's suffix (Markdown when unknown); the write is atomic."""
    render = FORMATS.get(path.suffix.lower(), to_markdown)
    atomic_write_text(path, render(conversation))


def file_stem(title: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in title).strip()
    return (safe or "conversation")[:60]


def file_name(title: str, conversation_id: str) -> str:
    """Title and short id, as a file name. The id too may come from an imported file (``/../../x``): it is made
    safe like the title, so a name never leaves the folder it is written to."""
    return f"{file_stem(title)}-{file_stem(conversation_id)[:8]}"


class FolderNames:
    """The files of one export into a folder, never two under one name: two conversations with the same title
    whose ids begin alike (an imported file's ``weekly-sync-1`` and ``weekly-sync-2``) would otherwise share one,
    and the second would overwrite the first. Compared without case, as some file systems do."""

    def __init__(self, directory: Path, suffix: str) -> None:
        self._directory = directory
        self._suffix = suffix
        self._taken: set[str] = set()

    def path(self, title: str, conversation_id: str) -> Path:
        stem = file_name(title, conversation_id)
        name, number = stem, 1
        while (name + self._suffix).casefold() in self._taken:
            number += 1
            name = f"{stem}-{number}"
        self._taken.add((name + self._suffix).casefold())
        return self._directory / f"{name}{self._suffix}"


def export_all(conversations: list[Conversation], directory: Path, suffix: str = ".json") -> list[Path]:
    written = []
    names = FolderNames(directory, suffix)
    for conversation in conversations:
        path = names.path(conversation.title, conversation.id)
        export_conversation(conversation, path)
        written.append(path)
    return written


MAX_FILE_BYTES = 1024 * 1024 * 1024  # far above any transcript; refused before reading
_CHUNK = 1024 * 1024


class ImportCancelled(Exception):
    """The person cancelled the import while this file was being read."""


def read_transcript(path: Path, progress: Callable[[int], None] | None = None,
                    cancelled: Callable[[], bool] | None = None) -> Conversation:
    """One file as a conversation, or a ``TranscriptError`` whose message is one plain sentence.

    ``progress`` gets the number of bytes read so far, chunk by chunk, for a progress bar."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise TranscriptError(f"The file is larger than {MAX_FILE_BYTES // 2**20:,} MB, "
                                  "far more than any transcript.")
        data = bytearray()
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                data += chunk
                if progress is not None:
                    progress(len(data))
                if cancelled is not None and cancelled():
                    raise ImportCancelled
    except OSError as error:
        raise TranscriptError(f"The file cannot be read ({error.strerror or error}).") from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TranscriptError("The file is not UTF-8 text (it may use another encoding); save it as UTF-8 "
                              "and import it again.") from error
    del data
    return from_json(text)


def describe_failure(path: Path, error: Exception, database: Path | None = None) -> str:
    """One sentence per file that did not come in, naming the file. ``database``: where it was being stored."""
    if isinstance(error, TranscriptError):
        return f"{path.name}: {error}"
    if database is not None and isinstance(error, StoreError | sqlite3.Error | OSError):
        return f"{path.name}: It was read but could not be stored. {describe_save_failure(error, database)}"
    # Anything else (an unforeseen shape) still names the file and stops only it.
    return f"{path.name}: The file could not be imported ({type(error).__name__}: {error})."


@dataclass
class ImportResult:
    conversations: list[Conversation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one sentence per rejected file


def read_transcripts(paths: list[Path]) -> ImportResult:
    """Reads every file; a bad one is reported and contributes nothing, the good ones still come in."""
    result = ImportResult()
    for path in paths:
        try:
            result.conversations.append(read_transcript(path))
        except Exception as error:  # one bad file never stops the others
            result.errors.append(describe_failure(path, error))
    return result

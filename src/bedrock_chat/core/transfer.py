"""Export of conversations to files (Markdown, JSON, HTML) and import of JSON transcripts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bedrock_chat.core.atomic import atomic_write_text
from bedrock_chat.core.conversation import Conversation
from bedrock_chat.core.html_export import to_html
from bedrock_chat.core.transcript import TranscriptError, from_json, to_json, to_markdown

FORMATS = {".md": to_markdown, ".markdown": to_markdown, ".json": to_json, ".html": to_html, ".htm": to_html}


def export_conversation(conversation: Conversation, path: Path) -> None:
    """The format follows the file's suffix (Markdown when unknown); the write is atomic."""
    render = FORMATS.get(path.suffix.lower(), to_markdown)
    atomic_write_text(path, render(conversation))


def file_stem(title: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in title).strip()
    return (safe or "conversation")[:60]


def export_all(conversations: list[Conversation], directory: Path, suffix: str = ".json") -> list[Path]:
    written = []
    for conversation in conversations:
        path = directory / f"{file_stem(conversation.title)}-{conversation.id[:8]}{suffix}"
        export_conversation(conversation, path)
        written.append(path)
    return written


@dataclass
class ImportResult:
    conversations: list[Conversation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one sentence per rejected file


def read_transcripts(paths: list[Path]) -> ImportResult:
    """Reads every file; a bad one is reported and contributes nothing, the good ones still come in."""
    result = ImportResult()
    for path in paths:
        try:
            result.conversations.append(from_json(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, TranscriptError) as error:
            result.errors.append(f"{path.name}: {error}")
    return result

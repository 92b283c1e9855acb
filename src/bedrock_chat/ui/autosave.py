"""Keeps every conversation on disk as it happens: a JSON transcript per conversation, written atomically."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from bedrock_chat.core.atomic import atomic_write_text
from bedrock_chat.core.conversation import Conversation, MessageState
from bedrock_chat.core.transcript import TranscriptError, from_json, to_json

log = logging.getLogger(__name__)
SAVE_INTERVAL_S = 1.0


class ConversationAutosave:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._last_save = 0.0

    def path_for(self, conversation: Conversation) -> Path:
        return self.directory / f"{conversation.id}.json"

    def save(self, conversation: Conversation) -> None:
        if not conversation.messages:
            return
        try:
            atomic_write_text(self.path_for(conversation), to_json(conversation))
        except OSError as error:
            log.error("cannot save conversation %s: %s", conversation.id, error.strerror)
            raise
        self._last_save = time.monotonic()

    def save_if_due(self, conversation: Conversation) -> None:
        """While a reply streams: at most once a second, so a crash loses at most the last second."""
        if time.monotonic() - self._last_save >= SAVE_INTERVAL_S:
            self.save(conversation)

    def latest(self) -> Conversation | None:
        """The most recently saved conversation; a reply that was streaming when the app died is marked."""
        candidates = sorted(self.directory.glob("*.json"), key=lambda path: path.stat().st_mtime, reverse=True)
        for path in candidates:
            try:
                conversation = from_json(path.read_text(encoding="utf-8"))
            except (OSError, TranscriptError, UnicodeDecodeError) as error:
                log.warning("skipping unreadable conversation file %s: %s", path.name, error)
                continue
            for message in conversation.messages:
                if message.state == MessageState.STREAMING:
                    message.state = MessageState.INTERRUPTED
            return conversation
        return None

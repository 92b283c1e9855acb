"""Conversations and their messages, with the history each request sends."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from bedrock_chat.core.attachments import Attachment
from bedrock_chat.core.reasoning import ReasoningBlock


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id() -> str:
    return uuid.uuid4().hex


class Role(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"


class MessageState(StrEnum):
    COMPLETE = "complete"
    STREAMING = "streaming"
    STOPPED = "stopped"  # the user pressed Stop; the partial text is kept
    FAILED = "failed"  # an error ended it; any partial text is kept
    INTERRUPTED = "interrupted"  # the app ended while it streamed; found so on the next start
    SUPERSEDED = "superseded"  # replaced by a regenerated reply; kept, but no longer sent to the model


@dataclass
class Message:
    role: Role
    text: str
    id: str = field(default_factory=new_id)
    reasoning: str = ""
    model_id: str | None = None
    api: str | None = None
    parameters: dict[str, Any] | None = None
    stats: dict[str, Any] | None = None
    state: MessageState = MessageState.COMPLETE
    error: str | None = None
    created_at: str = field(default_factory=utc_now)
    finished_at: str | None = None
    attachments: tuple[Attachment, ...] = ()  # images and documents sent with a prompt, kept as bytes
    # The reply's reasoning as the model signed it, sent back unchanged on later turns (see core.reasoning).
    reasoning_blocks: list[ReasoningBlock] = field(default_factory=list)
    compare_group: str | None = None
    """The compare turn this reply answered, shared by its columns' replies (None: an ordinary reply)."""
    alternative: bool = False
    """One of a compare turn's answers that was not kept: shown, saved and exported, never sent back."""

    @property
    def counts_as_history(self) -> bool:
        """Failed, superseded and alternative replies are shown but not sent back; stopped ones keep what arrived."""
        return (bool(self.text.strip()) and not self.alternative
                and self.state not in (MessageState.FAILED, MessageState.SUPERSEDED))


DEFAULT_TITLE = "New conversation"


@dataclass
class Conversation:
    title: str = DEFAULT_TITLE
    id: str = field(default_factory=new_id)
    created_at: str = field(default_factory=utc_now)
    messages: list[Message] = field(default_factory=list)
    pinned: bool = False  # kept at the top of the list; set from the sidebar, carried by transcripts

    def add_user_message(self, text: str, attachments: tuple[Attachment, ...] = ()) -> Message:
        message = Message(Role.USER, text, attachments=tuple(attachments))
        if self.title == DEFAULT_TITLE and not any(existing.role == Role.USER for existing in self.messages):
            self.title = title_from_prompt(text)
        self.messages.append(message)
        return message

    def start_reply(self, model_id: str, api: str, parameters: dict[str, Any]) -> Message:
        message = Message(Role.ASSISTANT, "", model_id=model_id, api=api, parameters=parameters,
                          state=MessageState.STREAMING)
        self.messages.append(message)
        return message

    def last_user_message(self) -> Message | None:
        return next((message for message in reversed(self.messages) if message.role == Role.USER), None)

    def history(self, draft: str | None = None) -> list[tuple[Role, str]]:
        """Alternating turns, starting and ending with the user, as every model family requires.

        ``draft`` is a prompt not yet sent (the request preview): it counts as the next user message.
        """
        return [(role, "\n\n".join(message.text for message in group)) for role, group in self._turns(draft)]

    def history_attachments(self, draft: str | None = None,
                            draft_attachments: tuple[Attachment, ...] = ()) -> list[tuple[Attachment, ...]]:
        """The attachments of each turn of ``history(draft)``, index for index: sent again with every later
        request, since Bedrock keeps nothing between calls."""
        return [tuple(item for message in group for item in message.attachments)
                for _, group in self._turns(draft, draft_attachments)]

    def reasoning_history(self, draft: str | None = None) -> list[tuple[ReasoningBlock, ...]]:
        """The signed reasoning of each turn of ``history`` (empty for user turns), in the same order."""
        return [tuple(block for message in group for block in message.reasoning_blocks)
                for _, group in self._turns(draft)]

    def _turns(self, draft: str | None,
               draft_attachments: tuple[Attachment, ...] = ()) -> list[tuple[Role, list[Message]]]:
        sent = [message for message in self.messages if message.counts_as_history]
        if draft:
            sent.append(Message(Role.USER, draft, attachments=tuple(draft_attachments)))
        turns: list[tuple[Role, list[Message]]] = []
        for message in sent:
            if turns and turns[-1][0] == message.role:
                turns[-1][1].append(message)
            else:
                turns.append((message.role, [message]))
        while turns and turns[0][0] != Role.USER:
            turns.pop(0)
        while turns and turns[-1][0] != Role.USER:
            turns.pop()
        return turns


def title_from_prompt(text: str, limit: int = 60) -> str:
    line = " ".join(text.split())
    if not line:
        return DEFAULT_TITLE
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"

"""What a click on a link in the conversation means: one typed value per scheme the view knows.

Links come from rendered model output as well as from our own markup, so nothing here opens anything: the
view turns the value into a signal, and only http(s) links are ever offered to the window to confirm.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QUrl

from bedrock_chat.core.safe_markdown import COPY_SCHEME, is_safe_link
from bedrock_chat.ui.message_html import EXAMPLE_PROMPTS, EXAMPLE_SCHEME, MESSAGE_SCHEME, RETRY_URL, TOGGLE_SCHEME

EARLIER_URL = "action:earlier"


@dataclass(frozen=True)
class CopyCode:
    """Copy code block ``number`` of a message (``number`` is unchecked: the view knows the blocks)."""

    message_id: str
    number: str


@dataclass(frozen=True)
class MessageAction:
    """Edit, Copy or Regenerate on a message."""

    action: str
    message_id: str


@dataclass(frozen=True)
class ToggleReasoning:
    message_id: str


@dataclass(frozen=True)
class ShowEarlier:
    pass


@dataclass(frozen=True)
class Example:
    """An example prompt of the first screen, by its text (from our own list, never from the link)."""

    text: str


@dataclass(frozen=True)
class Retry:
    pass


@dataclass(frozen=True)
class External:
    """An http(s) link, for the window to confirm before opening."""

    url: QUrl


@dataclass(frozen=True)
class Blocked:
    """A link with a scheme we never open: the scheme, or the whole text when it has none."""

    what: str


Link = CopyCode | MessageAction | ToggleReasoning | ShowEarlier | Example | Retry | External | Blocked


def parse_link(url: QUrl) -> Link:
    text = url.toString()
    scheme = url.scheme().lower()
    if scheme == COPY_SCHEME:
        message_id, _, number = url.path().rpartition(":")  # an id may contain ":" itself
        return CopyCode(message_id, number)
    if scheme == MESSAGE_SCHEME:
        action, _, message_id = url.path().partition(":")
        return MessageAction(action, message_id)
    if scheme == TOGGLE_SCHEME:
        return ToggleReasoning(url.path())
    if scheme == EXAMPLE_SCHEME and url.path().isdigit() and int(url.path()) < len(EXAMPLE_PROMPTS):
        return Example(EXAMPLE_PROMPTS[int(url.path())][1])
    if text == EARLIER_URL:
        return ShowEarlier()
    if text == RETRY_URL:
        return Retry()
    if is_safe_link(text):
        return External(url)
    return Blocked(scheme or text)

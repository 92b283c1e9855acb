"""The pieces split out of the chat view: link meanings and one message's HTML, checked without a window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl

from bedrock_chat.core.conversation import Message, MessageState, Role
from bedrock_chat.ui import chat_links as links
from bedrock_chat.ui import message_html


@pytest.mark.parametrize(("url", "expected"), [
    ("copy-code:id:with:colons:2", links.CopyCode("id:with:colons", "2")),
    ("message:regenerate:a:b", links.MessageAction("regenerate", "a:b")),
    ("toggle-reasoning:xyz", links.ToggleReasoning("xyz")),
    ("action:earlier", links.ShowEarlier()),
    ("action:retry", links.Retry()),
    ("example:1", links.Example(message_html.EXAMPLE_PROMPTS[1][1])),  # the text is ours, never the link's
    ("example:9", links.Blocked("example")),
    ("javascript:alert(1)", links.Blocked("javascript")),
    ("file:///etc/passwd", links.Blocked("file")),
])
def test_each_scheme_has_one_meaning(url: str, expected: links.Link) -> None:
    assert links.parse_link(QUrl(url)) == expected


def test_only_http_links_are_offered_to_the_window() -> None:
    parsed = links.parse_link(QUrl("https://example.org/a"))
    assert isinstance(parsed, links.External) and parsed.url.toString() == "https://example.org/a"


def test_every_outside_value_in_a_failed_reply_is_escaped() -> None:
    message = Message(role=Role.ASSISTANT, text="", id='"><script>', model_id="<u>m</u>", reasoning="<q>r</q>",
                      state=MessageState.FAILED, error="<img src=x>", created_at="2026-01-01T<s>:00",
                      stats={"outputTokens": "<script>", "latencyMs": 12})
    colors = message_html.palette(dark=True)
    page = (message_html.header_html(message, colors) + message_html.reasoning_html(message, True, colors)
            + message_html.status_html(message, colors))
    for raw in ("<script>", "<u>", "<q>", "<s>", "<img src=x"):
        assert raw not in page
    assert "12 ms total" in page and "&lt;img src=x&gt;" in page

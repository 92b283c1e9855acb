"""The HTML of one message (header, user text, reasoning, status and statistics): pure functions of a Message.

Kept apart from the view so every escape of an outside value (message ids through ``link_token``, text and
errors through ``html.escape``, statistics through ``stat_number``) sits in one small module one can audit.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from bedrock_chat.core.conversation import Message, MessageState, Role
from bedrock_chat.core.events import StopReason
from bedrock_chat.core.transcript import stat_number
from bedrock_chat.ui.guardrail_notice import guardrail_html
from bedrock_chat.ui.rich_text import link_token

TOGGLE_SCHEME = "toggle-reasoning"
MESSAGE_SCHEME = "message"  # message:ACTION:ID for edit, copy and regenerate
RETRY_URL = "action:retry"


@dataclass(frozen=True)
class Palette:
    """The colours a message is drawn in, for the light or the dark theme."""

    muted: str
    user: str
    assistant: str
    error_background: str
    error_foreground: str


LIGHT = Palette(muted="#6b7280", user="#1a56db", assistant="#047857",
                error_background="#fdecea", error_foreground="#b3261e")
DARK = Palette(muted="#9aa0a6", user="#8ab4f8", assistant="#81c995",
               error_background="#3b1d1d", error_foreground="#f28b82")


def palette(dark: bool) -> Palette:
    return DARK if dark else LIGHT


def empty_state_html(colors: Palette) -> str:
    return (f'<div style="color:{colors.muted}"><p style="font-size:large"><b>Start a conversation</b></p>'
            "<p>Pick a model above, adjust the parameters on the right, type a prompt below and press "
            "<b>Ctrl+Enter</b>.</p></div>")


def earlier_html(href: str, page: int, hidden: int) -> str:
    """The link above a long conversation's latest messages that shows the page before them."""
    return (f'<p align="center"><a href="{href}">▲ Show {page} earlier '
            f"messages</a> <small>({hidden} not shown)</small></p>")


def header_html(message: Message, colors: Palette) -> str:
    """Who wrote it, when, and its Edit/Copy/Regenerate links; the anchor lets search scroll to it."""
    time = html.escape(message.created_at[11:16])
    if message.role == Role.USER:
        who, color = "You", colors.user
    else:
        who, color = f"Assistant · {html.escape(message.model_id or '')}", colors.assistant
    actions = ("edit", "copy") if message.role == Role.USER else ("copy", "regenerate")
    token = link_token(message.id)
    links = " ".join(f'<a href="{MESSAGE_SCHEME}:{action}:{token}">{action.title()}</a>' for action in actions)
    return (f'<p style="margin-top:14px; margin-bottom:2px"><a name="m-{token}"></a>'
            f'<b style="color:{color}">{who}</b> '
            f'<span style="color:{colors.muted}; font-size:small">{time} UTC &nbsp; {links}</span></p>')


def user_text_html(message: Message) -> str:
    """A prompt is shown as typed: escaped, never rendered as Markdown."""
    text = html.escape(message.text).replace("\n", "<br>")
    return f"<p>{text}</p>"


def reasoning_html(message: Message, expanded: bool, colors: Palette) -> str:
    """The Reasoning toggle, and the reasoning itself when expanded; empty when the reply has none."""
    if not message.reasoning:
        return ""
    arrow, verb = ("▾", "hide") if expanded else ("▸", "show")
    words = len(message.reasoning.split())
    href = f"{TOGGLE_SCHEME}:{link_token(message.id)}"
    link = (f'<p style="color:{colors.muted}"><a href="{href}">{arrow} Reasoning '
            f"({words} words) — {verb}</a></p>")
    if not expanded:
        return link
    reasoning = html.escape(message.reasoning).replace("\n", "<br>")
    return link + f'<blockquote style="color:{colors.muted}"><i>{reasoning}</i></blockquote>'


def _note(message: Message, stats: dict[str, object]) -> str | None:
    if message.state == MessageState.STOPPED:
        return "⏹ Stopped by you — the text above is what arrived."
    if message.state == MessageState.SUPERSEDED:
        return "↻ Replaced by a regenerated reply below; no longer sent to the model."
    if message.state == MessageState.INTERRUPTED:
        return "⚠ This reply was interrupted when the app closed."
    if stats.get("stopReason") == StopReason.MAX_TOKENS.value:
        return "✂ Cut at the max tokens limit — raise Max tokens for a longer reply."
    return None


def stats_line(stats: dict[str, object]) -> str:
    """Statistics may come from an imported file: only numbers are shown (the caller escapes the line)."""
    pieces = []
    if stat_number(stats, "outputTokens") is not None:
        tokens = (stat_number(stats, "inputTokens"), stat_number(stats, "outputTokens"))
        pieces.append(f"{tokens[0]} in · {tokens[1]} out tokens")
    if stat_number(stats, "cacheReadInputTokens") or stat_number(stats, "cacheWriteInputTokens"):
        pieces.append(f"cache {stat_number(stats, 'cacheReadInputTokens') or 0} read · "
                      f"{stat_number(stats, 'cacheWriteInputTokens') or 0} written")
    if stat_number(stats, "reasoningTokensEstimate"):
        pieces.append(f"≈{stat_number(stats, 'reasoningTokensEstimate')} reasoning tokens")
    if stat_number(stats, "timeToFirstTokenMs") is not None:
        pieces.append(f"first token {stat_number(stats, 'timeToFirstTokenMs')} ms")
    if stat_number(stats, "latencyMs") is not None:
        pieces.append(f"{stat_number(stats, 'latencyMs')} ms total")
    if stat_number(stats, "outputTokensPerSecond"):
        pieces.append(f"{stat_number(stats, 'outputTokensPerSecond')} tok/s")
    return " · ".join(pieces)


def status_html(message: Message, colors: Palette) -> str:
    """Under a reply: why it ended early, its error with Retry, and its statistics line."""
    stats = message.stats or {}
    note = _note(message, stats)
    html_notes = f'<p style="color:#b45309; margin-top:4px">{html.escape(note)}</p>' if note else ""
    if message.state == MessageState.FAILED and message.error:
        html_notes += (
            f'<table width="100%" cellpadding="8" bgcolor="{colors.error_background}"><tr><td>'
            f'<span style="color:{colors.error_foreground}">⚠ {html.escape(message.error)}</span> '
            f'&nbsp;<a href="{RETRY_URL}">Retry</a></td></tr></table>')
    html_notes += guardrail_html(stats, colors)
    line = stats_line(stats) if stats else ""
    if line:
        html_notes += f'<p style="color:{colors.muted}; font-size:small">{html.escape(line)}</p>'
    return html_notes

"""The HTML of one message card (header, user text, reasoning, status and statistics): pure functions of a Message.

Kept apart from the view so every escape of an outside value (message ids through ``link_token``, text and
errors through ``html.escape``, statistics through ``stat_number`` and ``number_format``) sits in one small
module one can audit.

A prompt is a tinted card indented from the left; a reply runs the full reading width under a header line, so
its streamed body is plain blocks appended at the end of the document (never inside a table cell).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

from bedrock_chat.core import number_format as fmt
from bedrock_chat.core.catalog import pricing_for
from bedrock_chat.core.conversation import Message, MessageState, Role
from bedrock_chat.core.display_names import local_time, short_model_name
from bedrock_chat.core.events import StopReason
from bedrock_chat.core.safe_markdown import COPY_SCHEME, DARK_CODE, LIGHT_CODE, CodeTheme
from bedrock_chat.core.transcript import stat_number
from bedrock_chat.ui.guardrail_notice import guardrail_html
from bedrock_chat.ui.rich_text import link_token, verbatim

TOGGLE_SCHEME = "toggle-reasoning"
MESSAGE_SCHEME = "message"  # message:ACTION:ID for edit, copy and regenerate
EXAMPLE_SCHEME = "example"  # example:N fills the prompt with example prompt N of the first screen
ICON_SCHEME = "bc-icon"  # bc-icon:NAME:ID, images the view draws itself from the bundled icons
RETRY_URL = "action:retry"
ICON_PX = 14

ACTION_TITLES = {"edit": "Edit this prompt", "copy": "Copy this message", "regenerate": "Regenerate this reply"}
ACTION_ICONS = {"edit": "edit", "copy": "copy", "regenerate": "retry"}

EXAMPLE_PROMPTS = (
    ("Explain a concept", "Explain how a hash map works, with a short Python example."),
    ("Compare options", "Compare SQLite and PostgreSQL for a small desktop app, as a table."),
    ("Draft a message", "Write a friendly two-paragraph email asking a colleague to review my pull request."),
    ("Think it through", "A bat and a ball cost $1.10 together; the bat costs $1.00 more. What does the ball cost?"),
)


@dataclass(frozen=True)
class Palette:
    """The colours a message is drawn in, for the light or the dark theme."""

    muted: str
    user: str
    assistant: str
    error_background: str
    error_foreground: str
    user_card: str
    note: str
    example_card: str
    hit_background: str
    hit_foreground: str


LIGHT = Palette(muted="#6b7280", user="#1a56db", assistant="#047857",
                error_background="#fdecea", error_foreground="#b3261e", user_card="#eef2fb", note="#b45309",
                example_card="#f3f4f6", hit_background="#f5c518", hit_foreground="#000000")
DARK = Palette(muted="#9aa0a6", user="#8ab4f8", assistant="#81c995",
               error_background="#3b1d1d", error_foreground="#f28b82", user_card="#252a35", note="#fbbf24",
               example_card="#232528", hit_background="#8a6d00", hit_foreground="#ffffff")


def palette(dark: bool) -> Palette:
    return DARK if dark else LIGHT


# A code block's Copy link is the bundled copy icon, as a message's is: bc-icon:copy:code-TOKEN-N once
# ``code_links`` has tied it to its message (its own URL, so hovering it lights that icon alone).
CODE_ICON = f"{ICON_SCHEME}:copy:code-"
_VIEW_CODE = {False: replace(LIGHT_CODE, copy_icon=CODE_ICON), True: replace(DARK_CODE, copy_icon=CODE_ICON)}


def code_theme(dark: bool) -> CodeTheme:
    """How the view draws code: the theme's colours, and the copy icon for each block's Copy link."""
    return _VIEW_CODE[dark]


def code_links(fragment: str, token: str) -> str:
    """Ties the Copy links (and their icons) of a rendered reply's code blocks to the message (``token``, from
    ``link_token``): copy-code:N becomes copy-code:TOKEN:N."""
    return fragment.replace(f'href="{COPY_SCHEME}:', f'href="{COPY_SCHEME}:{token}:').replace(
        f'src="{CODE_ICON}', f'src="{CODE_ICON}{token}-')


def code_icon_url(anchor: str) -> str | None:
    """The icon URL of a code block's Copy link (``copy-code:TOKEN:N``), or None for any other link."""
    scheme, _, rest = anchor.partition(":")
    token, _, number = rest.rpartition(":")
    return f"{CODE_ICON}{token}-{number}" if scheme == COPY_SCHEME and token and number.isdigit() else None


def empty_state_html(colors: Palette) -> str:
    """The first screen of an empty conversation: a title and example prompts that fill the prompt box."""
    cells = []
    for number, (title, prompt) in enumerate(EXAMPLE_PROMPTS):
        cells.append(
            f'<td width="50%" bgcolor="{colors.example_card}" style="padding:10px">'
            f'<a href="{EXAMPLE_SCHEME}:{number}" style="text-decoration:none" title="{html.escape(prompt)}">'
            f'<b>{html.escape(title)}</b><br><span style="color:{colors.muted}">{html.escape(prompt)}</span></a></td>')
    rows = "".join(f"<tr>{cells[i]}{cells[i + 1]}</tr>" for i in range(0, len(cells), 2))
    return (f'<p align="center" style="font-size:x-large"><b>Start a conversation</b></p>'
            f'<p align="center" style="color:{colors.muted}">Type a prompt below and press <b>Ctrl+Enter</b>, '
            "or begin with one of these:</p>"
            f'<table align="center" width="100%" cellspacing="8" cellpadding="0">{rows}</table>')


def earlier_html(href: str, page: int, hidden: int) -> str:
    """The link above a long conversation's latest messages that shows the page before them."""
    arrow = icon_img("chevron-up", "earlier")
    return (f'<p align="center"><a href="{href}">{arrow} Show {page} earlier '
            f"messages</a> <small>({hidden} not shown)</small></p>")


def icon_url(name: str, token: str) -> str:
    return f"{ICON_SCHEME}:{name}:{token}"


def icon_img(name: str, token: str, alt: str = "") -> str:
    """A bundled icon inline, centred on the line; ``token`` (already escaped) makes its URL its own."""
    return (f'<img src="{icon_url(name, token)}" width="{ICON_PX}" height="{ICON_PX}" '
            f'style="vertical-align:middle" alt="{alt}">')


def _actions_html(message: Message, token: str) -> str:
    actions = ("edit", "copy") if message.role == Role.USER else ("copy", "regenerate")
    return "&nbsp;&nbsp;".join(
        f'<a href="{MESSAGE_SCHEME}:{action}:{token}" title="{ACTION_TITLES[action]}">'
        f'{icon_img(ACTION_ICONS[action], token, action.title())}</a>' for action in actions)


def header_html(message: Message, colors: Palette) -> str:
    """A reply's header line: the model's short name, the local time and the Copy/Regenerate icons. The anchor
    lets search scroll to it. (A prompt's header is inside its card: see ``user_card_html``.)"""
    token = link_token(message.id)
    name = html.escape(short_model_name(message.model_id))
    # A title becomes the hover tooltip, which Qt renders as rich text when the id looks like HTML.
    tip = html.escape(verbatim(message.model_id)) if message.model_id else ""
    when = html.escape(local_time(message.created_at))
    if message.compare_group:  # one of a compare turn's answers: say which one later turns send back
        when += " · alternative answer, not sent back" if message.alternative else " · kept answer"
    return (f'<p style="margin-top:22px; margin-bottom:4px"><a name="m-{token}"></a>'
            f'<b style="color:{colors.assistant}" title="{tip}">{name}</b>'
            f'&nbsp;&nbsp;<span style="color:{colors.muted}; font-size:small">{when}</span>'
            f"&nbsp;&nbsp;&nbsp;{_actions_html(message, token)}</p>")


def user_card_html(message: Message, colors: Palette, attachments: str = "") -> str:
    """A prompt as a tinted card, indented from the left; shown as typed: escaped, never rendered as Markdown.
    ``attachments``: the chips of its images and documents (already escaped HTML), above the text."""
    token = link_token(message.id)
    text = html.escape(message.text).replace("\n", "<br>")
    when = html.escape(local_time(message.created_at))
    return (f'<table width="100%" cellspacing="0" cellpadding="0" style="margin-top:22px"><tr>'
            f'<td width="12%"></td><td bgcolor="{colors.user_card}" style="padding:10px 12px">'
            f'<p style="margin:0"><a name="m-{token}"></a><b style="color:{colors.user}">You</b>'
            f'&nbsp;&nbsp;<span style="color:{colors.muted}; font-size:small">{when}</span>'
            f"&nbsp;&nbsp;&nbsp;{_actions_html(message, token)}</p>{attachments}"
            f'<p style="margin-top:6px; margin-bottom:0">{text}</p></td></tr></table>')


def reasoning_html(message: Message, expanded: bool, colors: Palette) -> str:
    """The Reasoning toggle, and the reasoning itself below it when expanded; empty when the reply has none."""
    if not message.reasoning:
        return ""
    chevron, verb = ("chevron-down", "hide") if expanded else ("chevron-right", "show")
    words = len(message.reasoning.split())
    token = link_token(message.id)
    href = f"{TOGGLE_SCHEME}:{token}"
    arrow = icon_img(chevron, token)
    link = (f'<p style="color:{colors.muted}"><a href="{href}" style="text-decoration:none">{arrow} Reasoning '
            f"({words:,} words) — {verb}</a></p>")
    if not expanded:
        return link
    reasoning = html.escape(message.reasoning).replace("\n", "<br>")
    return link + f'<blockquote style="color:{colors.muted}"><i>{reasoning}</i></blockquote>'


def _note(message: Message, stats: dict[str, object]) -> str | None:
    if message.state == MessageState.STOPPED:
        return "Stopped by you — the text above is what arrived."
    if message.state == MessageState.SUPERSEDED:
        return "Replaced by a regenerated reply below; no longer sent to the model."
    if message.state == MessageState.INTERRUPTED:
        return "This reply was interrupted when the app closed."
    if stats.get("stopReason") == StopReason.MAX_TOKENS.value:
        return "Cut at the max tokens limit — raise Max tokens for a longer reply."
    return None


def _whole(stats: dict[str, object], key: str) -> int | None:
    value = stat_number(stats, key)
    return None if value is None else round(value)


def stats_line(stats: dict[str, object], model_id: str | None = None) -> str:
    """TTFT · tok/s · tokens · cost. Statistics may come from an imported file: only numbers are shown (the
    caller escapes the line); the cost is worked out from the catalog's price of the model, when known."""
    pieces = []
    ttft = stat_number(stats, "timeToFirstTokenMs")
    if ttft is not None:
        pieces.append(f"TTFT {fmt.duration_ms(ttft)}")
    speed = stat_number(stats, "outputTokensPerSecond")
    if speed:
        pieces.append(fmt.speed(speed))
    tokens_in, tokens_out = _whole(stats, "inputTokens"), _whole(stats, "outputTokens")
    cache_read, cache_write = _whole(stats, "cacheReadInputTokens") or 0, _whole(stats, "cacheWriteInputTokens") or 0
    if tokens_out is not None:
        shown_in = fmt.count(tokens_in) if tokens_in is not None else "?"
        pieces.append(f"{shown_in} in · {fmt.count(tokens_out)} out tokens")
        if cache_read or cache_write:
            pieces.append(f"cache {fmt.count(cache_read)} read · {fmt.count(cache_write)} written")
        reasoning = _whole(stats, "reasoningTokensEstimate")
        if reasoning:
            pieces.append(f"≈{fmt.count(reasoning)} reasoning tokens")
        pricing = pricing_for(model_id) if model_id and tokens_in is not None else None
        if pricing is not None and tokens_in is not None:
            pieces.append(fmt.usd(pricing.cost(tokens_in, tokens_out, cache_read, cache_write)))
    if not pieces and stat_number(stats, "latencyMs") is not None:
        pieces.append(f"{fmt.duration_ms(stat_number(stats, 'latencyMs'))} total")
    return " · ".join(pieces)


def failure_marker(error: str, limit: int = 80) -> str:
    """The first sentence of an error, short enough for a one-line marker."""
    first = error.split(". ", 1)[0].strip().rstrip(".")
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def status_html(message: Message, colors: Palette) -> str:
    """Under a reply: why it ended early, its error with Retry, and its statistics line."""
    stats = message.stats or {}
    note = _note(message, stats)
    html_notes = (f'<p style="color:{colors.note}; margin-top:4px">{html.escape(note)}</p>' if note else "")
    if message.state == MessageState.FAILED and message.error:
        # The error card above the conversation says it all; here only a short muted marker (the saved message
        # keeps the whole error, and its first sentence tells which failure a reply from history had).
        html_notes += (
            f'<p style="color:{colors.muted}; font-size:small">Failed: {html.escape(failure_marker(message.error))}'
            f' &nbsp;<a href="{RETRY_URL}">Retry</a></p>')
    html_notes += guardrail_html(stats, colors)
    line = stats_line(stats, message.model_id) if stats else ""
    if line:
        tip = "Time to first token · output speed · tokens in and out · cost at the catalog's price"
        html_notes += (f'<p style="color:{colors.muted}; font-size:small; margin-top:6px" title="{tip}">'
                       f"{html.escape(line)}</p>")
    return html_notes

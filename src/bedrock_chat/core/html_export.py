"""A conversation as one standalone HTML page: inline styles, no scripts, and a policy that loads nothing."""

from __future__ import annotations

import html

from bedrock_chat.core.attachment_transcript import html_block
from bedrock_chat.core.conversation import Conversation, MessageState, Role
from bedrock_chat.core.safe_markdown import LIGHT_CODE, render_markdown
from bedrock_chat.core.transcript import stat_number

_STYLE = """
body { font: 15px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #f6f7f9;
       margin: 0; }
main { max-width: 820px; margin: 0 auto; padding: 32px 24px 64px; }
h1.title { font-size: 26px; margin: 0 0 4px; }
.meta { color: #6b7280; font-size: 13px; margin-bottom: 28px; }
.message { background: #fff; border: 1px solid #e5e7eb; border-radius: 10px; padding: 14px 18px; margin: 14px 0; }
.message.user { background: #eef4ff; border-color: #d6e4ff; }
.who { font-weight: 600; font-size: 13px; color: #047857; margin-bottom: 6px; }
.user .who { color: #1a56db; }
.who span { color: #6b7280; font-weight: 400; }
.note { color: #b45309; font-size: 13px; }
.stats { color: #6b7280; font-size: 12px; margin-top: 8px; }
details { color: #6b7280; margin-bottom: 8px; }
pre { overflow-x: auto; margin: 0; }
table { border-collapse: collapse; margin: 10px 0; }
td, th { border: 1px solid #d0d7de; padding: 4px 8px; }
a[href^="copy-code:"] { display: none; }
.attachments { display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 8px; }
.attachment { font-size: 12px; color: #374151; background: #f3f4f6; border-radius: 6px; padding: 4px 8px; margin: 0; }
.attachment img { display: block; max-width: 160px; max-height: 120px; }
"""


def _when(timestamp: str) -> str:
    """``2026-11-25T20:01:20.702Z`` as ``2026-11-25 20:01 UTC``."""
    return html.escape(f"{timestamp[:10]} {timestamp[11:16]} UTC" if len(timestamp) >= 16 else timestamp)


def to_html(conversation: Conversation) -> str:
    title = html.escape(conversation.title)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        # Model output is untrusted: the page may load nothing and run nothing, wherever it is opened.
        # Attachments' pictures are embedded as data: images, the one kind of source the policy lets in.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline';"
        " img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title><style>{_STYLE}</style></head><body><main>",
        f'<h1 class="title">{title}</h1>',
        f'<div class="meta">Started {_when(conversation.created_at)} · {len(conversation.messages)} messages'
        " · exported from bedrock-chat</div>",
    ]
    for message in conversation.messages:
        role = "user" if message.role == Role.USER else "assistant"
        who = "You" if message.role == Role.USER else f"Assistant · {html.escape(message.model_id or '')}"
        if message.alternative:
            who += " · alternative answer (not kept)"
        parts.append(f'<section class="message {role}"><div class="who">{who} '
                     f"<span>{_when(message.created_at)}</span></div>")
        if message.role == Role.USER:
            parts.append(html_block(message.attachments))
            parts.append(f"<p>{html.escape(message.text).replace(chr(10), '<br>')}</p>")
        else:
            if message.reasoning:
                parts.append(f"<details><summary>Reasoning</summary><p>{html.escape(message.reasoning)}</p></details>")
            parts.append(render_markdown(message.text, LIGHT_CODE).html)
            if message.state != MessageState.COMPLETE:
                note = f"Reply {message.state.value}" + (f": {message.error}" if message.error else "")
                parts.append(f'<p class="note">{html.escape(note)}</p>')
            # Statistics come from files too: only numbers are shown, and escaped like everything else.
            if stat_number(message.stats, "outputTokens") is not None:
                figures = (stat_number(message.stats, key) for key in ("inputTokens", "outputTokens", "latencyMs"))
                tokens_in, tokens_out, latency = (html.escape(str(value)) for value in figures)
                parts.append(f'<div class="stats">{tokens_in} in · {tokens_out} out tokens · {latency} ms</div>')
        parts.append("</section>")
    parts.append("</main></body></html>\n")
    return "\n".join(parts)

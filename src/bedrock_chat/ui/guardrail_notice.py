"""The card under a reply the guardrail blocked: that it intervened, which policy matched, in prompt or reply.

Its words come from the message's statistics, which may come from a database or an imported file: every value
is checked for type and escaped here.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bedrock_chat.ui.message_html import Palette

MAX_FINDINGS = 8


def guardrail_lines(stats: dict[str, object]) -> tuple[str, list[str]] | None:
    """(headline, findings) when the reply was stopped or changed by a guardrail, else None."""
    raw_action, raw_findings = stats.get("guardrailAction"), stats.get("guardrailFindings")
    if raw_action is None and stats.get("stopReason") != "guardrail_intervened":
        return None
    action = raw_action.strip() if isinstance(raw_action, str) and raw_action.strip() else "The guardrail intervened."
    findings = [item for item in raw_findings if isinstance(item, str)][:MAX_FINDINGS] \
        if isinstance(raw_findings, list) else []
    return action, findings


def guardrail_html(stats: dict[str, object], colors: Palette) -> str:
    lines = guardrail_lines(stats)
    if lines is None:
        return ""
    action, findings = lines
    items = "".join(f"<li>{html.escape(finding)}</li>" for finding in findings)
    listing = f"<ul style='margin:2px 0'>{items}</ul>" if items else (
        "<br>Turn the guardrail's trace on to see which policy matched.")
    return (f'<table width="100%" cellpadding="8" bgcolor="{colors.error_background}"><tr><td>'
            f'<span style="color:{colors.error_foreground}"><b>⚠ Blocked by your guardrail</b> — '
            f'{html.escape(action)}</span>{listing}'
            '<span style="font-size:small">The reply above is the guardrail\'s message, not the model\'s. '
            'Rephrase the prompt, or change the guardrail in the parameter panel.</span></td></tr></table>')

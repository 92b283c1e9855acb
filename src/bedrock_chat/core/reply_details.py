"""What a reply keeps beyond its text: signed reasoning blocks, a guardrail's intervention, how it was served."""

from __future__ import annotations

from bedrock_chat.core.conversation import Message
from bedrock_chat.core.events import GuardrailIntervened, ReasoningComplete, RequestServed
from bedrock_chat.core.stats import ReplyStats


def apply_detail(reply: Message, stats: ReplyStats, detail: object) -> None:
    """Blocks go with the message (sent back on later turns); the rest goes into its statistics."""
    if isinstance(detail, ReasoningComplete):
        reply.reasoning_blocks.append(detail.block)
    elif isinstance(detail, GuardrailIntervened):
        stats.guardrail = detail
    elif isinstance(detail, RequestServed):
        stats.served = detail

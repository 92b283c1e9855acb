"""The input-token and cost estimate shown beside the prompt before sending."""

from __future__ import annotations

from dataclasses import dataclass

from bedrock_chat.core.catalog import Pricing
from bedrock_chat.core.conversation import Role
from bedrock_chat.core.number_format import usd

CHARS_PER_TOKEN = 4  # a fair average for English prose across the families' tokenizers


def rough_tokens(history: list[tuple[Role, str]], system: str) -> int:
    chars = len(system) + sum(len(text) for _, text in history)
    return -(-chars // CHARS_PER_TOKEN)  # rounded up: an empty prompt is 0, one character is a token


@dataclass(frozen=True)
class TokenEstimate:
    tokens: int
    exact: bool  # counted by Bedrock (CountTokens) rather than estimated from characters
    cost: float | None  # of the input alone, at the model's on-demand price
    note: str = ""  # why it is an estimate, or who counted it

    @property
    def label(self) -> str:
        approx = "" if self.exact else "≈ "
        text = f"{approx}{self.tokens:,} tokens in"
        if self.cost is not None:
            text += f" · {approx}{usd(self.cost)}"
        return text


def estimate(tokens: int, exact: bool, pricing: Pricing | None, note: str = "") -> TokenEstimate:
    cost = pricing.cost(tokens, 0) if pricing is not None else None
    return TokenEstimate(tokens, exact, cost, note)

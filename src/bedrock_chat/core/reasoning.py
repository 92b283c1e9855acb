"""Reasoning blocks as the model signed them, kept with the reply and sent back unchanged on later turns.

Multi-turn extended thinking breaks when a client drops or edits a block's signature, so a block is stored
whole: its text and signature exactly as they arrived, or the opaque (base64) payload of a redacted block.
A reply stopped before its reasoning was signed keeps the text for reading but has no block to send back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MIN_THINKING_BUDGET = 1024


@dataclass(frozen=True)
class ReasoningBlock:
    text: str = ""
    signature: str | None = None
    redacted: str | None = None  # base64 of the encrypted reasoning Bedrock sent instead of text

    def to_dict(self) -> dict[str, Any]:
        if self.redacted is not None:
            return {"redactedContent": self.redacted}
        return {"text": self.text, "signature": self.signature}

    @classmethod
    def from_dict(cls, data: Any) -> ReasoningBlock | None:
        """None for anything that is not a block we wrote (the database is outside input)."""
        if not isinstance(data, dict):
            return None
        redacted = data.get("redactedContent")
        if isinstance(redacted, str):
            # Converse sends it back as the decoded bytes: a payload that is not base64 would fail every later
            # turn of the conversation, so it is not a block (an import says so; a damaged row loses it).
            return cls(redacted=redacted) if _is_base64(redacted) else None
        text, signature = data.get("text"), data.get("signature")
        if isinstance(text, str) and isinstance(signature, str | None):
            return cls(text=text, signature=signature)
        return None


# Base64's alphabet, its padding optional (a native ``data`` string is passed on as it came, so it is not held to
# padding; Converse's bytes are padded by base64.b64encode here).
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


def _is_base64(text: str) -> bool:
    return _BASE64.fullmatch(text) is not None and len(text.rstrip("=")) % 4 != 1


@dataclass(frozen=True)
class ReasoningSignature:
    """The stream closed the current reasoning block with this signature."""

    signature: str


@dataclass(frozen=True)
class RedactedReasoning:
    """A reasoning block whose text Bedrock encrypted; ``data`` is base64, returned as is."""

    data: str


def blocks_to_list(blocks: list[ReasoningBlock]) -> list[dict[str, Any]]:
    return [block.to_dict() for block in blocks]


def blocks_from_list(data: Any) -> list[ReasoningBlock]:
    if not isinstance(data, list):
        return []
    return [block for block in (ReasoningBlock.from_dict(item) for item in data) if block is not None]


class ReasoningAssembler:
    """Follows a reply's events in order and yields each reasoning block once it is complete (signed or redacted).

    Text that never got its signature (a stopped or failed reply) stays unsent: Bedrock rejects unsigned thinking.
    """

    def __init__(self) -> None:
        self._text: list[str] = []

    def add_text(self, text: str) -> None:
        self._text.append(text)

    def sign(self, signature: str) -> ReasoningBlock:
        block = ReasoningBlock(text="".join(self._text), signature=signature)
        self._text.clear()
        return block

    @staticmethod
    def redacted(data: str) -> ReasoningBlock:
        return ReasoningBlock(redacted=data)

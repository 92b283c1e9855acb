"""Compare mode without Qt: what each column asks (a model and parameter overrides), the figures of its stats row,
and keeping one answer of a compare turn as the conversation's reply while the others stay as alternatives."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from typing import Any

from bedrock_chat.core.catalog import Pricing
from bedrock_chat.core.conversation import Conversation, Message, new_id
from bedrock_chat.core.number_format import usd
from bedrock_chat.core.params import GenerationParams
from bedrock_chat.core.stats import ReplyStats

MIN_COLUMNS, MAX_COLUMNS = 2, 3
MAX_SYSTEM_PROMPT_CHARS = 20_000  # settings are untrusted: a value beyond this is ignored, not loaded
DASH = "—"


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a compare: its model and the parameters that differ from the ones set for that model.

    ``None`` means "as set" (the model's saved parameters, or its defaults)."""

    model_id: str
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    system_prompt: str | None = None

    def apply(self, base: GenerationParams) -> GenerationParams:
        """The parameters this column sends: ``base`` with the overrides (the caller clamps to the model)."""
        changes: dict[str, Any] = {}
        if self.temperature is not None:
            changes["temperature"] = self.temperature
        if self.top_p is not None:
            changes["top_p"] = self.top_p
        if self.max_tokens is not None:
            changes["max_tokens"] = self.max_tokens
        if self.system_prompt is not None:
            changes["system_prompt"] = self.system_prompt
        return replace(base, **changes)

    def describe(self) -> str:
        """The overrides in a few words, for the stats table ("" when there are none)."""
        parts = []
        if self.temperature is not None:
            parts.append(f"temperature {self.temperature:g}")
        if self.top_p is not None:
            parts.append(f"top P {self.top_p:g}")
        if self.max_tokens is not None:
            parts.append(f"max {self.max_tokens:,} tokens")
        if self.system_prompt is not None:
            parts.append("own system prompt")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model_id, "temperature": self.temperature, "topP": self.top_p,
                "maxTokens": self.max_tokens, "systemPrompt": self.system_prompt}

    @classmethod
    def from_dict(cls, data: object) -> ColumnSpec | None:
        """A column from the settings file, or None when it is not one (a damaged or hand-edited file)."""
        if not isinstance(data, dict):
            return None
        model = data.get("model")
        if not isinstance(model, str) or not model or len(model) > 1000:
            return None
        system = data.get("systemPrompt")
        if not isinstance(system, str) or len(system) > MAX_SYSTEM_PROMPT_CHARS:
            system = None
        return cls(model, _number(data.get("temperature"), 0.0, 2.0), _number(data.get("topP"), 0.0, 1.0),
                   _whole(data.get("maxTokens")), system)


def _number(value: object, low: float, high: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value) if low <= value <= high else None


def _whole(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 1 <= value <= 1_000_000 else None


def columns_to_json(columns: list[ColumnSpec]) -> str:
    return json.dumps([column.to_dict() for column in columns[:MAX_COLUMNS]])


def columns_from_json(raw: str | None) -> list[ColumnSpec]:
    """The remembered columns (at most three); anything unreadable is dropped, never an exception."""
    if not raw:
        return []
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return []
    if not isinstance(data, list):
        return []
    columns = [ColumnSpec.from_dict(item) for item in data[:MAX_COLUMNS]]
    return [column for column in columns if column is not None]


# -- the stats table ------------------------------------------------------------------------------------

STATS_HEADERS = ("Column", "Time to first token", "Tokens/s", "Tokens (in / out)", "Cost", "Stop reason")


def stats_cells(stats: ReplyStats, pricing: Pricing | None, now: float, ended: bool) -> tuple[str, ...]:
    """A column's figures as the table shows them (all but its name), live while it streams."""
    ttft = stats.time_to_first_token_ms
    speed = stats.output_tokens_per_second(now)
    usage = stats.usage
    tokens_in = DASH if usage.input_tokens is None else f"{usage.input_tokens:,}"
    tokens_out = usage.output_tokens if usage.output_tokens is not None else None
    out = f"{tokens_out:,}" if tokens_out is not None else (f"~{round(stats.output_chars / 4):,}"
                                                            if stats.output_chars else DASH)
    cost = stats.cost(pricing)
    if stats.stop_reason is not None:
        stop = stats.stop_reason.label
    else:
        stop = "ended" if ended else ("streaming…" if stats.first_token_at is not None else "waiting…")
    return (DASH if ttft is None else f"{ttft:,} ms", DASH if speed is None else f"{speed:,.1f}",
            f"{tokens_in} / {out}", DASH if cost is None else usd(cost), stop)


# -- the answers of a compare turn in the conversation ------------------------------------------------------

def new_group() -> str:
    return new_id()


def group_answers(conversation: Conversation, group: str) -> list[Message]:
    return [message for message in conversation.messages if message.compare_group == group]


def kept_answer(conversation: Conversation, group: str) -> Message | None:
    return next((message for message in group_answers(conversation, group) if not message.alternative), None)


def keep_answer(conversation: Conversation, message_id: str) -> list[Message]:
    """Makes this answer its compare turn's reply (the one later turns send back); the turn's other answers
    become alternatives. Returns the answers whose flag changed, for saving; [] when the id is not an answer."""
    chosen = next((m for m in conversation.messages if m.id == message_id and m.compare_group), None)
    if chosen is None:
        return []
    changed = []
    for message in group_answers(conversation, chosen.compare_group or ""):
        alternative = message is not chosen
        if message.alternative != alternative:
            message.alternative = alternative
            changed.append(message)
    return changed

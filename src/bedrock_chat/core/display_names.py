"""How models and times are named for people: short model names, local times, and a model's capabilities.

``us.anthropic.claude-3-7-sonnet-20250219-v1:0`` is what a request needs; a person reads "Claude 3.7 Sonnet".
Times are stored in UTC and shown in the local time zone. Pure functions, no Qt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from bedrock_chat.core.catalog import base_model_id, pricing_for
from bedrock_chat.resource_files import model_catalog_data

_DATE_STAMP = re.compile(r"-(19|20)\d{6}")  # -20250219
_VERSION = re.compile(r"-v\d+(:\d+)?$|:\d+$")  # -v1:0, :0


def _entry(model_id: str) -> dict[str, object]:
    base = base_model_id(model_id)
    return next((entry for entry in model_catalog_data()["models"] if entry.get("modelId") == base), {})


def short_model_name(model_id: str | None) -> str:
    """The catalog's name for the model a request named (through any profile or ARN); else a shortened id."""
    if not model_id:
        return "Assistant"
    name = _entry(model_id).get("modelName")
    if isinstance(name, str) and name:
        return name
    base = base_model_id(model_id)
    if "/" in base:  # an ARN whose last part is not a model id (an application profile's own id)
        base = base.rsplit("/", 1)[-1]
    short = _VERSION.sub("", _DATE_STAMP.sub("", base.split(".", 1)[-1]))
    return short or base


def local_time(stamp: str | None, now: datetime | None = None, zone: tzinfo | None = None) -> str:
    """A stored UTC time as the local wall clock: "14:05" today, "Yesterday 14:05", "3 Mar 14:05" before,
    with the year when it is not this year. Text that is not a time shows nothing (it came from a file)."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        return ""
    try:
        moment = moment.astimezone(zone)
    except OverflowError:  # year 1 west of UTC, year 9999 east of it: past the calendar's ends
        return ""
    today = (now or datetime.now(moment.tzinfo)).astimezone(moment.tzinfo).date()
    clock = moment.strftime("%H:%M")
    if moment.date() == today:
        return clock
    if moment.date() == today - timedelta(days=1):
        return f"Yesterday {clock}"
    if moment.year == today.year:
        return f"{moment.day} {moment.strftime('%b')} {clock}"
    return f"{moment.day} {moment.strftime('%b')} {moment.year} {clock}"


@dataclass(frozen=True)
class ModelFacts:
    """What the model picker shows about a model beside its name."""

    context_tokens: int | None
    vision: bool
    reasoning: bool
    input_per_million: float | None
    output_per_million: float | None


def model_facts(model_id: str) -> ModelFacts:
    entry = _entry(model_id)
    context = entry.get("contextWindow")
    modalities = entry.get("inputModalities")
    pricing = pricing_for(model_id)
    return ModelFacts(
        context_tokens=context if isinstance(context, int) and not isinstance(context, bool) else None,
        vision=isinstance(modalities, list) and "IMAGE" in modalities,
        reasoning=entry.get("reasoning") is True,
        input_per_million=pricing.input_per_1k * 1000 if pricing else None,
        output_per_million=pricing.output_per_1k * 1000 if pricing else None,
    )

"""Short model names, local times and the facts the model picker shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from bedrock_chat.core.display_names import local_time, model_facts, short_model_name

KATHMANDU = timezone(timedelta(hours=5, minutes=45))


def test_short_names_come_from_the_catalog_through_any_profile_or_arn():
    assert short_model_name("us.anthropic.claude-3-7-sonnet-20250219-v1:0") == "Claude 3.7 Sonnet"
    assert short_model_name("anthropic.claude-3-7-sonnet-20250219-v1:0") == "Claude 3.7 Sonnet"
    arn = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0"
    assert short_model_name(arn) == "Nova Micro"


def test_unknown_ids_are_shortened_never_empty():
    assert short_model_name("acme.super-chat-20250101-v2:0") == "super-chat"
    assert short_model_name("eu.acme.thing:3") == "thing"
    assert short_model_name("arn:aws:bedrock:us-east-1:123:application-inference-profile/abc") == "abc"
    assert short_model_name(None) == "Assistant" and short_model_name("") == "Assistant"


def test_local_times_today_yesterday_and_before():
    now = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    assert local_time("2026-03-05T10:00:00.000Z", now, KATHMANDU) == "15:45"
    assert local_time("2026-03-04T10:00:00.000Z", now, KATHMANDU) == "Yesterday 15:45"
    assert local_time("2026-02-01T10:00:00.000Z", now, KATHMANDU) == "1 Feb 15:45"
    assert local_time("2025-02-01T10:00:00Z", now, KATHMANDU) == "1 Feb 2025 15:45"


def test_text_that_is_not_a_time_shows_nothing():
    for stamp in ("", None, "yesterday", '"><img src=x>', "2026-03-05T10:00:00"):  # the last has no zone
        assert local_time(stamp) == ""


def test_model_facts():
    claude = model_facts("us.anthropic.claude-3-7-sonnet-20250219-v1:0")
    assert claude.vision and claude.reasoning and claude.context_tokens and claude.context_tokens >= 200_000
    assert claude.input_per_million is not None and claude.input_per_million > 0
    unknown = model_facts("acme.unknown-v1:0")
    assert unknown.context_tokens is None and not unknown.vision and unknown.input_per_million is None

"""One picker entry per model, and which id a request uses for it."""

from __future__ import annotations

from bedrock_chat.core.catalog import bundled_catalog, custom_model
from bedrock_chat.ui import icons
from bedrock_chat.ui.message_html import stats_line
from bedrock_chat.ui.model_choices import exact_model, group_models


def test_profiles_fold_into_their_model_and_on_demand_ids_come_first():
    models = bundled_catalog("us-east-1")
    choices = group_models(models)
    assert len(choices) < len(models)
    assert len({choice.key for choice in choices}) == len(choices)
    nova = next(choice for choice in choices if choice.name == "Nova Micro")
    assert {model.invoke_id for model in nova.variants} == {"amazon.nova-micro-v1:0", "us.amazon.nova-micro-v1:0"}
    assert nova.preferred(None, "us-east-1").invoke_id == "amazon.nova-micro-v1:0"
    profile = next(model for model in nova.variants if model.invoke_id.startswith("us."))
    assert nova.preferred(profile, "us-east-1") is profile  # the id in use stays
    sonnet = next(choice for choice in choices if choice.name == "Claude 3.7 Sonnet")
    assert sonnet.preferred(None, "us-east-1").invoke_id == "us.anthropic.claude-3-7-sonnet-20250219-v1:0"
    assert "us.anthropic.claude-3-7-sonnet-20250219-v1:0" in sonnet.tooltip
    providers = [choice.provider for choice in choices]
    assert providers == sorted(providers, key=providers.index)  # grouped: each provider's models together


def test_badges_read_as_people_write_them():
    choices = {choice.name: choice for choice in group_models(bundled_catalog("us-east-1"))}
    assert choices["Titan Text G1 - Express"].badges[0] == "8k context"  # 8,192, not "8.2k"
    assert choices["Claude 3.7 Sonnet"].badges == ("200k context", "Vision", "Reasoning", "$3.00 / $15.00 per 1M")
    assert "$0.035 / $0.14 per 1M" in choices["Nova Micro"].badges


def test_an_application_profile_is_its_own_entry_and_exact_ids_win():
    arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/team-a"
    app = custom_model(arn, "anthropic.claude-3-5-haiku-20241022-v1:0", "team-a")
    models = [*bundled_catalog("us-east-1"), app]
    choices = group_models(models)
    assert any(choice.variants == (app,) for choice in choices)
    assert exact_model(f"  {arn} ", models) is app
    assert exact_model("claude", models) is None
    assert next(choice for choice in choices if choice.variants == (app,)).matches(["team-a"])


def test_stats_line_reads_ttft_speed_tokens_cost():
    stats = {"timeToFirstTokenMs": 1220, "outputTokensPerSecond": 45.25, "inputTokens": 1200, "outputTokens": 340,
             "latencyMs": 5000}
    line = stats_line(stats, "amazon.nova-micro-v1:0")
    assert line.startswith("TTFT 1.22 s · 45.2 tok/s · 1,200 in · 340 out tokens · $")
    assert "latencyMs" not in line
    assert stats_line({"latencyMs": "12; drop"}, None) == ""


def test_every_bundled_icon_draws():
    for name in icons.NAMES:
        image = icons.image(name, "#ff0000", 24)
        painted = [image.pixelColor(x, y).alpha() for x in range(24) for y in range(24)]
        assert max(painted) > 0, name

"""The catalog's per-request feature flags and cache-aware prices."""

from __future__ import annotations

from bedrock_chat.core.catalog import Pricing, model_info
from bedrock_chat.core.model_features import ModelFeatures, features_from_entry


def test_absent_flags_mean_off() -> None:
    assert features_from_entry({}) == ModelFeatures()
    assert not ModelFeatures().reasoning_adjustable


def test_malformed_flags_count_as_absent() -> None:
    features = features_from_entry({"reasoningControl": "turbo", "promptCaching": "yes", "cacheMinTokens": -3,
                                    "serviceTiers": "priority", "reasoningEfforts": ["low", 3]})
    assert features == ModelFeatures(reasoning_efforts=("low",))


def test_bundled_models_carry_their_flags() -> None:
    sonnet = model_info("us.anthropic.claude-3-7-sonnet-20250219-v1:0").features
    assert sonnet.reasoning_control == "budget" and sonnet.prompt_caching and sonnet.cache_min_tokens == 1024
    assert sonnet.count_tokens and sonnet.guardrails and not sonnet.latency_optimized
    assert model_info("deepseek.r1-v1:0").features.reasoning_control == "always"
    assert model_info("amazon.nova-pro-v1:0").features.latency_optimized
    assert "priority" in model_info("amazon.nova-lite-v1:0").features.service_tiers
    assert model_info("meta.llama3-8b-instruct-v1:0").features.prompt_caching is False


def test_cached_tokens_are_billed_at_their_own_rates() -> None:
    pricing = Pricing(0.003, 0.015, cache_read_per_1k=0.0003, cache_write_per_1k=0.00375)
    assert pricing.cost(1000, 1000) == 0.018
    assert round(pricing.cost(100, 0, cache_read_tokens=2000), 7) == round(0.0003 + 0.0006, 7)
    assert round(pricing.cost(0, 0, cache_write_tokens=2000), 7) == 0.0075
    # A model without cache prices bills cached tokens as plain input.
    assert round(Pricing(0.001, 0.002).cost(0, 0, cache_read_tokens=1000), 7) == 0.001
    sonnet = model_info("anthropic.claude-3-7-sonnet-20250219-v1:0").pricing
    assert sonnet is not None and sonnet.cache_read_per_1k == 0.0003 and sonnet.cache_write_per_1k == 0.00375

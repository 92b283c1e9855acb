"""The one number format every panel uses: separators, ms/s, $ with precision that fits the amount."""

from __future__ import annotations

import pytest

from bedrock_chat.core import number_format as fmt


@pytest.mark.parametrize(("value", "text"), [(None, "—"), (0, "0"), (1220, "1,220"), (1234567, "1,234,567")])
def test_count_has_thousands_separators(value: int | None, text: str) -> None:
    assert fmt.count(value) == text


@pytest.mark.parametrize(("value", "text"), [(950, "950"), (1000, "1k"), (1234, "1.2k"), (9960, "10k"),
                                             (34567, "35k"), (999_999, "1M"), (1_500_000, "1.5M")])
def test_compact_count_stays_short(value: int, text: str) -> None:
    assert fmt.compact_count(value) == text


@pytest.mark.parametrize(("value", "text"), [(None, "—"), (0, "0 ms"), (820, "820 ms"), (999.4, "999 ms"),
                                             (1220, "1.22 s"), (12345, "12.3 s"), (125_000, "2 min 05 s")])
def test_durations_switch_from_ms_to_s(value: float | None, text: str) -> None:
    assert fmt.duration_ms(value) == text


@pytest.mark.parametrize(("value", "text"), [(None, "—"), (0, "$0.00"), (12.345, "$12.35"), (1234.5, "$1,234.50"),
                                             (0.5, "$0.50"), (0.0123, "$0.0123"), (0.00042, "$0.00042"),
                                             (0.005, "$0.005"), (0.0000001, "<$0.000001")])
def test_prices_keep_two_significant_digits_below_a_cent(value: float | None, text: str) -> None:
    assert fmt.usd(value) == text


def test_speed_and_tokens_carry_their_units() -> None:
    assert fmt.speed(42.123) == "42.1 tok/s"
    assert fmt.speed(123.4) == "123 tok/s"
    assert fmt.speed(None) == "—"
    assert fmt.tokens(1) == "1 token"
    assert fmt.tokens(2048) == "2,048 tokens"

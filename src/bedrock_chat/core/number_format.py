"""One way to write the numbers the window shows: token counts, durations, speeds and prices.

The stats panel, the compact stats line under each reply and the session totals all format through here, so the
same quantity never reads "1220 ms" in one place and "1.22 s" in another. Pure functions, no Qt.
"""

from __future__ import annotations

EMPTY = "—"
"""What a value that is not known (yet) shows as."""


def count(value: int | None) -> str:
    """A whole number with thousands separators: 12,345."""
    return EMPTY if value is None else f"{value:,}"


def compact_count(value: int | None) -> str:
    """A count short enough for a one-line summary: 950, 1.2k, 34k, 1.5M."""
    if value is None:
        return EMPTY
    if abs(value) < 1000:
        return str(value)
    text = ""
    for divisor, suffix in ((1e3, "k"), (1e6, "M"), (1e9, "B")):
        scaled = value / divisor
        # One decimal while it still says something (1.2k), none once the number is large (34k).
        text = f"{scaled:.1f}" if abs(scaled) < 9.95 else f"{scaled:.0f}"
        text = text.removesuffix(".0") + suffix
        if abs(round(scaled)) < 1000:
            break
    return text


def tokens(value: int | None) -> str:
    """A token count with its unit: 1 token, 1,234 tokens."""
    if value is None:
        return EMPTY
    return "1 token" if value == 1 else f"{value:,} tokens"


def duration_ms(value: float | None) -> str:
    """A duration given in milliseconds: 820 ms below a second, 1.22 s / 12.3 s / 2 min 05 s above."""
    if value is None:
        return EMPTY
    ms = max(0.0, float(value))
    if ms < 1000:
        return f"{round(ms):,} ms"
    seconds = ms / 1000
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes:,} min {rest:02d} s"


def speed(tokens_per_second: float | None) -> str:
    """Output speed: 42.1 tok/s (no decimal from 100 up)."""
    if tokens_per_second is None:
        return EMPTY
    if tokens_per_second >= 100:
        return f"{tokens_per_second:,.0f} tok/s"
    return f"{tokens_per_second:,.1f} tok/s"


def _trim(text: str, keep: int = 2) -> str:
    """Drops trailing zeros after the point but keeps ``keep`` decimals: 0.5000 -> 0.50, 0.0120 -> 0.012."""
    whole, _, decimals = text.partition(".")
    decimals = decimals.rstrip("0")
    return f"{whole}.{decimals.ljust(keep, '0')}"


def usd(value: float | None) -> str:
    """A price in US dollars with precision that fits its size: $12.35, $0.0123, $0.50, $0.00042, $0.00."""
    if value is None:
        return EMPTY
    sign = "-" if value < 0 else ""
    amount = abs(value)
    if amount == 0:
        return "$0.00"
    if amount >= 1:
        return f"{sign}${amount:,.2f}"
    if amount >= 0.01:
        return f"{sign}${_trim(f'{amount:.4f}')}"
    if amount < 0.000001:
        return f"{sign}<$0.000001"
    # Two significant digits: a reply costing a fraction of a cent still shows what it cost.
    decimals = 2
    while amount * 10**decimals < 10:
        decimals += 1
    return f"{sign}${_trim(f'{amount:.{decimals}f}')}"

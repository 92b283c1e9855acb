"""Conversation headings by local day: Pinned, Today, Yesterday, Previous 7 days, Older."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from bedrock_chat.core.history_groups import OLDER, PINNED, TODAY, WEEK, YESTERDAY, date_group

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _ago(**delta: float) -> str:
    return (NOW - timedelta(**delta)).isoformat()


def test_days_are_counted_in_local_time() -> None:
    assert date_group(_ago(hours=1), now=NOW, zone=UTC) == TODAY
    assert date_group(_ago(days=1), now=NOW, zone=UTC) == YESTERDAY
    assert date_group(_ago(days=3), now=NOW, zone=UTC) == WEEK
    assert date_group(_ago(days=7), now=NOW, zone=UTC) == WEEK
    assert date_group(_ago(days=8), now=NOW, zone=UTC) == OLDER
    # It is 04:00 on the 10th in New York (UTC-5): 06:00 UTC was today there, 04:00 UTC (23:00) yesterday.
    new_york = timezone(timedelta(hours=-5))
    assert date_group(_ago(hours=3), now=NOW, zone=new_york) == TODAY
    assert date_group(_ago(hours=5), now=NOW, zone=new_york) == YESTERDAY
    assert date_group("2026-03-09T23:30:00+00:00", now=NOW, zone=timezone(timedelta(hours=2))) == TODAY
    assert date_group("2026-03-09T21:30:00+00:00", now=NOW, zone=timezone(timedelta(hours=2))) == YESTERDAY


def test_pinned_wins_and_unreadable_times_are_older() -> None:
    assert date_group(_ago(hours=1), pinned=True, now=NOW) == PINNED
    assert date_group("not a time", now=NOW) == OLDER
    assert date_group(None, now=NOW) == OLDER
    assert date_group("2026-03-10T08:00:00", now=NOW) == OLDER  # no zone: cannot be placed

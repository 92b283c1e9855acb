"""Which heading a conversation falls under in the list: Pinned, Today, Yesterday, Previous 7 days or Older,
by its last change in local time. Pure functions, no Qt."""

from __future__ import annotations

from datetime import datetime, tzinfo

PINNED, TODAY, YESTERDAY, WEEK, OLDER = "Pinned", "Today", "Yesterday", "Previous 7 days", "Older"


def date_group(stamp: str | None, pinned: bool = False, now: datetime | None = None,
               zone: tzinfo | None = None) -> str:
    """The heading for a stored UTC time; a time that cannot be read (it came from a file) counts as Older."""
    if pinned:
        return PINNED
    try:
        moment = datetime.fromisoformat((stamp or "").replace("Z", "+00:00"))
    except ValueError:
        return OLDER
    if moment.tzinfo is None:
        return OLDER
    try:
        moment = moment.astimezone(zone)
    except OverflowError:  # year 1 west of UTC, year 9999 east of it: past the calendar's ends
        return OLDER
    today = (now or datetime.now(moment.tzinfo)).astimezone(moment.tzinfo).date()
    days = (today - moment.date()).days
    if days <= 0:
        return TODAY
    if days == 1:
        return YESTERDAY
    if days <= 7:
        return WEEK
    return OLDER

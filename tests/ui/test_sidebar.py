"""The conversation list: one elided title line and a muted model · time line per conversation, headings for
Pinned/Today/Yesterday/Previous 7 days/Older drawn above groups, and the keyboard still moves row by row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from bedrock_chat.core.store_reading import ConversationSummary
from bedrock_chat.ui.sidebar import Sidebar
from bedrock_chat.ui.sidebar_delegate import GROUP_ROLE

LONG = "A very long conversation title that would once have wrapped over four or five lines of the list"


def _summary(number: int, days_ago: float, pinned: bool = False, title: str | None = None) -> ConversationSummary:
    stamp = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()
    return ConversationSummary(f"c{number}", title or f"Conversation {number}", stamp, stamp, pinned,
                               "us.anthropic.claude-3-7-sonnet-20250219-v1:0", 4)


def _earlier_today() -> float:
    """Days ago of a moment between local midnight and now: 14 minutes ago was yesterday at 00:05."""
    now = datetime.now().astimezone()
    since_midnight = now - now.replace(hour=0, minute=0, second=0, microsecond=0)
    return since_midnight / timedelta(days=1) / 2


def test_rows_are_two_short_lines_under_day_headings(qtbot):
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.resize(240, 600)
    sidebar.show()
    summaries = [_summary(0, 30, pinned=True), _summary(1, 0, title=LONG), _summary(2, _earlier_today()),
                 _summary(3, 1), _summary(4, 4), _summary(5, 40)]
    sidebar.show_conversations(summaries, "c2")
    rows = sidebar.list
    headings = [rows.item(i).data(GROUP_ROLE) for i in range(rows.count())]
    assert headings == ["Pinned", "Today", None, "Yesterday", "Previous 7 days", "Older"]
    title, second = rows.item(1).text().split("\n")
    assert title == LONG and second.startswith("Claude 3.7 Sonnet · ")  # short name, local time
    assert "UTC" not in second and "anthropic" not in second
    line = QFontMetrics(rows.font()).height()
    plain = rows.visualItemRect(rows.item(2)).height()  # no heading: just the two lines
    assert plain < 3 * line
    assert rows.visualItemRect(rows.item(1)).height() > plain  # the heading adds its own space
    assert rows.visualItemRect(rows.item(1)).width() <= rows.viewport().width()  # elided, never wider

    chosen: list[str] = []
    sidebar.conversation_chosen.connect(chosen.append)
    rows.setFocus()
    assert rows.currentRow() == 2
    qtbot.keyClick(rows, Qt.Key.Key_Down)
    assert rows.currentRow() == 3  # onto the next conversation: headings are not rows
    qtbot.keyClick(rows, Qt.Key.Key_Return)
    assert chosen == ["c3"]


def test_a_title_with_line_breaks_stays_on_one_line(qtbot):
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.show_conversations([_summary(1, 0, title="first line\nsecond line\n<b>third</b>")], None)
    title, second = sidebar.list.item(0).text().split("\n")
    assert title == "first line second line <b>third</b>" and "·" in second

"""Times from an imported file may be any valid ISO time, such as year 1 or year 9999: shown in a time zone that
takes them past the calendar's ends, the conversation list still draws (the time is left out, the row counted
as Older)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from tests.ui.menu_helpers import import_through_menu


@pytest.fixture
def west_of_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "EST5")  # a POSIX rule: no time zone database needed
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def east_of_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "AST-5")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _import(qtbot, window, monkeypatch, tmp_path, stamp: str):  # type: ignore[no-untyped-def]
    document = {"format": "bedrock-chat.transcript", "version": 1,
                "conversation": {"id": "far", "title": "from the edge of time", "createdAt": stamp,
                                 "messages": [{"role": "user", "text": "when is this?", "createdAt": stamp}]}}
    path = tmp_path / "far.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return import_through_menu(qtbot, window, monkeypatch, [path])


@pytest.mark.parametrize(("zone", "stamp"), [("west_of_utc", "0001-01-01T00:00:00Z"),
                                             ("east_of_utc", "9999-12-31T23:59:59Z")])
def test_a_time_at_the_calendars_end_still_lists_the_conversation(qtbot, make_window, local_server, tmp_path,
                                                                  monkeypatch, request, zone, stamp) -> None:  # type: ignore[no-untyped-def]
    request.getfixturevalue(zone)
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    report = _import(qtbot, window, monkeypatch, tmp_path, stamp)
    assert len(report.imported) == 1, report.errors
    rows = [window.sidebar.list.item(i).text() for i in range(window.sidebar.list.count())]
    assert any(row.startswith("from the edge of time") for row in rows), rows
    assert "when is this?" in window.chat.toPlainText()

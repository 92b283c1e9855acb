"""The conversation menu offers Pin or Unpin from whether the conversation is pinned, not from how its row reads:
a title that starts with the pin mark (★) is still a conversation the person can pin."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from tests.ui.conftest import send_prompt
from tests.ui.menu_helpers import save_through_menu


def test_a_title_starting_with_a_star_can_still_be_pinned(qtbot, make_window, local_server, tmp_path,
                                                          monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    send_prompt(qtbot, window, "a conversation to keep at hand")
    sidebar = window.sidebar

    def menu_actions() -> dict[str, object]:
        item = next(sidebar.list.item(i) for i in range(sidebar.list.count())
                    if sidebar.list.item(i).data(Qt.ItemDataRole.UserRole) == window.conversation.id)
        menu = sidebar.context_menu(item)
        assert menu is not None
        return {action.objectName(): action for action in menu.actions()}

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("★ favourites", True)))
    menu_actions()["rename"].trigger()  # type: ignore[attr-defined]
    assert window.conversation.title == "★ favourites"
    actions = menu_actions()
    assert "pin" in actions and "unpin" not in actions
    actions["pin"].trigger()  # type: ignore[attr-defined]
    assert [s.pinned for s in window.store.summaries() if s.id == window.conversation.id] == [True]
    actions = menu_actions()
    assert "unpin" in actions and "pin" not in actions
    actions["unpin"].trigger()  # type: ignore[attr-defined]
    assert [s.pinned for s in window.store.summaries() if s.id == window.conversation.id] == [False]


def test_a_transcript_saved_after_pinning_says_pinned(qtbot, make_window, local_server, tmp_path,
                                                      monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    send_prompt(qtbot, window, "a conversation to keep at hand")
    sidebar = window.sidebar
    item = next(sidebar.list.item(i) for i in range(sidebar.list.count())
                if sidebar.list.item(i).data(Qt.ItemDataRole.UserRole) == window.conversation.id)
    menu = sidebar.context_menu(item)
    assert menu is not None
    next(action for action in menu.actions() if action.objectName() == "pin").trigger()
    path = tmp_path / "pinned.json"
    save_through_menu(qtbot, window, monkeypatch, path)
    assert json.loads(path.read_text(encoding="utf-8"))["conversation"]["pinned"] is True

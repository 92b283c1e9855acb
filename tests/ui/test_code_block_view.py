"""A code block in the conversation as a person meets it: its Copy action is the bundled copy icon (muted, lit
under the mouse, with its tooltip), a click copies the block, and a table below the block keeps its distance."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextTable

from bedrock_chat.core.safe_markdown import COPY_TITLE
from bedrock_chat.ui.rich_text import link_token
from tests.ui.conftest import send_prompt
from tests.ui.test_cards import _icon_point, _tooltip_at


def test_code_copy_is_an_icon_that_copies_the_block_and_a_table_keeps_its_distance(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    reply = send_prompt(qtbot, window, "what is capital of Nepal")
    chat = window.chat
    found = re.search(r"```[^\n]*\n(.*?)```", reply.text, re.DOTALL)
    assert found is not None, reply.text
    code = found.group(1)
    assert not re.search(r"^\S*\s+Copy$", chat.toPlainText(), re.MULTILINE)  # no word link in the block header
    icon = f"bc-icon:copy:code-{link_token(reply.id)}-0"
    point = _icon_point(chat, icon)
    qtbot.mouseMove(chat.viewport(), point)
    qtbot.waitUntil(lambda: chat.cards.hovered_icon == icon, timeout=3000)
    assert COPY_TITLE in _tooltip_at(chat, point)
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(chat.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == code, timeout=3000)
    assert "characters of code" in window.statusBar().currentMessage()

    # The reply's table follows its code block: apart in both themes (they touched in the dark one).
    for theme in ("view.theme_dark", "view.theme_light"):
        window.action_by_id[theme].trigger()
        tables = [frame for frame in chat.document().rootFrame().childFrames() if isinstance(frame, QTextTable)]
        assert len(tables) == 2  # the prompt's card, then the reply's table
        assert tables[1].format().topMargin() >= 8

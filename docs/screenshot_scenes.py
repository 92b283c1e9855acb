"""The scenes docs/make_screenshots.py takes at each window size and theme, driven as a person drives the app:
prompts typed and sent, the model picked in the picker by typing, a search typed in the sidebar and a hit clicked.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter
from PySide6.QtTest import QTest

OUT = Path(__file__).resolve().parent / "screenshots"
CODE_AND_TABLE = "what is capital of Nepal"
THINKING = "Plan a three-day trip to Kyoto"
FAILING = "Summarise this report [fault:throttle]"


def wait(app: Any, condition: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the window")
        app.processEvents()
        time.sleep(0.01)


def settle(app: Any, seconds: float) -> None:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        app.processEvents()
        time.sleep(0.01)


def _send(app: Any, window: Any, text: str, finished: list[Any]) -> None:
    count = len(finished)
    window.prompt.setPlainText(text)
    window.send_button.click()
    wait(app, lambda: len(finished) > count and not window.chat.rendering)
    settle(app, 0.3)


def _pick_model(app: Any, window: Any, typed: str) -> None:
    picker = window.model_picker
    QTest.mouseClick(picker, Qt.MouseButton.LeftButton)
    wait(app, picker.popup.isVisible)
    QTest.keyClicks(picker.popup.filter, typed)
    QTest.keyClick(picker.popup.filter, Qt.Key.Key_Return)
    settle(app, 0.2)


def _with_popup(window: Any, popup: Any) -> Any:
    """The window with its popup drawn where it is on screen (a popup is a window of its own)."""
    shot = window.grab()
    painter = QPainter(shot)
    painter.drawPixmap(popup.mapToGlobal(QPoint(0, 0)) - window.mapToGlobal(QPoint(0, 0)), popup.grab())
    painter.end()
    return shot


def scene_shots(app: Any, create_window: Any, home: Path, size: tuple[int, int], theme: str) -> list[Path]:
    width, height = size
    data = home / f"scenes-{width}x{height}-{theme}"
    window = create_window(["--offline", "--data-dir", str(data), "--tokens-per-second", "60"])
    window.set_theme(theme, save=False)
    window.resize(width, height)
    window.show()
    wait(app, lambda: bool(window.models))
    settle(app, 0.5)
    written: list[Path] = []

    def save(scene: str, shot: Any = None) -> None:
        path = OUT / f"{scene}-{width}x{height}-{theme}.png"
        (shot or window.grab()).save(str(path))
        written.append(path)

    finished: list[Any] = []
    window.reply_finished.connect(finished.append)
    save("empty")

    # A reply streaming: taken once its code block and table are on screen, before it ends.
    window.prompt.setPlainText(CODE_AND_TABLE)
    window.send_button.click()
    # Taken once the table's rows have arrived and are shown rendered, while the reply goes on.
    wait(app, lambda: window.turns.reply is not None and "| Max tokens" in window.turns.reply.text
         and "Max tokens" in window.chat.toPlainText() and "| Max tokens" not in window.chat.toPlainText())
    save("streaming")
    wait(app, lambda: bool(finished) and not window.chat.rendering)

    # A thinking reply, its reasoning opened.
    window.new_conversation()
    _pick_model(app, window, "3.7 sonnet")
    window.parameters.max_tokens.set_value(4000)
    window.parameters.reasoning.setChecked(True)
    _send(app, window, THINKING, finished)
    reply = finished[-1]
    window.chat.scroll_to_message(reply.id)
    settle(app, 0.2)
    toggle = window.chat.document().find("Reasoning (")
    if not toggle.isNull():
        rect = window.chat.cursorRect(toggle)
        QTest.mouseClick(window.chat.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() - 4,
                                                                                       rect.center().y()))
        settle(app, 0.3)
    save("thinking")

    # An error: the endpoint throttles the request.
    window.new_conversation()
    _pick_model(app, window, "nova micro")
    _send(app, window, FAILING, finished)
    save("error")

    # A search for a word in the first conversation, its hit clicked.
    QTest.keyClicks(window.sidebar.search, "Kathmandu")
    wait(app, lambda: "match" in window.sidebar.caption.text())
    item = window.sidebar.list.item(0)
    QTest.mouseClick(window.sidebar.list.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.sidebar.list.visualItemRect(item).center())
    settle(app, 0.4)
    save("search")
    window.sidebar.search.clear()
    settle(app, 0.3)

    # The model picker, open: every provider's models with their badges.
    QTest.mouseClick(window.model_picker, Qt.MouseButton.LeftButton)
    wait(app, window.model_picker.popup.isVisible)
    settle(app, 0.3)
    save("model-picker", _with_popup(window, window.model_picker.popup))
    window.model_picker.popup.hide()
    window.close()
    settle(app, 0.2)
    return written

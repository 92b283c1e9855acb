"""Fixtures that build the real main window, wired to a local endpoint, with its own data folder."""

from __future__ import annotations

import itertools
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication

from bedrock_chat.app import create_window


@pytest.fixture
def make_window(qtbot: Any, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    # Held weakly: a test may close a window and check that nothing keeps it (tests/ui/test_window_lifetime.py).
    windows: list[weakref.ref[Any]] = []

    def build(url: str, *extra: str, data_dir: Path | None = None, wait_for_models: bool = True) -> Any:
        window = create_window(["--offline", "--endpoint-url", url, "--data-dir", str(data_dir or tmp_path), *extra])
        qtbot.addWidget(window)
        window.show()
        if wait_for_models:
            qtbot.waitUntil(lambda: bool(window.models) and window.send_button is not None, timeout=15000)
            wait_for_turn_host()
        windows.append(weakref.ref(window))
        return window

    yield build
    for held in windows:
        window = held()
        if window is not None and shiboken6.isValid(window):
            window.close()


def wait_for_turn_host() -> None:
    """Turns go to the turn host process once it is ready (before, they run on a thread of this process, as with
    BEDROCK_CHAT_TURN_PROCESS=0); window tests wait for it so they prove the path a person's turns take."""
    from bedrock_chat.bedrock import turn_host

    if turn_host.enabled():
        assert turn_host.wait_until_ready(60) is not None, "the turn host did not start"


def send_prompt(qtbot: Any, window: Any, text: str, timeout: int = 15000) -> Any:
    """Types a prompt, clicks Send and waits until the reply ends in any way and is shown as a person sees it
    (text that arrived faster than it could be rendered finishes rendering a few frames later); returns it."""
    window.prompt.setPlainText(text)
    with qtbot.waitSignal(window.reply_finished, timeout=timeout) as blocker:
        window.send_button.click()
    qtbot.waitUntil(lambda: not window.chat.rendering, timeout=timeout)
    return blocker.args[0]


def install_fake_aws_cli(tmp_path: Path, env: pytest.MonkeyPatch) -> Path:
    """Puts an `aws` first on PATH that records its arguments; returns the file they are written to."""
    import os
    import stat

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "aws-args.txt"
    fake_aws = bin_dir / "aws"
    fake_aws.write_text(f"#!/bin/sh\necho \"$@\" > '{record}'\n")
    fake_aws.chmod(fake_aws.stat().st_mode | stat.S_IEXEC)
    env.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return record


def choose_model(qtbot: Any, window: Any, typed: str) -> None:
    """Picks a model as a person does: clicks the model button, types in the popup's filter, presses Enter.
    ``typed`` is a name to filter by (the first match is picked) or an exact model id / profile id / ARN."""
    choose_in(qtbot, window.model_picker, typed)


def choose_in(qtbot: Any, picker: Any, typed: str) -> None:
    """The same through any model picker (the toolbar's or a compare column's)."""
    from PySide6.QtCore import Qt

    qtbot.mouseClick(picker, Qt.MouseButton.LeftButton)
    popup = picker.popup
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClicks(popup.filter, typed)
    qtbot.keyClick(popup.filter, Qt.Key.Key_Return)
    assert not popup.isVisible()


def foreign_images(document: str) -> list[str]:
    """Images in the conversation's HTML other than its own action icons (``bc-icon:`` images drawn from the
    bundled SVGs); crafted text or an id that became an image would show here."""
    import re

    tags = re.findall(r"<img\b[^>]*>", document)
    return [tag for tag in tags if not re.fullmatch(r'<img src="bc-icon:[a-z-]+:[^"<>]*"[^<>]*>', tag)]


def shown_request(window: Any) -> str:
    """The Request tab's text as a person reads it: the tab brought to the front, the pending rebuild done."""
    window.body.side_panel.tabs.setCurrentWidget(window.preview_pane)
    QApplication.processEvents()
    window._preview_timer.timeout.emit()
    return str(window.preview.toPlainText())


def wait_until_opened(qtbot: Any, window: Any, timeout: int = 15000) -> None:
    """A conversation chosen (sidebar, search hit, undo, duplicate, import) is read on a worker: waits until the
    read ended and its result is on screen, or its failure said. A duplicate is first written on a worker."""
    history = window.history
    qtbot.waitUntil(lambda: not history.duplicator.running and not history.loader.loading, timeout=timeout)


class GuiHeartbeat:
    """A 20 ms timer on the GUI thread, running once started: ``stop()`` gives the longest the thread went without
    running it (a timer that keeps ticking proves the window stayed responsive)."""

    def __init__(self, qtbot: Any, parent: Any) -> None:
        from PySide6.QtCore import QTimer

        self._ticks: list[float] = []
        self._timer = QTimer(parent)
        self._timer.setInterval(20)
        self._timer.timeout.connect(lambda: self._ticks.append(time.monotonic()))
        self._timer.start()
        qtbot.waitUntil(lambda: len(self._ticks) >= 2)

    def stop(self) -> float:
        self._ticks.append(time.monotonic())
        self._timer.stop()
        return max(later - earlier for earlier, later in itertools.pairwise(self._ticks))

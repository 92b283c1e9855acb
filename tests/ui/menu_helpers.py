"""Driving the window through its menus as a person does: the real QAction, with its dialog answered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog


def import_through_menu(qtbot: Any, window: Any, monkeypatch: Any, paths: list[Path], timeout: int = 60000) -> Any:
    """File › Import transcripts… (Ctrl+O) with the file dialog answered; returns the ``ImportReport``."""
    asked: list[str] = []

    def answer(parent: Any, caption: str, *args: Any, **kwargs: Any) -> tuple[list[str], str]:
        asked.append(caption)
        return [str(path) for path in paths], "JSON transcript (*.json)"

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(answer))
    action = window.action_by_id["file.import"]
    with qtbot.waitSignal(window.importer.finished, timeout=timeout) as blocker:
        action.trigger()
    assert asked == ["Import transcripts"]
    return blocker.args[0]

"""Driving the window through its menus as a person does: the real QAction, with its dialog answered."""

from __future__ import annotations

import json
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
    qtbot.waitUntil(lambda: not window.history.loader.loading, timeout=timeout)  # the last one imported opens
    assert asked == ["Import transcripts"]
    return blocker.args[0]


def export_all_through_menu(qtbot: Any, window: Any, monkeypatch: Any, folder: Path, timeout: int = 60000) -> Any:
    """File › Export all conversations… with the folder dialog answered; returns the ``ExportReport``."""
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(folder)))
    with qtbot.waitSignal(window.exporter.finished, timeout=timeout) as blocker:
        window.action_by_id["file.export_all"].trigger()
    return blocker.args[0]


def save_through_menu(qtbot: Any, window: Any, monkeypatch: Any, path: Path, chosen: str = "",
                      timeout: int = 60000) -> Any:
    """File › Save transcript… (the conversation on screen) with the save dialog answered; the ``ExportReport``."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(path), chosen)))
    with qtbot.waitSignal(window.exporter.finished, timeout=timeout) as blocker:
        window.action_by_id["file.save"].trigger()
    return blocker.args[0]


def wait_for_attachments(qtbot: Any, window: Any, timeout: int = 20000) -> None:
    """Files offered (the Attach dialog answered, a drop, a paste) are read on a worker: wait until the tray has
    them, or says why not."""
    qtbot.waitUntil(lambda: not window.attachment_intake.busy, timeout=timeout)


def same_title_transcripts(folder: Path) -> list[Path]:
    """Two transcripts of conversations both titled "Weekly sync", whose ids share their first 8 characters."""
    sources = []
    for number in (1, 2):
        crafted = {"format": "bedrock-chat.transcript", "version": 1,
                   "conversation": {"id": f"weekly-sync-{number}", "title": "Weekly sync",
                                    "createdAt": "2026-11-25T19:37:01.123Z",
                                    "messages": [{"role": "user", "text": f"agenda of week {number}",
                                                  "createdAt": "2026-11-25T19:37:02Z"}]}}
        sources.append(folder / f"week {number}.json")
        sources[-1].write_text(json.dumps(crafted), encoding="utf-8")
    return sources

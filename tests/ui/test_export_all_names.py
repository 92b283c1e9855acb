"""File › Export all names each file from the conversation's title and id, and an id comes from an imported file:
whatever it holds, every file is written inside the chosen folder."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QFileDialog

from tests.ui.menu_helpers import import_through_menu


def test_export_all_keeps_every_file_in_the_chosen_folder(qtbot, make_window, local_server, tmp_path,
                                                           monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    crafted = {"format": "bedrock-chat.transcript", "version": 1,
               "conversation": {"id": "/../../x", "title": "climbing out", "createdAt": "2026-11-25T19:37:01.123Z",
                                "messages": [{"role": "user", "text": "hello", "createdAt": "2026-11-25T19:37:02Z"}]}}
    source = tmp_path / "crafted.json"
    source.write_text(json.dumps(crafted), encoding="utf-8")
    report = import_through_menu(qtbot, window, monkeypatch, [source])
    assert len(report.imported) == 1

    chosen = tmp_path / "out" / "exports"
    chosen.mkdir(parents=True)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(chosen)))
    with qtbot.waitSignal(window.exporter.finished, timeout=20000):
        window.action_by_id["file.export_all"].trigger()
    written = [path for path in tmp_path.rglob("*.json") if path != source]
    assert written, "nothing was exported"
    for path in written:
        assert path.parent == chosen, path
    assert any("hello" in path.read_text(encoding="utf-8") for path in written)

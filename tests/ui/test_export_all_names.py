"""File › Export all names each file from the conversation's title and id, and an id comes from an imported file:
whatever it holds, every file is written inside the chosen folder."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QFileDialog

from tests.ui.menu_helpers import export_all_through_menu, import_through_menu, same_title_transcripts


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


def test_export_all_writes_one_file_per_conversation_when_two_would_share_a_name(qtbot, make_window, local_server,
                                                                                  tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Two imported conversations with the same title whose ids begin alike ("weekly-sync-1", "weekly-sync-2",
    a script's naming) were both named "Weekly sync-weekly-s.json": the second overwrote the first, and the
    status still said two were exported."""
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    sources = same_title_transcripts(tmp_path)
    report = import_through_menu(qtbot, window, monkeypatch, sources)
    assert len(report.imported) == 2

    chosen = tmp_path / "exports"
    chosen.mkdir()
    exported = export_all_through_menu(qtbot, window, monkeypatch, chosen)
    files = sorted(chosen.glob("*.json"))
    assert len(files) == 2, files
    assert len(set(exported.written)) == 2
    texts = [path.read_text(encoding="utf-8") for path in files]
    assert sorted("agenda of week 1" in text for text in texts) == [False, True]
    assert sorted("agenda of week 2" in text for text in texts) == [False, True]

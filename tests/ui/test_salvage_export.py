"""“Export what can be read” from the storage problem notice: the transcripts it writes carry the attachments,
signed reasoning, compare answers and pins the damaged history held, and the notice names each file lost."""

from __future__ import annotations

import base64

from PySide6.QtWidgets import QFileDialog

from bedrock_chat.core.history_open import DATABASE_NAME
from bedrock_chat.core.transcript import from_json
from tests.salvage_history import DAMAGED_BLOB, LOST_BLOB, history_with_everything


def test_export_what_can_be_read_keeps_the_attachments(qtbot, make_window, local_server, tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    history = history_with_everything(data / DATABASE_NAME)
    window = make_window(local_server.url, data_dir=data)
    assert window.storage.banner.isVisible() and window.storage.export_button.isVisible()

    out = tmp_path / "rescued"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(out))
    with qtbot.waitSignal(window.storage.salvage_finished, timeout=20000):
        window.storage.export_button.click()

    files = {path: path.read_text(encoding="utf-8") for path in out.glob("*.json")}
    exported = {c.id: c for c in map(from_json, files.values())}
    assert set(exported) == set(history.saved)
    saved = history.saved[history.pinned_id]
    assert exported[history.pinned_id].messages[0].attachments == saved.messages[0].attachments
    assert len(saved.messages[0].attachments) == 3
    staged = saved.messages[0].attachments[1]
    assert any(base64.b64encode(staged.data).decode("ascii") in text for text in files.values())
    assert exported[history.pinned_id].pinned
    assert exported[history.pinned_id].messages[1].reasoning_blocks == saved.messages[1].reasoning_blocks
    assert exported[history.compare_id].messages == history.saved[history.compare_id].messages
    shown = window.storage.text.text()
    assert "Exported 3 readable conversations" in shown
    assert f"attachment {LOST_BLOB} of message 1 could not be read" in shown
    assert f"attachment {DAMAGED_BLOB} of message 1 could not be read" in shown

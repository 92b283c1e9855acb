"""The parts split out of the main window work on their own, without a window around them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from bedrock_chat.core.conversation import Conversation, Role
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.ui.conversation_session import ConversationSession
from bedrock_chat.ui.save_tracker import SaveTracker
from bedrock_chat.ui.turn_controller import TurnController


@pytest.fixture
def session(qtbot: Any, tmp_path: Path) -> Any:
    parent = QWidget()
    qtbot.addWidget(parent)
    store = ConversationStore(tmp_path / "history.db")
    conversation = Conversation()
    made = ConversationSession(conversation, SaveTracker(store, parent), TurnController(parent), parent)
    yield made, store
    store.close()


def test_session_saves_shows_and_switches_without_a_window(qtbot: Any, session: Any) -> None:
    made, store = session
    message = made.conversation.add_user_message("hello")
    made.store_message(message)
    assert [m.text for m in store.load(made.conversation.id).messages] == ["hello"]

    other = Conversation()
    assert made.can_switch()
    with qtbot.waitSignal(made.switched) as switched:
        made.show(other)
    assert switched.args[0] is made.conversation
    assert made.conversation.id == other.id


def test_session_writes_a_transcript_and_says_so(qtbot: Any, session: Any, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    made, _ = session
    made.conversation.add_user_message("hello")
    target = tmp_path / "out.json"
    with qtbot.waitSignal(made.status_changed) as status:
        made.write_transcript(target)
    assert status.args == [f"Saved {target}", 6000]
    assert "hello" in json.dumps(json.loads(target.read_text(encoding="utf-8")))

    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: warnings.append(box.text()) or QMessageBox.StandardButton.Ok)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    made.write_transcript(blocker / "out.json")  # a file where the folder should be: the write fails
    assert warnings and "Could not write" in warnings[0]


def test_session_copies_the_last_reply(qtbot: Any, session: Any) -> None:
    made, _ = session
    made.conversation.add_user_message("question")
    reply = made.conversation.start_reply("model", "converse", {})
    reply.text = "the answer"
    assert reply.role == Role.ASSISTANT
    with qtbot.waitSignal(made.status_changed):
        made.copy_last_reply()
    assert QApplication.clipboard().text() == "the answer"


class _Source:
    """What a request is made of besides the parameters, as ``RequestSource`` asks: no window needed."""

    def __init__(self, model: Any) -> None:
        self.conversation = Conversation()
        self.model = model

    def current_model(self) -> Any:
        return self.model


def test_request_preview_keeps_parameters_per_model_and_shows_the_body(qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QPlainTextEdit

    from bedrock_chat.core.catalog import bundled_catalog
    from bedrock_chat.ui.param_panel import ParameterPanel
    from bedrock_chat.ui.prompt_editor import PromptEditor
    from bedrock_chat.ui.request_preview import RequestPreview
    from bedrock_chat.ui.settings_store import SettingsStore

    model = bundled_catalog("us-east-1")[0]
    parameters, prompt, preview = ParameterPanel(), PromptEditor(), QPlainTextEdit()
    for widget in (parameters, prompt, preview):
        qtbot.addWidget(widget)
    settings = SettingsStore(tmp_path)
    source = _Source(None)
    requests = RequestPreview(source, parameters, prompt, preview, settings)
    preview.show()  # the preview is rebuilt while it is on screen (and when it comes back on screen)
    qtbot.waitUntil(preview.isVisible)
    requests.timer.timeout.emit()
    assert preview.toPlainText() == "Choose a model to see the request body."

    source.model = model
    requests.show_model(model)
    parameters.max_tokens.set_value(77)  # a person moves the slider: kept for this model
    assert settings.params_for(model.invoke_id).max_tokens == 77
    prompt.setPlainText("what is 2+2?")
    assert requests.timer.isActive()  # typing schedules a rebuild instead of rebuilding per keystroke
    requests.timer.timeout.emit()
    header, body = preview.toPlainText().split("\n", 1)
    assert model.invoke_id in header
    assert "what is 2+2?" in body and "77" in body

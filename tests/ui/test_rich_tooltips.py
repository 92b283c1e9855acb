"""Qt shows a tooltip as rich text when it looks like HTML (loading its images), so every tooltip that quotes a
model name from the network or a model id from the database must show it as text, whatever it holds."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QEvent
from PySide6.QtGui import QHelpEvent, Qt, QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from bedrock_chat.core.conversation import Conversation, Message, Role
from tests.file_watch import watched_image
from tests.ui.conftest import choose_model, wait_until_opened

NOVA = "amazon.nova-micro-v1:0"  # no extended thinking, no CountTokens: its tooltips say so by name


def _shown(tip: str) -> str:
    """The text a person reads in this tooltip: Qt's own rule (Qt::mightBeRichText) picks rich or plain."""
    document = QTextDocument()
    if Qt.mightBeRichText(tip):
        document.setHtml(tip)
    else:
        document.setPlainText(tip)
    return document.toPlainText()


def test_a_model_name_from_the_network_stays_text_in_every_tooltip(qtbot, make_window, tmp_path, monkeypatch):
    from bedrock_chat.local_endpoint import LocalBedrockServer, ServerOptions
    from bedrock_chat.local_endpoint import catalog as served

    watched = tmp_path / "watched-name.png"
    watch = watched_image(watched)
    payload = f'<img src="{watched.as_uri()}"><b>Evil</b> Micro'
    load = served._load
    # ListFoundationModels answers this modelName, as a compromised proxy or endpoint could.
    monkeypatch.setattr(served, "_load", lambda: {key: dataclasses.replace(model, name=payload) if key == NOVA
                                                  else model for key, model in load().items()})
    with LocalBedrockServer(ServerOptions(tokens_per_second=0, first_token_delay=0)) as server:
        window = make_window(server.url)
        choose_model(qtbot, window, NOVA)
        assert window.current_model().name == payload
        window.prompt.setPlainText("How many tokens is this?")
        label = window.body.chat_column.token_estimate
        qtbot.waitUntil(lambda: "Evil" in label.toolTip(), timeout=5000)
        tips = {widget.accessibleName() or type(widget).__name__: widget.toolTip()
                for widget in window.findChildren(QWidget) if "Evil" in widget.toolTip()}
        # The token estimate, Extended thinking, caching, latency, tier and guardrail all name the model.
        assert len(tips) >= 4, tips
        wrong = {name: _shown(tip) for name, tip in tips.items() if payload not in _shown(tip)}
        assert wrong == {}
        QToolTip.showText(label.mapToGlobal(label.rect().center()), label.toolTip(), label)
        qtbot.wait(50)
        assert watch.events() == []
        assert payload in QToolTip.text() or payload in _shown(QToolTip.text())
        QToolTip.hideText()
        window.close()
    watch.close()


def test_a_model_id_from_the_database_stays_text_in_the_chat_tooltip(qtbot, make_window, local_server, tmp_path):
    """The reply's header names its model and shows the whole id on hover (a ``title``): hovering it must not
    render the id as HTML."""
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    watched = tmp_path / "watched-id.png"
    watch = watched_image(watched)
    payload = f'<img src="{watched.as_uri()}"><b>Evil</b>'
    crafted = Conversation(title="model id from elsewhere")
    crafted.messages = [Message(Role.USER, "hello", id="u-1"),
                        Message(Role.ASSISTANT, "hi", id="a-1", model_id=payload)]
    window.store.save_conversation(crafted)
    window.history.refresh_sidebar()
    item = next(window.sidebar.list.item(i) for i in range(window.sidebar.list.count())
                if window.sidebar.list.item(i).text().startswith("model id from elsewhere"))
    window.sidebar.list.itemClicked.emit(item)  # a click on the conversation in the list
    wait_until_opened(qtbot, window)
    assert window.conversation.id == crafted.id
    qtbot.waitExposed(window.chat)
    document = window.chat.document()
    cursor = QTextCursor(document)
    position = next(p for p in range(document.characterCount())
                    if (cursor.setPosition(p + 1), "Evil" in cursor.charFormat().toolTip())[1])
    cursor.setPosition(position + 1)
    tip = cursor.charFormat().toolTip()
    assert payload in _shown(tip), tip
    # Hovering the model's name: the chat view shows that tooltip itself.
    window.chat.ensureCursorVisible()
    window.chat.setTextCursor(cursor)
    window.chat.ensureCursorVisible()
    viewport = window.chat.viewport()
    point = window.chat.cursorRect(cursor).center()
    point.setX(point.x() - 2)
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point)))
    qtbot.wait(50)
    assert QToolTip.isVisible() and payload in _shown(QToolTip.text())
    assert watch.events() == []
    QToolTip.hideText()
    watch.close()


def _tooltip_fragments(document: QTextDocument) -> list[tuple[int, str]]:
    """(position, tooltip) of every run of text in the document that has a tooltip."""
    found = []
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.isValid() and fragment.charFormat().toolTip():
                found.append((fragment.position(), fragment.charFormat().toolTip()))
            it += 1
        block = block.next()
    return found


def test_a_link_title_in_a_reply_never_becomes_a_rich_tooltip(qtbot, make_window, local_server, tmp_path):
    """Markdown gives a link a title (``[text](url "title")``) that the view shows on hover: from a model's reply,
    it must never render as HTML loading a local image."""
    from tests.ui.conftest import send_prompt

    window = make_window(local_server.url)
    watched = tmp_path / "watched-title.png"
    watch = watched_image(watched)
    payload = f"<img src={watched.as_uri()}> <b>Evil</b>"
    reply = send_prompt(qtbot, window, f'[echo] see [the docs](https://example.com/docs "{payload}") now')
    assert "the docs" in reply.text
    window.chat.render_all()  # as a conversation opened later is drawn, not only as it streamed
    qtbot.waitExposed(window.chat)
    tips = _tooltip_fragments(window.chat.document())
    rich = [tip for _, tip in tips if Qt.mightBeRichText(tip) and "Evil" in tip and payload not in _shown(tip)]
    assert rich == []
    document = window.chat.document()  # the reply's link, after the prompt (shown as typed, no link)
    anchor = document.find("the docs", document.characterCount(), QTextDocument.FindFlag.FindBackward)
    assert anchor.charFormat().isAnchor()
    # Hovering the link: the view shows its tooltip, if it has one, as text, and reads no file.
    viewport = window.chat.viewport()
    window.chat.setTextCursor(anchor)
    window.chat.ensureCursorVisible()
    point = window.chat.cursorRect(anchor).center()
    point.setX(point.x() - 4)
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point)))
    qtbot.wait(50)
    assert watch.events() == []
    QToolTip.hideText()
    watch.close()

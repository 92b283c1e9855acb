"""Every hard shape of reply, streamed through the real window, ends exactly as a whole render shows it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication

from tests.ui.conftest import send_prompt

# Sizes past the point where a block is cut into pieces (core/markdown_blocks.LONG_BLOCK), kept small for speed.
SHAPES = {
    "code": "[shape:code:150]",
    "paragraph": "[shape:paragraph:1500]",
    "table": "[shape:table:150]",
    "nested": "[shape:nested:150]",
    "nospace": "[shape:nospace:8000]",
    "prose": "Write at length [tokens:3000]",
}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()]


def _blocks(document) -> list[tuple[str, bool, bool, float, float]]:
    """Each block's text, list and table membership and spacing: the structure a reader sees."""
    blocks, block = [], document.begin()
    while block.isValid():
        form = block.blockFormat()
        in_table = document.frameAt(block.position()) is not document.rootFrame() if hasattr(document, "frameAt") \
            else False
        blocks.append((block.text().strip(), block.textList() is not None, in_table, form.topMargin(),
                       form.bottomMargin()))
        block = block.next()
    return blocks


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_reply_shape_streams_to_the_blocks_of_a_whole_render(qtbot, make_window, local_server, shape):
    window = make_window(local_server.url)
    window.parameters.max_tokens.set_value(8000)
    reply = send_prompt(qtbot, window, f"Show it {SHAPES[shape]}", timeout=60000)  # waits for rendering too
    assert reply.state.value == "complete", reply.error
    assert len(reply.text) > 3000
    streamed_text = _lines(window.chat.toPlainText())
    streamed = _blocks(window.chat.document())
    window.chat.render_all()
    assert streamed == _blocks(window.chat.document())
    assert streamed_text == _lines(window.chat.toPlainText())
    # Nothing of the reply is missing or left as Markdown source.
    shown = "\n".join(streamed_text)
    assert reply.text.split()[-1] in shown and "```" not in shown and "|---" not in shown


def test_a_long_code_block_is_copied_whole(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    window.parameters.max_tokens.set_value(8000)
    reply = send_prompt(qtbot, window, "Show it [shape:code:150]", timeout=60000)
    window.chat._on_anchor(QUrl(f"copy-code:{reply.id}:0"))
    copied = QGuiApplication.clipboard().text()
    assert copied.count("\n") == 151 and copied.startswith("def run():")


def _unbroken(text: str) -> str:
    """Plain text waiting to be rendered gets extra line breaks in long lines (ui/plain_tail.py)."""
    return text.replace("\n", "")


@pytest.mark.parametrize("shape", ["code", "paragraph", "table", "nested", "nospace"])
def test_while_streaming_the_unsettled_text_is_shown_plain_once_at_the_end(qtbot, shape):
    """Through the chat view's streaming interface (the window drains text into ``append_reply`` each frame)."""
    from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role
    from bedrock_chat.local_endpoint.shapes import shaped_answer
    from bedrock_chat.ui.chat_view import ChatView

    view = ChatView()
    qtbot.addWidget(view)
    conversation = Conversation(title="shapes", messages=[Message(Role.USER, "show it")])
    view.set_conversation(conversation)
    reply = Message(Role.ASSISTANT, "", model_id="m")
    conversation.messages.append(reply)
    view.begin_reply(reply)
    text = shaped_answer(SHAPES[shape]) or ""
    rendered_while_streaming = 0
    for start in range(0, len(text), 701):
        piece = text[start:start + 701]
        reply.text += piece
        view.append_reply("", piece)
        streaming = view._streaming
        assert streaming is not None
        assert _unbroken(view.toPlainText()).endswith(_unbroken(reply.text[streaming.rendered_chars:])), start
        # Between frames the view renders what its budget left over.
        qtbot.waitUntil(lambda streaming=streaming: not streaming.has_queued, timeout=5000)
        assert _unbroken(view.toPlainText()).endswith(_unbroken(reply.text[streaming.rendered_chars:])), start
        rendered_while_streaming = streaming.rendered_chars
    assert rendered_while_streaming > len(text) // 2  # pieces of the long block were rendered as they settled
    reply.state = MessageState.COMPLETE
    view.finish_reply(reply)
    qtbot.waitUntil(lambda: not view.rendering, timeout=10000)
    finished = _blocks(view.document())
    view.render_all()
    assert finished == _blocks(view.document())


def test_a_reply_that_outran_rendering_settles_with_its_status_and_a_new_prompt_goes_after_it(qtbot):
    """Text that arrived faster than it could be rendered is complete at once, rendered over the next frames;
    a prompt sent meanwhile finishes that first, so nothing lands inside the reply."""
    from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role
    from bedrock_chat.local_endpoint.shapes import shaped_answer
    from bedrock_chat.ui.chat_view import ChatView

    view = ChatView()
    qtbot.addWidget(view)
    conversation = Conversation(title="shapes", messages=[Message(Role.USER, "show it")])
    view.set_conversation(conversation)
    reply = Message(Role.ASSISTANT, "", model_id="m", state=MessageState.STOPPED)
    conversation.messages.append(reply)
    view.begin_reply(reply)
    reply.text = shaped_answer("[shape:table:600]") or ""
    view.append_reply("", reply.text)  # all at once: far more than one frame's rendering
    view.finish_reply(reply)
    assert view.rendering and "Row" in view.toPlainText()
    prompt = Message(Role.USER, "next question")
    conversation.messages.append(prompt)
    view.append_message(prompt)
    assert not view.rendering
    shown = view.toPlainText()
    assert shown.index("End of table.") < shown.index("Stopped by you") < shown.index("next question")
    assert "|---" not in shown

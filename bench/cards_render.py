"""What the message cards cost: a whole render of a conversation (switching to it, changing the theme, opening
a Reasoning toggle) and the redraw when the mouse moves onto an action icon.

Prints one JSON object, in GUI-thread CPU milliseconds (median of runs): render_ms for conversations of 10, 60
and 200 messages (a conversation shows its latest 60 at first), each reply with Markdown, a code block and a table;
hover_ms (the mouse moving onto a Copy icon and off it again, repaint included); resize_ms (a width change
re-centring the reading column). ``--quick``: one run of the small sizes only (CI).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QTextCursor
from PySide6.QtWidgets import QApplication

from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role
from bedrock_chat.ui.chat_view import ChatView
from bedrock_chat.ui.rich_text import link_token

REPLY = ("The capital of Nepal is **Kathmandu**.\n\n## Key points\n\n- one\n- two\n- three\n\n"
         "```python\ndef answer(question: str) -> str:\n    return question.strip()\n```\n\n"
         "| Setting | Value |\n|---|---|\n| Model | nova |\n| Temperature | 0.7 |\n")
STATS = {"inputTokens": 12, "outputTokens": 345, "timeToFirstTokenMs": 820, "outputTokensPerSecond": 45.3}


def conversation(messages: int) -> Conversation:
    result = Conversation(title="bench")
    for index in range(messages // 2):
        result.messages.append(Message(Role.USER, f"question {index}: what is the capital of Nepal?"))
        result.messages.append(Message(Role.ASSISTANT, REPLY, model_id="us.anthropic.claude-3-7-sonnet-20250219-v1:0",
                                       reasoning="Let me think. " * 20, state=MessageState.COMPLETE, stats=STATS))
    return result


def timed(action, runs: int) -> float:  # type: ignore[no-untyped-def]
    """Median GUI-thread CPU time in ms: on a shared machine wall time mostly measures the other processes."""
    samples = []
    for _ in range(runs):
        start = time.thread_time()
        action()
        QApplication.processEvents()
        samples.append((time.thread_time() - start) * 1000)
    return round(statistics.median(samples), 2)


def _icon_point(view: ChatView, src: str) -> QPointF | None:
    """Where the icon ``src`` is on screen (None when the view has no such icon, as before the cards)."""
    block = view.document().begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.charFormat().isImageFormat() and fragment.charFormat().toImageFormat().name() == src:
                cursor = QTextCursor(view.document())
                cursor.setPosition(fragment.position())
                rect = view.cursorRect(cursor)
                return QPointF(rect.left() + 7, rect.center().y())
            iterator += 1
        block = block.next()
    return None


def main() -> int:
    quick = "--quick" in sys.argv
    runs = 1 if quick else 7
    app = QApplication.instance() or QApplication(sys.argv[:1])
    view = ChatView()
    view.resize(1200, 800)
    view.show()
    app.processEvents()
    render_ms = {}
    for size in (10, 60) if quick else (10, 60, 200):
        shown = conversation(size)
        render_ms[str(size)] = timed(lambda shown=shown: view.set_conversation(shown), runs)

    shown = conversation(10)
    view.set_conversation(shown)
    app.processEvents()
    reply = shown.messages[-1]
    view.scrollToAnchor(f"m-{link_token(reply.id)}")
    app.processEvents()
    target = _icon_point(view, f"bc-icon:copy:{link_token(reply.id)}")

    def hover() -> None:
        for where in (target, QPointF(2, 2)):
            event = QMouseEvent(QEvent.Type.MouseMove, where, where, Qt.MouseButton.NoButton,
                                Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
            QApplication.sendEvent(view.viewport(), event)
            view.viewport().repaint()

    hover_ms = timed(hover, runs * 3) if target is not None else None
    widths = iter([900, 1400] * (runs * 3))
    resize_ms = timed(lambda: view.resize(next(widths), 800), runs * 3)
    print(json.dumps({"render_ms": render_ms, "hover_ms": hover_ms, "resize_ms": resize_ms, "runs": runs}))
    view.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

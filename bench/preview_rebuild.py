"""The request preview rebuilt after a keystroke in a long conversation: what one rebuild costs on the GUI thread.

Builds the real request body of a conversation of N turns (Converse, through ``TurnRequest.preview``), shows it in
the real ``PreviewText`` scrolled to its end, then changes the draft prompt and times ``show_text`` (set the text,
keep the scroll, find and shade the changed lines). Prints one JSON object: lines, body_chars, and the median and
worst rebuild in ms, with ``changed_lines`` alone apart, and a switch to another conversation and back.

``--quick``: a small conversation and a few runs (CI runs it to prove the benchmark works).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from bedrock_chat.bedrock.requests import TurnRequest
from bedrock_chat.core.catalog import bundled_catalog
from bedrock_chat.core.conversation import Conversation
from bedrock_chat.core.params import GenerationParams, RequestOptions
from bedrock_chat.ui.preview_pane import PreviewText, changed_lines

PARAGRAPH = ("Streaming keeps the window responsive while the model writes; every token is appended at the end "
             "and the view re-renders only the current block. ")


def _body(conversation: Conversation, draft: str) -> str:
    model = bundled_catalog("us-east-1")[0]
    request = TurnRequest(model, conversation.history(draft=draft), GenerationParams(), RequestOptions())
    return request.preview()


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    turns, runs = (20, 5) if quick else (300, 40)
    app = QApplication.instance() or QApplication(sys.argv)
    conversation = Conversation()
    for number in range(turns):
        conversation.add_user_message(f"Question {number}: how does streaming work?")
        reply = conversation.start_reply("amazon.nova-micro-v1:0", "converse", {})
        reply.text = PARAGRAPH * 4 + f"\n\n- point {number}\n- another point\n\n```python\nprint({number})\n```"
    view = PreviewText()
    view.resize(340, 700)
    view.show()
    draft = "w"
    view.show_text(_body(conversation, draft))
    app.processEvents()  # laid out, then scrolled to the end where inferenceConfig is, as a person would
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    rebuilds, diffs = [], []
    for run in range(runs):
        old = view.toPlainText()
        draft += "abcdefghij"[run % 10]
        new = _body(conversation, draft)
        started = time.perf_counter()
        changed_lines(old, new)
        diffs.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        view.show_text(new)
        app.processEvents()
        rebuilds.append((time.perf_counter() - started) * 1000)
    body = view.toPlainText()
    other = Conversation()
    other.add_user_message("another conversation")
    started = time.perf_counter()
    view.show_text(_body(other, draft))  # a switch to a short conversation and back: whole new bodies
    view.show_text(body)
    app.processEvents()
    switch_ms = (time.perf_counter() - started) * 1000
    print(json.dumps({"turns": turns, "lines": body.count("\n") + 1, "body_chars": len(body),
                      "rebuild_ms_median": round(statistics.median(rebuilds), 2),
                      "rebuild_ms_max": round(max(rebuilds), 2),
                      "changed_lines_ms_median": round(statistics.median(diffs), 3),
                      "switch_away_and_back_ms": round(switch_ms, 1),
                      "kept_at_end": view.verticalScrollBar().value() == view.verticalScrollBar().maximum()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

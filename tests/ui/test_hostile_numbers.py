"""Numbers in a transcript or the database that no reply ever has (an integer of hundreds of digits) are refused
at import in a sentence, and one already in the database shows no figure instead of breaking the view, the
Markdown and the web-page export."""

from __future__ import annotations

import json
from pathlib import Path

from bedrock_chat.core.conversation import Conversation, Message, Role
from tests.ui.menu_helpers import import_through_menu, save_through_menu

HUGE = 10**400  # Python reads it from JSON; it is too large to become a float


def _transcript(stats: dict[str, object], parameters: dict[str, object] | None = None) -> dict[str, object]:
    reply = {"role": "assistant", "text": "an answer", "createdAt": "2026-11-25T19:37:02.000Z",
             "modelId": "amazon.nova-micro-v1:0", "stats": stats, "parameters": parameters}
    return {"format": "bedrock-chat.transcript", "version": 1,
            "conversation": {"id": "c", "title": "numbers", "createdAt": "2026-11-25T19:37:01.123Z",
                             "messages": [{"role": "user", "text": "a question",
                                           "createdAt": "2026-11-25T19:37:01.500Z"}, reply]}}


def test_a_huge_integer_in_a_transcript_is_refused_in_words(qtbot, make_window, local_server, tmp_path,
                                                            monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    files = {"stats.json": _transcript({"inputTokens": HUGE, "outputTokens": 5, "latencyMs": 10}),
             "parameters.json": _transcript({"outputTokens": 5}, {"maxTokens": -HUGE}),
             "fine.json": _transcript({"inputTokens": 2**40, "outputTokens": 5, "latencyMs": 10})}
    paths = []
    for name, document in files.items():
        path = tmp_path / name
        path.write_text(json.dumps(document), encoding="utf-8")
        paths.append(path)
    report = import_through_menu(qtbot, window, monkeypatch, paths)
    assert len(report.imported) == 1 and len(report.errors) == 2, report.errors
    for name, error in zip(("stats.json", "parameters.json"), report.errors, strict=True):
        assert error.startswith(f"{name}: Message 2") and "too large" in error, error
    qtbot.waitUntil(lambda: "an answer" in window.chat.toPlainText(), timeout=5000)
    assert "1,099,511,627,776 in · 5 out tokens" in window.chat.toPlainText()


def test_a_huge_integer_already_in_the_database_shows_no_figure(qtbot, make_window, local_server, tmp_path,
                                                                monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    crafted = Conversation(title="written elsewhere")
    crafted.messages = [Message(Role.USER, "a question"),
                        Message(Role.ASSISTANT, "an answer", model_id="amazon.nova-micro-v1:0",
                                stats={"inputTokens": HUGE, "outputTokens": HUGE, "latencyMs": HUGE,
                                       "timeToFirstTokenMs": HUGE, "outputTokensPerSecond": HUGE})]
    window.store.save_conversation(crafted)
    window.history.refresh_sidebar()
    item = next(window.sidebar.list.item(i) for i in range(window.sidebar.list.count())
                if window.sidebar.list.item(i).text().startswith("written elsewhere"))
    window.sidebar.list.itemClicked.emit(item)
    qtbot.waitUntil(lambda: "an answer" in window.chat.toPlainText(), timeout=5000)
    assert str(HUGE)[:30] not in window.chat.toPlainText()
    for suffix, kind in ((".md", "Markdown (*.md)"), (".html", "Web page (*.html)")):
        target = tmp_path / f"export{suffix}"
        report = save_through_menu(qtbot, window, monkeypatch, target, kind)  # written on a worker: waited for
        assert report.written == [target] and report.failure is None
        assert "an answer" in Path(target).read_text(encoding="utf-8")

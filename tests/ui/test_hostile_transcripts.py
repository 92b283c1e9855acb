"""A corpus of hostile and broken transcripts imported through File › Import transcripts… (the real QAction,
with the file dialog answered): nothing injected into the view or the export, no file read by the view,
nothing already stored changed, one sentence per bad file, and the good files still imported."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QFileDialog, QToolTip

from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role
from bedrock_chat.core.transcript import to_json
from tests.file_watch import FileWatch
from tests.ui.conftest import foreign_images, wait_until_opened
from tests.ui.menu_helpers import import_through_menu


def _transcript(conversation_id: str, messages: list[dict], title: str = "imported") -> dict:
    return {"format": "bedrock-chat.transcript", "version": 1,
            "conversation": {"id": conversation_id, "title": title, "createdAt": "2026-11-25T19:37:01.123Z",
                             "messages": messages}}


def _message(message_id: str, role: str, text: str, **extra: object) -> dict:
    return {"id": message_id, "role": role, "text": text, "createdAt": "2026-11-25T19:37:02.000Z", **extra}


def _write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _existing(store) -> Conversation:
    conversation = Conversation(title="mine, keep it")
    conversation.messages = [Message(Role.USER, "my own question", id="shared-1"),
                             Message(Role.ASSISTANT, "my own answer", id="shared-2", model_id="m",
                                     stats={"outputTokens": 3, "latencyMs": 10})]
    store.save_conversation(conversation)
    return conversation


def _corpus(folder: Path, watched: Path, existing: Conversation) -> tuple[list[Path], list[str]]:
    """The files to import, and the names of those that must be refused."""
    folder.mkdir()
    payload = f'x"><img src="{watched.as_uri()}"><a name="y'
    crafted = _transcript("crafted-conversation", [
        _message(payload, "user", "hello"),
        _message(f"{payload}-2", "assistant", "hi", modelId=payload, state="failed", error=payload,
                 reasoning="thinking", stats={"outputTokens": payload, "inputTokens": payload, "latencyMs": payload,
                                              "timeToFirstTokenMs": payload, "stopReason": payload}),
        _message(f"{payload}-3", "assistant", "numbers", stats={"outputTokens": 5, "inputTokens": 4,
                                                                 "latencyMs": 12}),
    ], title=payload)
    colliding = _transcript(existing.id, [_message("shared-1", "user", "REPLACED question"),
                                          _message("shared-2", "assistant", "REPLACED answer")],
                            title="colliding ids")
    duplicates = _transcript("dup-conversation", [_message("same", "user", f"duplicate {n}") for n in range(3)],
                             title="duplicate ids")
    big = Conversation(title="fifty megabytes")
    chunk = "lorem ipsum dolor sit amet " * 800  # ~21,600 characters
    for index in range(2400):
        big.messages.append(Message(Role.USER if index % 2 == 0 else Role.ASSISTANT, f"{index} {chunk}"))
    good = [_write(folder / "crafted.json", crafted), _write(folder / "colliding.json", colliding),
            _write(folder / "duplicates.json", duplicates)]
    (folder / "big.json").write_text(to_json(big), encoding="utf-8")
    valid_text = json.dumps(duplicates, ensure_ascii=False).replace("duplicate ids", "café")
    bad = {
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "surrogate.json": json.dumps(_transcript("s", [_message("a", "user", "\ud800")])),
        "array.json": "[1, 2, 3]",
    }
    for name, text in bad.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "utf16.json").write_bytes(valid_text.encode("utf-16"))
    (folder / "latin1.json").write_bytes(valid_text.encode("latin-1"))
    bad_names = [*bad, "utf16.json", "latin1.json"]
    # The crafted file comes last, so it is the conversation the window opens when the import ends.
    paths = [folder / "big.json", good[1], good[2], *(folder / name for name in bad_names), good[0]]
    return paths, bad_names


def test_hostile_corpus_through_the_import_menu(qtbot, make_window, local_server, tmp_path, monkeypatch):
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    existing = _existing(window.store)
    before = window.store.load(existing.id)
    watched = tmp_path / "watched.png"
    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    image.fill(QColor("red"))
    image.save(str(watched))
    paths, bad_names = _corpus(tmp_path / "corpus", watched, existing)
    assert (tmp_path / "corpus" / "big.json").stat().st_size > 50_000_000
    watch = FileWatch(watched)
    watched.read_bytes()
    assert watch.events()  # the watch sees a read, so its silence below means something

    # The window keeps painting while 50 MB are read, checked and stored: no long gap between timer ticks.
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(10)
    progress: list[int] = []
    window.importer.progressed.connect(progress.append)
    report = import_through_menu(qtbot, window, monkeypatch, paths)
    timer.stop()
    longest_stall = max(b - a for a, b in itertools.pairwise(ticks))
    assert longest_stall < 1.5, longest_stall  # it froze 8.8 s before; one JSON parse holds the GIL ~0.3 s
    assert len(set(progress)) > 5 and progress[-1] == 1000

    # One plain sentence per bad file, naming it; the good files all came in; the count is true.
    assert len(report.errors) == len(bad_names)
    for name, error in zip(bad_names, report.errors, strict=True):
        assert error.startswith(f"{name}: ") and error.count(".") >= 1 and "Traceback" not in error
    assert "nests JSON far more deeply" in report.errors[0]
    assert "lone surrogate" in report.errors[1]
    assert "not a bedrock-chat transcript" in report.errors[2]
    assert "not UTF-8 text" in report.errors[3] and "not UTF-8 text" in report.errors[4]
    assert window.statusBar().currentMessage() == f"Imported 4 of {len(paths)} files."
    banner = window.error_text.text()
    assert banner.startswith("5 files were not imported:") and all(name in banner for name in bad_names)
    assert window.error_text.textFormat().name == "PlainText"

    # Nothing already stored changed; colliding and duplicate ids came in as new conversations, whole.
    assert window.store.load(existing.id) == before
    titles = {summary.title: summary for summary in window.store.summaries()}
    assert set(titles) >= {"mine, keep it", "colliding ids", "duplicate ids", "fifty megabytes"}
    colliding = window.store.load(titles["colliding ids"].id)
    assert colliding.id != existing.id and [m.text for m in colliding.messages] == ["REPLACED question",
                                                                                   "REPLACED answer"]
    assert not {m.id for m in colliding.messages} & {"shared-1", "shared-2"}
    duplicates = window.store.load(titles["duplicate ids"].id)
    assert [m.text for m in duplicates.messages] == ["duplicate 0", "duplicate 1", "duplicate 2"]
    assert len(window.store.load(titles["fifty megabytes"].id).messages) == 2400

    # The crafted conversation is open: its ids, stats, model and title are text, never markup.
    shown = window.conversation
    assert shown.title.startswith('x"><img')
    assert [m.text for m in shown.messages] == ["hello", "hi", "numbers"]
    assert shown.messages[1].state == MessageState.FAILED
    window.chat.anchorClicked.emit(QUrl(f"toggle-reasoning:{shown.messages[1].id}"))  # re-renders, expanded
    window.chat.scroll_to_message(shown.messages[0].id)
    qtbot.waitExposed(window.chat)
    window.chat.grab()
    qtbot.wait(100)
    document = window.chat.toHtml()
    assert foreign_images(document) == [] and 'name="y' not in document
    assert "4 in · 5 out tokens" in window.chat.toPlainText()
    assert watch.events() == []

    # Its Edit and Copy links still carry the crafted id back intact.
    actions: list[tuple[str, str]] = []
    window.chat.message_action.connect(lambda action, message_id: actions.append((action, message_id)))
    copy_href = document.split('href="message:copy:', 1)[1].split('"', 1)[0]
    window.chat.anchorClicked.emit(QUrl(f"message:copy:{copy_href}"))
    assert actions == [("copy", shown.messages[0].id)]

    # Saved as a web page through File › Save transcript…: escaped there too.
    page = tmp_path / "crafted.html"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(page), "Web page (*.html)")))
    with qtbot.waitSignal(window.exporter.finished, timeout=20000):
        window.action_by_id["file.save"].trigger()
    exported = page.read_text()
    assert "<img" not in exported and "&lt;img src=" in exported
    assert '<div class="stats">4 in · 5 out tokens · 12 ms</div>' in exported
    watch.close()


def test_crafted_ids_and_stats_in_the_database_stay_text(qtbot, make_window, local_server, tmp_path):
    """Imports get fresh ids, but a database written elsewhere (an older version, another machine) may hold
    anything: the view escapes every id and shows only numbers as statistics, and reads no file."""
    window = make_window(local_server.url, data_dir=tmp_path / "data")
    watched = tmp_path / "watched-db.png"
    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    image.fill(QColor("blue"))
    image.save(str(watched))
    payload = f'x"><img src="{watched.as_uri()}"><a name="y'
    crafted = Conversation(title=f"crafted in the database {payload}")
    crafted.messages = [
        Message(Role.USER, "hello", id=payload),
        Message(Role.ASSISTANT, "```\ncode\n```", id=f"{payload}:2", reasoning="thought", model_id=payload,
                stats={"outputTokens": payload, "inputTokens": 1, "latencyMs": payload,
                       "timeToFirstTokenMs": payload, "outputTokensPerSecond": payload, "stopReason": payload}),
    ]
    window.store.save_conversation(crafted)
    window.history.refresh_sidebar()
    watch = FileWatch(watched)
    watched.read_bytes()
    assert watch.events()
    item = next(window.sidebar.list.item(i) for i in range(window.sidebar.list.count())
                if window.sidebar.list.item(i).text().startswith("crafted in the database"))
    # Hovering shows the item's tooltip, which Qt renders as HTML (loading images) when it looks like HTML.
    QToolTip.showText(window.sidebar.list.visualItemRect(item).center(), item.toolTip(), window.sidebar.list)
    qtbot.wait(50)
    assert watch.events() == []
    assert "&lt;img" in QToolTip.text() and "<img" not in QToolTip.text()
    QToolTip.hideText()
    window.sidebar.list.itemClicked.emit(item)  # a click on the conversation in the list
    wait_until_opened(qtbot, window)
    assert window.conversation.id == crafted.id
    window.chat.anchorClicked.emit(QUrl(f"toggle-reasoning:{payload}:2"))
    window.chat.scroll_to_message(payload)
    qtbot.waitExposed(window.chat)
    window.chat.grab()
    qtbot.wait(100)
    document = window.chat.toHtml()
    assert foreign_images(document) == [] and "name=\"y" not in document
    assert "thought" in window.chat.toPlainText()  # the toggle found its message
    assert watch.events() == []
    copied: list[tuple[str, str]] = []
    window.chat.message_action.connect(lambda action, message_id: copied.append((action, message_id)))
    for href in document.split('href="message:')[1:]:
        window.chat.anchorClicked.emit(QUrl("message:" + href.split('"', 1)[0]))
    assert copied == [("edit", payload), ("copy", payload), ("copy", f"{payload}:2"),
                      ("regenerate", f"{payload}:2")]
    code: list[int] = []
    window.chat.code_copied.connect(code.append)
    href = document.split('href="copy-code:', 1)[1].split('"', 1)[0]
    window.chat.anchorClicked.emit(QUrl(f"copy-code:{href}"))
    assert code == [len("code\n")]
    watch.close()

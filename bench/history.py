"""History at scale: open a 1,000-message conversation in the window, search 200,000 messages, export.

Prints one JSON object: open_ms (window shows the conversation, opened by a click in the sidebar as a person
does), search_ms (FTS over 10,000 conversations and 200,000 messages), rss_mb (with the conversation open),
export_ms per format.

``--quick``: small sizes and one run, no targets; it only proves the benchmark still works (CI runs it).
A number argument sets the runs (default 5).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role, new_id, utc_now
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.core.transfer import export_conversation

WORDS = ("latency", "throughput", "river", "mountain", "kathmandu", "tokyo", "stream", "token", "model", "cache",
         "search", "window", "answer", "question", "python", "table", "valley", "temple", "market", "trade",
         "music", "theory", "graph", "network", "cloud", "region")
REPLY = ("Here is an answer with **bold** text, a list:\n\n- one\n- two\n\n```python\nprint('x')\n```\n\n"
         "| a | b |\n|---|---|\n| 1 | 2 |\n\n")


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def build_big_store(path: Path, conversations: int, per_conversation: int) -> None:
    rng = random.Random(7)
    store = ConversationStore(path)
    db = store._db
    now = utc_now()
    db.execute("BEGIN")
    for index in range(conversations):
        conversation_id = new_id()
        db.execute("INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
                   (conversation_id, f"Conversation {index}", now, now))
        db.executemany(
            "INSERT INTO messages (id, conversation_id, position, role, text, state, created_at)"
            " VALUES (?, ?, ?, ?, ?, 'complete', ?)",
            [(new_id(), conversation_id, position, "user" if position % 2 == 0 else "assistant",
              _text(rng, 30), now) for position in range(per_conversation)])
    db.execute("COMMIT")
    store.close()


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def click_conversation(window: Any, title: str) -> None:
    """Clicks the conversation's row in the sidebar, as a person does."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    listing = window.sidebar.list
    for row in range(listing.count()):
        item = listing.item(row)
        if item.text().split("\n")[0].strip() == title:
            listing.scrollToItem(item)
            QTest.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             listing.visualItemRect(item).center())
            return
    raise AssertionError(f"no conversation titled {title!r} in the sidebar")


def offline_window(data_dir: Path) -> Any:
    """The app's window on this history, shown, with no endpoint it could reach (history benchmarks send nothing)."""
    from PySide6.QtWidgets import QApplication

    from bedrock_chat.app import create_window

    window = create_window(["--offline", "--endpoint-url", "http://127.0.0.1:9", "--data-dir", str(data_dir)])
    window.show()
    QApplication.processEvents()
    return window


def open_by_click(window: Any, title: str) -> None:
    """Clicks the conversation in the sidebar and lets the window run until it is on screen (it is read on a
    worker, then shown)."""
    from PySide6.QtWidgets import QApplication

    click_conversation(window, title)
    loader = getattr(window.history, "loader", None)  # absent before conversations were read on a worker
    deadline = time.perf_counter() + 60
    while loader is not None and loader.loading and time.perf_counter() < deadline:
        QApplication.processEvents()
        time.sleep(0.001)
    QApplication.processEvents()


def main(argv: list[str]) -> int:


    quick = "--quick" in argv
    runs = next((int(arg) for arg in argv if arg.isdigit()), 1 if quick else 5)
    pairs, conversations = (50, 200) if quick else (500, 10_000)
    work = Path(tempfile.mkdtemp())
    store = ConversationStore(work / "conversations.sqlite3")
    big = Conversation(title="A thousand messages")
    rng = random.Random(3)
    for index in range(pairs):
        big.messages.append(Message(Role.USER, f"Question {index}: {_text(rng, 12)}"))
        big.messages.append(Message(Role.ASSISTANT, REPLY + _text(rng, 60), model_id="amazon.nova-micro-v1:0",
                                    state=MessageState.COMPLETE))
    store.save_conversation(big)
    store.save_conversation(Conversation(title="small", messages=[Message(Role.USER, "hi")]))
    store.close()

    window = offline_window(work)
    opens = []
    for _ in range(runs):
        open_by_click(window, "small")
        assert window.conversation.title == "small"
        started = time.perf_counter()
        open_by_click(window, big.title)
        opens.append(time.perf_counter() - started)
        assert window.conversation.id == big.id
    memory = rss_mb()

    exports = {}
    for suffix in (".md", ".json", ".html"):
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            export_conversation(window.conversation, work / f"export{suffix}")
            timings.append(time.perf_counter() - started)
        exports[suffix.lstrip(".")] = round(statistics.median(timings) * 1000, 1)
    window.close()

    search_path = work / "search.sqlite3"
    build_big_store(search_path, conversations, 20)
    search_store = ConversationStore(search_path)
    searches = []
    for word in ("kathmandu", "tokyo river", "late", "graph network cloud", "templ"):
        started = time.perf_counter()
        hits = search_store.search(word)
        searches.append(time.perf_counter() - started)
        assert hits, word
    print(json.dumps({
        "messages_open": len(big.messages),
        "open_ms": round(statistics.median(opens) * 1000, 1),
        "quick": quick,
        "search_messages": conversations * 20,
        "search_ms": round(statistics.median(searches) * 1000, 1),
        "search_max_ms": round(max(searches) * 1000, 1),
        "rss_mb": round(memory, 1),
        "export_ms": exports,
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

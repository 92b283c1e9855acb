"""What opening a conversation with 50 MB of images costs the GUI thread: ten prompts of five images of 1 MB,
opened by a click in the sidebar as a person does.

Prints one JSON object: ``longest_gui_gap_ms`` the longest time the GUI thread went without handling events
while the conversation opened (a 2 ms timer measures it; the same loop with nothing to open is ``idle_…``, the
baseline of a loaded machine), ``open_ms`` from the click until the conversation is on screen (medians and the
maximum of the runs). Reading it on a worker keeps the gap near the idle baseline; ``open_ms`` is what it always
took.

``--quick``: 5 MB and one run; it only proves the benchmark still works (CI runs it). A number argument sets
the runs (default 5).
"""

from __future__ import annotations

import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# Run as a script (as bench/run_all.py does), so bench/ is on sys.path: the same sidebar click as the history
# benchmark.
from history import offline_window, open_by_click

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bedrock_chat.core.attachments import make_attachment
from bedrock_chat.core.conversation import Conversation, Message, MessageState, Role
from bedrock_chat.core.storage import ConversationStore

PROMPTS, IMAGES_PER_PROMPT = 10, 5
SMALL = "A short one"


def _png(padding: int) -> bytes:
    """A valid 8×8 PNG made as large as asked with an ancillary text chunk (what the store checks is the header
    and the chunk layout, not the pixels)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xcc\x22\x22" * 8 for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"tEXt", b"pad\x00" + b"x" * padding) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _fill(path: Path, image_bytes: int) -> str:
    store = ConversationStore(path)
    album = Conversation(title="Fifty megabytes of photos")
    data = _png(image_bytes)
    for turn in range(PROMPTS):
        prompt = Message(Role.USER, f"What is in picture set {turn}?")
        prompt.attachments = tuple(make_attachment(f"photo-{turn}-{n}.png", data) for n in range(IMAGES_PER_PROMPT))
        album.messages += [prompt, Message(Role.ASSISTANT, f"A red square, set {turn}.",
                                           model_id="amazon.nova-micro-v1:0", state=MessageState.COMPLETE)]
    store.save_conversation(album)
    store.save_conversation(Conversation(title=SMALL, messages=[Message(Role.USER, "hi")]))
    store.close()
    return album.title


def _longest_gap_ms(action: Callable[[], None]) -> tuple[float, float]:
    """(longest time between heartbeat ticks, how long ``action`` took), both in ms."""
    from PySide6.QtCore import QTimer

    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start(2)
    _run_events(0.05)
    started = time.perf_counter()
    action()
    took = time.perf_counter() - started
    _run_events(0.05)
    heartbeat.stop()
    return max(b - a for a, b in itertools.pairwise(ticks)) * 1000, took * 1000


def _run_events(seconds: float) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        QApplication.processEvents()
        time.sleep(0.001)


def main(argv: list[str]) -> int:

    quick = "--quick" in argv
    runs = next((int(arg) for arg in argv if arg.isdigit()), 1 if quick else 5)
    image_bytes = 100_000 if quick else 1_000_000
    work = Path(tempfile.mkdtemp())
    title = _fill(work / "conversations.sqlite3", image_bytes)
    window = offline_window(work)
    _run_events(0.3)
    gaps, opens, idle = [], [], []
    for _ in range(runs):
        open_by_click(window, SMALL)
        _run_events(0.1)
        gap, took = _longest_gap_ms(lambda: open_by_click(window, title))
        assert window.conversation.title == title
        gaps.append(gap)
        opens.append(took)
        idle.append(_longest_gap_ms(lambda: _run_events(0.2))[0])
    window.close()
    print(json.dumps({
        "attachments_mb": round(PROMPTS * IMAGES_PER_PROMPT * image_bytes / 1e6, 1),
        "quick": quick,
        "runs": runs,
        "longest_gui_gap_ms_median": round(statistics.median(gaps), 1),
        "longest_gui_gap_ms_max": round(max(gaps), 1),
        "open_ms_median": round(statistics.median(opens), 1),
        "idle_longest_gui_gap_ms_max": round(max(idle), 1),
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

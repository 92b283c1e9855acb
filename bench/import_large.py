"""A 50 MB transcript imported through File › Import transcripts… in the real window.

Prints one JSON object: the file size, how long the import took, the longest gap between ticks of a 10 ms
GUI timer meanwhile (how long the window could not repaint), and, for comparison, how long the same read
and store take when done on the GUI thread (the window would be frozen all that time).

``--quick``: a 2 MB transcript, no targets; it only proves the benchmark still works (CI runs it).
A number argument sets the size in MB (default 50).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _transcript(path: Path, megabytes: int) -> None:
    from bedrock_chat.core.conversation import Conversation, Message, Role
    from bedrock_chat.core.transcript import to_json

    conversation = Conversation(title="large import")
    chunk = "lorem ipsum dolor sit amet " * 800
    for index in range(megabytes * 1_000_000 // len(chunk) + 1):
        conversation.messages.append(Message(Role.USER if index % 2 == 0 else Role.ASSISTANT, f"{index} {chunk}"))
    path.write_text(to_json(conversation), encoding="utf-8")


def main() -> int:
    megabytes = next((int(arg) for arg in sys.argv[1:] if arg.isdigit()), 2 if "--quick" in sys.argv else 50)
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog

    app = QApplication([])
    from bedrock_chat.app import create_window, stop_local_endpoints
    from bedrock_chat.core.storage import ConversationStore
    from bedrock_chat.core.transfer import read_transcript

    folder = Path(tempfile.mkdtemp())
    source = folder / "large.json"
    _transcript(source, megabytes)
    window = create_window(["--offline", "--data-dir", str(folder / "data")])
    window.show()
    app.processEvents()
    QFileDialog.getOpenFileNames = staticmethod(lambda *a, **k: ([str(source)], ""))  # type: ignore[method-assign]
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)
    loop = QEventLoop()
    done: list[bool] = []
    window.importer.finished.connect(lambda report: (done.append(True), loop.quit()))
    started = time.perf_counter()
    window.action_by_id["file.import"].trigger()
    if not done:  # a small import (--quick) can finish while the action is still being handled
        loop.exec()
    import_s = time.perf_counter() - started
    timer.stop()
    stall = max((b - a for a, b in zip([started, *ticks], ticks, strict=False)), default=import_s)
    window.close()
    stop_local_endpoints()

    started = time.perf_counter()  # the same work on the GUI thread, as before
    ConversationStore(folder / "baseline.sqlite3").import_conversation(read_transcript(source))
    baseline_s = time.perf_counter() - started
    print(json.dumps({"file_mb": round(source.stat().st_size / 1e6, 1), "import_s": round(import_s, 3),
                      "longest_gui_stall_ms": round(stall * 1000, 1),
                      "same_work_on_gui_thread_s": round(baseline_s, 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Real failing disks for tests: small tmpfs mounts that fill up or turn read-only, and a damaged database page.

Tests run as root, where chmod does not stop writes, so read-only and full disks are real mounts. Where mounting
is not allowed (no CAP_SYS_ADMIN) the tests that need them skip with that reason.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from bedrock_chat.core.conversation import Conversation, MessageState
from bedrock_chat.core.storage import ConversationStore


class Mount:
    def __init__(self, path: Path) -> None:
        self.path = path

    def remount(self, mode: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{mode}", str(self.path)], check=True, capture_output=True)

    def fill(self) -> Path:
        """Writes a filler file until the disk is full; delete it to free the space again."""
        filler = self.path / "filler.bin"
        with open(filler, "wb", buffering=0) as handle:  # noqa: PTH123 - raw writes, no buffer to flush at close
            chunk = b"\0" * 4096
            with suppress(OSError):
                while True:
                    handle.write(chunk)
            with suppress(OSError):
                while True:
                    handle.write(b"\0")
        return filler


@contextmanager
def tmpfs(path: Path, size: str = "2m") -> Iterator[Mount]:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=False,
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here to make a real full or read-only disk: {done.stderr.strip()}")
    try:
        yield Mount(path)
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True)


def saved_conversation(prompt: str = "Where is Kathmandu?", reply: str = "In the valley.") -> Conversation:
    conversation = Conversation(title=prompt)
    conversation.add_user_message(prompt)
    answer = conversation.start_reply("amazon.nova-micro-v1:0", "converse", {"temperature": 0.5})
    answer.text, answer.state = reply, MessageState.COMPLETE
    return conversation


def database_with_a_damaged_page(path: Path, conversations: int = 60, table: str = "messages") -> list[Conversation]:
    """A real history of many conversations, then garbage written over one leaf page of ``table``."""
    store = ConversationStore(path)
    written = [saved_conversation(f"Question {n} about rivers", f"Answer {n}: " + "water flows " * 60)
               for n in range(conversations)]
    for conversation in written:
        store.save_conversation(conversation)
    store.close()
    db = sqlite3.connect(path)
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    # A leaf page of the messages table, found through SQLite's own page map.
    pages = [row[0] for row in db.execute("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf'", (table,))]
    db.close()
    victim = pages[len(pages) // 2]
    with open(path, "r+b") as handle:  # noqa: PTH123
        handle.seek((victim - 1) * page_size)
        handle.write(bytes((n * 37 + 11) % 256 for n in range(page_size)))
    return written


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

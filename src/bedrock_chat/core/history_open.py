"""Opening the history at startup so that nothing stops the app: a damaged database is set aside untouched and a
fresh one started beside it, a read-only disk still shows the history, anything else falls back to memory.

Everything the window reads first (the list of conversations and the latest one) is read inside the same guard.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from bedrock_chat.core.conversation import Conversation
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.core.store_errors import StoreError, StoreProblemKind

log = logging.getLogger(__name__)

DATABASE_NAME = "conversations.sqlite3"
# Left by a check after startup that found damage in a history too large to check at startup: the next start
# sets that history aside as it would one found damaged at once.
DAMAGE_MARKER = "conversations.damage-found"
_COMPANIONS = ("-wal", "-shm")  # SQLite's own files beside the database; they belong to it


@dataclass(frozen=True)
class StoreProblem:
    kind: StoreProblemKind
    message: str  # plain sentences for the banner
    damaged_copy: Path | None = None  # the damaged database, kept as it was, for "Export what can be read"


@dataclass
class OpenedHistory:
    store: ConversationStore
    conversation: Conversation  # the latest one, or a new empty one
    problem: StoreProblem | None = None
    saving: bool = True  # False when this session cannot be saved at all (the store is in memory or read-only)


def open_history(data_dir: Path) -> OpenedHistory:
    path = data_dir / DATABASE_NAME
    marker = data_dir / DAMAGE_MARKER
    if marker.is_file():
        found = marker.read_text(encoding="utf-8", errors="replace").strip()[:300]
        with contextlib.suppress(OSError):
            marker.unlink()
        if path.is_file():
            return _start_beside_damaged(path, StoreError(
                f"The conversation database {path} is damaged (found during the last session: {found}).",
                StoreProblemKind.CORRUPT))
    try:
        return _open_and_read(path)
    except StoreError as error:
        first = error
    if first.kind is StoreProblemKind.CORRUPT:
        return _start_beside_damaged(path, first)
    if first.kind in (StoreProblemKind.READ_ONLY, StoreProblemKind.FULL) and path.is_file():
        # The history can still be shown; writes fail (and are retried) until the disk allows them.
        try:
            opened = _open_and_read(path, read_only=True)
        except StoreError as error:
            log.warning("cannot read %s read-only either: %s", path, error)
        else:
            opened.problem = StoreProblem(first.kind, f"{first} Your history is shown, but new messages are not "
                                          "saved until then.")
            opened.saving = False
            return opened
    return _in_memory(StoreProblem(first.kind, f"{first} This session is not being saved."))


def _open_and_read(path: Path, read_only: bool = False) -> OpenedHistory:
    store = ConversationStore(path, read_only=read_only)
    try:
        summaries = store.summaries()
        latest = max(summaries, key=lambda summary: summary.updated_at, default=None)
        conversation = store.load(latest.id) if latest else Conversation()
    except (sqlite3.Error, ValueError) as error:  # a damaged page quick_check did not reach, or a bad row
        store.close()
        raise StoreError(f"The conversation database {path} is damaged ({error}).",
                         StoreProblemKind.CORRUPT) from error
    return OpenedHistory(store, conversation)


def _start_beside_damaged(path: Path, error: StoreError) -> OpenedHistory:
    try:
        aside = set_aside(path)
        opened = _open_and_read(path)
    except (OSError, StoreError) as failure:
        return _in_memory(StoreProblem(StoreProblemKind.CORRUPT, f"{error} It could not be set aside ({failure}), "
                                       "so this session is not being saved."))
    opened.problem = StoreProblem(
        StoreProblemKind.CORRUPT,
        f"{error} It was kept untouched as {aside.name} and a fresh history was started. Use “Export what can be "
        "read…” to save the conversations that are still readable as JSON transcripts.", aside)
    return opened


def set_aside(path: Path) -> Path:
    """Renames the damaged database (and its WAL and shared-memory files, which belong to it) without changing
    a byte, to ``conversations.damaged-<time>.sqlite3`` beside it."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.stem}.damaged-{stamp}{path.suffix}")
    counter = 1
    while aside.exists():
        counter += 1
        aside = path.with_name(f"{path.stem}.damaged-{stamp}-{counter}{path.suffix}")
    path.replace(aside)
    for companion in _COMPANIONS:
        extra = path.with_name(path.name + companion)
        if extra.exists():
            extra.replace(aside.with_name(aside.name + companion))
    log.warning("damaged conversation database set aside as %s", aside)
    return aside


def _in_memory(problem: StoreProblem) -> OpenedHistory:
    return OpenedHistory(ConversationStore(Path(":memory:")), Conversation(), problem, saving=False)


def check_pages(path: Path) -> str | None:
    """PRAGMA quick_check through a read-only connection of its own (for a worker thread): None when the file
    is sound, else the first problem in words."""
    uri = f"file:{urllib.parse.quote(str(path))}?mode=ro"
    try:
        db = sqlite3.connect(uri, uri=True)
        try:
            problems = [str(row[0]) for row in db.execute("PRAGMA quick_check").fetchall()]
        finally:
            db.close()
    except sqlite3.Error as error:
        return str(error)
    return None if problems == ["ok"] else problems[0]


def note_damage(data_dir: Path, problem: str) -> None:
    """Remembers damage found while running, for the next start to set the history aside."""
    with contextlib.suppress(OSError):
        (data_dir / DAMAGE_MARKER).write_text(problem + "\n", encoding="utf-8")

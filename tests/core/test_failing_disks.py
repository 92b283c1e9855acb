"""The history on a failing disk: a damaged page, a read-only mount, a full disk. Each is named for what it is,
a damaged file is kept byte for byte beside a fresh one, and what can still be read comes back out."""

from __future__ import annotations

import sqlite3

import pytest

from bedrock_chat.core.history_open import DATABASE_NAME, open_history
from bedrock_chat.core.history_salvage import read_what_remains
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.core.store_errors import StoreError, StoreProblemKind, describe_save_failure
from tests.disk_helpers import database_with_a_damaged_page, digest, saved_conversation, tmpfs


def test_a_damaged_page_is_found_at_open_and_the_file_kept_untouched(tmp_path):
    path = tmp_path / DATABASE_NAME
    written = database_with_a_damaged_page(path)
    before = digest(path)
    with pytest.raises(StoreError) as raised:  # what the app did before: a bare DatabaseError at startup
        ConversationStore(path)
    assert raised.value.kind is StoreProblemKind.CORRUPT

    opened = open_history(tmp_path)
    assert opened.problem is not None and opened.problem.kind is StoreProblemKind.CORRUPT
    aside = opened.problem.damaged_copy
    assert aside is not None and aside.parent == tmp_path and "damaged" in aside.name
    assert digest(aside) == before  # not one byte changed
    assert "kept untouched as" in opened.problem.message and aside.name in opened.problem.message
    assert opened.store.summaries() == []  # a fresh history beside it, and it saves
    opened.store.save_conversation(saved_conversation())
    assert len(opened.store.summaries()) == 1
    opened.store.close()

    salvage = read_what_remains(aside)
    assert digest(aside) == before
    recovered = {conversation.id for conversation in salvage.conversations}
    assert salvage.unreadable, "the damaged page must be reported"
    assert len(recovered) >= len(written) // 2  # most conversations survive one bad page
    assert recovered <= {conversation.id for conversation in written}
    sample = next(c for c in written if c.id in recovered)
    assert next(c for c in salvage.conversations if c.id == sample.id).messages[1].text == sample.messages[1].text


def test_a_file_that_is_no_database_at_all_is_set_aside(tmp_path):
    (tmp_path / DATABASE_NAME).write_bytes(b"not a database " * 500)
    opened = open_history(tmp_path)
    assert opened.problem is not None and opened.problem.kind is StoreProblemKind.CORRUPT
    assert opened.saving and opened.problem.damaged_copy is not None
    assert opened.problem.damaged_copy.read_bytes() == b"not a database " * 500
    assert read_what_remains(opened.problem.damaged_copy).conversations == []


def test_a_read_only_disk_is_named_as_such_and_the_history_still_shows(tmp_path):
    with tmpfs(tmp_path / "disk") as disk:
        store = ConversationStore(disk.path / DATABASE_NAME)
        kept = saved_conversation("kept on a disk that turns read-only")
        store.save_conversation(kept)
        store.close()
        disk.remount("ro")
        opened = open_history(disk.path)
        assert opened.problem is not None and opened.problem.kind is StoreProblemKind.READ_ONLY
        assert "read-only" in opened.problem.message and "damaged" not in opened.problem.message
        assert "Move it aside" not in opened.problem.message
        assert opened.conversation.id == kept.id  # the history is still there to read
        assert not opened.saving
        with pytest.raises(StoreError) as raised:
            opened.store.save_conversation(saved_conversation())
        assert "read-only" in describe_save_failure(raised.value, opened.store.path)
        disk.remount("rw")  # writable again: the next save reopens the file and goes through
        opened.store.save_conversation(saved_conversation("after the remount"))
        assert len(opened.store.summaries()) == 2
        opened.store.close()


def test_a_new_history_under_a_read_only_parent_is_not_called_corrupt(tmp_path):
    with tmpfs(tmp_path / "disk") as disk:
        disk.remount("ro")
        opened = open_history(disk.path / "nested" / "data")
        assert opened.problem is not None and opened.problem.kind is StoreProblemKind.READ_ONLY
        assert "read-only" in opened.problem.message and not opened.saving


def test_a_full_disk_is_named_as_such(tmp_path):
    with tmpfs(tmp_path / "disk", size="1m") as disk:
        store = ConversationStore(disk.path / DATABASE_NAME)
        store.save_conversation(saved_conversation())
        filler = disk.fill()
        with pytest.raises(sqlite3.Error) as raised:
            store.save_conversation(saved_conversation("x", "y" * 200_000))
        assert describe_save_failure(raised.value, store.path).startswith("The disk holding")
        filler.unlink()
        store.save_conversation(saved_conversation("room again"))
        assert len(store.summaries()) == 2
        store.close()


def test_damage_on_any_page_never_stops_the_open_or_the_salvage(tmp_path):
    """Every page in turn, the header page included: open_history always returns a usable store, and the
    salvage always returns (what it could read, and why the rest is lost)."""
    source = tmp_path / "source.sqlite3"
    store = ConversationStore(source)
    for n in range(12):
        store.save_conversation(saved_conversation(f"Question {n}", f"Answer {n} " * 80))
    store.close()
    original = source.read_bytes()
    page_size = 4096
    pages = len(original) // page_size
    assert pages > 10
    for page in range(pages):
        data = tmp_path / f"page-{page}"
        data.mkdir()
        damaged = bytearray(original)
        damaged[page * page_size:(page + 1) * page_size] = bytes((n * 53 + page) % 256 for n in range(page_size))
        (data / DATABASE_NAME).write_bytes(bytes(damaged))
        opened = open_history(data)
        opened.store.save_conversation(saved_conversation("still saves"))
        assert any(s.title == "still saves" for s in opened.store.summaries())
        opened.store.close()
        if opened.problem is not None and opened.problem.damaged_copy is not None:
            salvage = read_what_remains(opened.problem.damaged_copy)
            assert len(salvage.conversations) <= 12

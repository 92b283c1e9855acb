"""Attachment bytes stored once, in ``attachment_blobs``, for imported transcripts and for rows written before
schema 6 (moved by the background pass): a branch of either then writes small rows, not the images again, and
no interruption of the pass loses an attachment."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing

import pytest

from bedrock_chat.core.conversation import Conversation
from bedrock_chat.core.inline_attachments import move_inline_attachments
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.core.store_writing import import_in_background
from tests.old_history import database_bytes, inline_rows, old_conversation, write_schema5_history


def _attachments(conversation: Conversation) -> list[tuple]:
    return [(message.id, item.kind, item.format, item.name, item.width, item.height, item.data)
            for message in conversation.messages for item in message.attachments]


def _blob_count(path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute("SELECT COUNT(*) FROM attachment_blobs").fetchone()[0])


def _old_store(tmp_path, *titles: str, **sizes: int) -> tuple[ConversationStore, list[Conversation]]:
    path = tmp_path / "c.db"
    conversations = [old_conversation(title, **sizes) for title in titles]
    write_schema5_history(path, conversations)
    store = ConversationStore(path)  # upgraded to the latest schema; the rows keep their bytes
    assert inline_rows(path) == sum(len(_attachments(c)) for c in conversations)
    return store, [store.load(conversation.id) for conversation in conversations]


def test_an_imported_transcripts_attachments_are_stored_once_and_named_by_its_rows(tmp_path):
    store = ConversationStore(tmp_path / "c.db")
    source = old_conversation("Imported album", prompts=3, images=2)
    stored = import_in_background(store.path, source)
    assert stored is not None
    assert inline_rows(store.path, stored.id) == 0
    assert all(item.digest for message in stored.messages for item in message.attachments)
    assert _blob_count(store.path) == 3 + 1  # a picture repeated in a prompt, and the PDF of every prompt: once
    loaded = store.load(stored.id)
    assert [item for m in loaded.messages for item in m.attachments] == \
        [item for m in source.messages for item in m.attachments]

    before = database_bytes(store.path)  # a branch of it writes rows, not images
    branch = store.save_copy(loaded, upto_message=loaded.messages[-1].id, title="branch")
    assert inline_rows(store.path, branch.id) == 0
    assert database_bytes(store.path) - before < 100_000
    store.close()


def test_the_background_pass_moves_old_rows_bytes_apart_and_every_attachment_loads_as_before(tmp_path):
    store, before = _old_store(tmp_path, "Trip", "Garden")
    moved = move_inline_attachments(store.path, batch_bytes=300_000)  # several transactions
    assert moved == sum(len(_attachments(c)) for c in before)
    assert inline_rows(store.path) == 0
    for conversation in before:
        after = store.load(conversation.id)
        assert _attachments(after) == _attachments(conversation)
        assert all(item.digest == hashlib.sha256(item.data).hexdigest()
                   for message in after.messages for item in message.attachments)
    assert move_inline_attachments(store.path) == 0  # nothing left: running again changes nothing
    store.purge_deleted()  # the sweep at a close keeps every blob a row names
    assert [_attachments(store.load(c.id)) for c in before] == [_attachments(c) for c in before]
    store.close()


def test_after_the_pass_a_branch_names_the_stored_bytes_instead_of_writing_them(tmp_path):
    store, (trip,) = _old_store(tmp_path, "Trip", prompts=3, images=3, image_bytes=1_000_000)
    images = sum(item.size for message in trip.messages for item in message.attachments)
    on_screen = store.load(trip.id)  # as the window held it before the pass: no digests
    move_inline_attachments(store.path)
    before = database_bytes(store.path)

    store.save_conversation(on_screen)  # a branch saves the conversation on screen first ...
    assert inline_rows(store.path, trip.id) == 0  # ... which leaves the moved rows as they are
    branches = [store.save_copy(conversation, upto_message=conversation.messages[-1].id, title="Trip (edited)")
                for conversation in (on_screen, store.load(trip.id))]  # shown before the pass, or opened after
    assert [inline_rows(store.path, branch.id) for branch in branches] == [0, 0]
    assert database_bytes(store.path) - before < images / 20
    for branch in branches:
        copies = [message.id for message in branch.messages for _ in message.attachments]
        assert _attachments(store.load(branch.id)) == [(copy, *row[1:]) for copy, row in zip(
            copies, _attachments(trip), strict=True)]
    store.close()


def test_a_pass_stopped_between_batches_by_a_close_loses_nothing_and_resumes(tmp_path):
    store, before = _old_store(tmp_path, "Trip", "Garden")
    total = sum(len(_attachments(c)) for c in before)
    calls = 0

    def closing_the_window() -> bool:  # the window closes (sweeping unused bytes) between two batches
        nonlocal calls
        calls += 1
        if calls == 3:
            store.purge_deleted()
            store.close()
        return calls >= 3

    moved = move_inline_attachments(store.path, closing_the_window, batch_bytes=1)  # one row per batch
    assert moved == 2 and inline_rows(store.path) == total - 2
    again = ConversationStore(store.path)
    assert [_attachments(again.load(c.id)) for c in before] == [_attachments(c) for c in before]
    assert move_inline_attachments(again.path) == total - 2  # the next start goes on where it stopped
    assert [_attachments(again.load(c.id)) for c in before] == [_attachments(c) for c in before]
    again.close()


def test_a_batch_that_fails_midway_leaves_its_rows_holding_their_bytes_and_no_blob_half_used(tmp_path):
    store, (trip,) = _old_store(tmp_path, "Trip")
    second = trip.messages[2].attachments[0]  # the second prompt's picture, in the same batch as the first's
    with closing(sqlite3.connect(store.path)) as db:  # the disk fails as the batch switches that row
        db.execute("CREATE TRIGGER failing BEFORE UPDATE OF blob ON attachments WHEN new.blob = "
                   f"'{hashlib.sha256(second.data).hexdigest()}' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END")
    with pytest.raises(sqlite3.Error):
        move_inline_attachments(store.path)
    assert inline_rows(store.path) == len(_attachments(trip))  # the whole batch rolled back, its bytes with it
    assert _blob_count(store.path) == 0
    assert _attachments(store.load(trip.id)) == _attachments(trip)
    with closing(sqlite3.connect(store.path)) as db:
        db.execute("DROP TRIGGER failing")
    move_inline_attachments(store.path)
    assert inline_rows(store.path) == 0 and _attachments(store.load(trip.id)) == _attachments(trip)
    store.close()

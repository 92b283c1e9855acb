"""Storing imported conversations: never changes what is there, and the background writer hides a
conversation until it is complete and leaves nothing when cancelled."""

from __future__ import annotations

from bedrock_chat.core.conversation import Conversation, Message, Role
from bedrock_chat.core.storage import ConversationStore
from bedrock_chat.core.store_writing import import_in_background


def _conversation(texts: list[str], ids: list[str] | None = None, conversation_id: str | None = None) -> Conversation:
    conversation = Conversation(title="t", **({"id": conversation_id} if conversation_id else {}))
    for index, text in enumerate(texts):
        role = Role.USER if index % 2 == 0 else Role.ASSISTANT
        conversation.messages.append(Message(role, text, **({"id": ids[index]} if ids else {})))
    return conversation


def test_an_import_never_changes_an_existing_conversation(tmp_path):
    store = ConversationStore(tmp_path / "c.db")
    mine = _conversation(["mine 1", "mine 2"], ids=["a", "b"], conversation_id="same")
    store.save_conversation(mine)
    other = _conversation(["theirs 1", "theirs 2"], ids=["a", "b"])  # only the message ids collide
    same = _conversation(["again 1", "again 2"], ids=["a", "b"], conversation_id="same")
    for imported in (store.import_conversation(other), store.import_conversation(same)):
        assert not {m.id for m in imported.messages} & {"a", "b"}
    assert [m.text for m in store.load("same").messages] == ["mine 1", "mine 2"]
    assert len(store.summaries()) == 3


def test_duplicate_ids_in_one_file_keep_every_message(tmp_path):
    store = ConversationStore(tmp_path / "c.db")
    imported = store.import_conversation(_conversation(["one", "two", "three"], ids=["x", "x", "x"]))
    assert [m.text for m in store.load(imported.id).messages] == ["one", "two", "three"]


def test_background_import_is_hidden_until_complete_and_cancel_leaves_nothing(tmp_path):
    store = ConversationStore(tmp_path / "c.db")
    big = _conversation([f"{n} " + "x" * 300_000 for n in range(20)])
    seen: list[tuple[float, int]] = []
    stored = import_in_background(store.path, big, lambda part: seen.append((part, len(store.summaries()))))
    assert stored is not None and stored.id == big.id
    assert len(seen) > 2 and seen[-1][0] == 1.0
    assert all(count == 0 for _, count in seen)  # the window's own connection never saw it half-written
    assert [m.text for m in store.load(stored.id).messages] == [m.text for m in big.messages]
    assert [s.id for s in store.summaries()] == [stored.id]

    calls = 0

    def cancel_after_one_batch() -> bool:
        nonlocal calls
        calls += 1
        return calls > 1

    assert import_in_background(store.path, big, cancelled=cancel_after_one_batch) is None
    assert [s.id for s in store.summaries()] == [stored.id]
    assert store.purge_deleted() == 0  # nothing hidden was left behind

"""History sent to the model: alternating, starting and ending with the user, failed replies left out."""

from __future__ import annotations

from bedrock_chat.core.conversation import Conversation, MessageState, Role


def test_history_alternates_and_skips_failed_replies():
    conversation = Conversation()
    conversation.add_user_message("one")
    failed = conversation.start_reply("m", "converse", {})
    failed.text, failed.state = "partial", MessageState.FAILED
    conversation.add_user_message("two")
    reply = conversation.start_reply("m", "converse", {})
    reply.text, reply.state = "answer", MessageState.COMPLETE
    assert conversation.history() == [(Role.USER, "one\n\ntwo")]
    assert conversation.history(draft="three") == [(Role.USER, "one\n\ntwo"), (Role.ASSISTANT, "answer"),
                                                   (Role.USER, "three")]
    assert conversation.title == "one"

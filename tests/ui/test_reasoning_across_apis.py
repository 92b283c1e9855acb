"""Switching the API (Converse, InvokeModel) in the parameter panel mid-conversation keeps extended thinking
working: the signed and redacted reasoning blocks stored from one API go back in the other's schema, and the
local endpoint (which checks every signature and every redacted payload, as Bedrock does) accepts them."""

from __future__ import annotations

from bedrock_chat.core.conversation import MessageState
from bedrock_chat.local_endpoint.request_features import REDACTION_TRIGGER
from tests.ui.conftest import choose_model, send_prompt

SONNET = "us.anthropic.claude-3-7-sonnet-20250219-v1:0"


def _use_api(window, api: str) -> None:  # type: ignore[no-untyped-def]
    window.parameters.api.setCurrentIndex(window.parameters.api.findData(api))
    assert window.parameters.options().api == api


def test_redacted_and_signed_reasoning_survive_switching_the_api_between_turns(qtbot, make_window,
                                                                              local_server) -> None:  # type: ignore[no-untyped-def]
    window = make_window(local_server.url)
    choose_model(qtbot, window, SONNET)
    window.parameters.max_tokens.spin.setValue(4000)
    window.parameters.reasoning.setChecked(True)
    for streaming in (True, False):
        window.action_by_id["file.new"].trigger()
        window.parameters.streaming.setChecked(streaming)
        _use_api(window, "converse")
        first = send_prompt(qtbot, window, f"Think about {REDACTION_TRIGGER}")
        assert first.state == MessageState.COMPLETE, first.error
        assert [block.redacted is not None for block in first.reasoning_blocks] == [True]

        _use_api(window, "invoke")  # InvokeModel: Claude's own body, redacted_thinking with its data
        second = send_prompt(qtbot, window, "And then?")
        assert second.state == MessageState.COMPLETE, second.error
        assert second.reasoning_blocks and second.reasoning_blocks[0].signature

        _use_api(window, "converse")  # back: both earlier turns' blocks in Converse's schema
        third = send_prompt(qtbot, window, "Compare them.")
        assert third.state == MessageState.COMPLETE, third.error
        assert "turn 3" in third.text  # the endpoint saw every earlier turn
        _use_api(window, "invoke")
        fourth = send_prompt(qtbot, window, "Once more, natively.")
        assert fourth.state == MessageState.COMPLETE, fourth.error


def test_a_transcript_with_redacted_reasoning_that_is_not_base64_is_refused_in_words(qtbot, make_window, local_server,
                                                                                  tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The schema says base64; anything else could never go back to Bedrock (Converse sends the decoded bytes):
    imported, it made every later turn with thinking fail with "Something unexpected went wrong"."""

    from bedrock_chat.core.conversation import Conversation, Role
    from bedrock_chat.core.reasoning import ReasoningBlock
    from bedrock_chat.core.transcript import to_json
    from tests.ui.menu_helpers import import_through_menu

    conversation = Conversation(title="thinking elsewhere")
    conversation.add_user_message("What is a monad?")
    reply = conversation.start_reply(SONNET, "converse", {})
    reply.text, reply.state = "A monoid in the category of endofunctors.", MessageState.COMPLETE
    reply.reasoning_blocks = [ReasoningBlock(redacted="not base64 at all!")]
    path = tmp_path / "crafted.json"
    path.write_text(to_json(conversation), encoding="utf-8")
    assert "not base64 at all!" in path.read_text()
    assert reply.role == Role.ASSISTANT

    window = make_window(local_server.url, data_dir=tmp_path / "data")
    report = import_through_menu(qtbot, window, monkeypatch, [path])
    assert report.imported == [] and len(report.errors) == 1
    assert "reasoning block" in report.errors[0] and "base64" in report.errors[0]
    assert "reasoning block" in window.error_text.text()

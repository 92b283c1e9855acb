"""The input-token estimate beside the prompt is for the conversation on screen: switching to another one (File ›
New conversation, or a conversation in the list) counts again, and a count still on its way for the one left
behind is not shown."""

from __future__ import annotations

from tests.ui.conftest import choose_model, send_prompt

SONNET = "us.anthropic.claude-3-7-sonnet-20250219-v1:0"  # has CountTokens: the estimate is Bedrock's count


def _tokens(label) -> int:
    return int(label.text().removeprefix("≈ ").split(" ")[0].replace(",", ""))


def test_the_estimate_is_counted_again_for_a_new_conversation(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    choose_model(qtbot, window, SONNET)
    label, estimator = window.body.chat_column.token_estimate, window.token_estimator
    send_prompt(qtbot, window, "Tell me a long story about rivers, lakes and the sea, please. " * 20)
    with qtbot.waitSignal(estimator.estimate_changed, timeout=5000,
                          check_params_cb=lambda found: found is not None and found.exact):
        window.prompt.setPlainText("And the sequel?")
    with_history = _tokens(label)
    with qtbot.waitSignal(estimator.estimate_changed, timeout=5000,
                          check_params_cb=lambda found: found is not None and found.exact):
        window.action_by_id["file.new"].trigger()
    alone = _tokens(label)
    assert alone < with_history / 10, (alone, with_history)  # the prompt alone, not the old conversation's history

    # Back to the first conversation through the list: counted with its history again.
    item = next(window.sidebar.list.item(i) for i in range(window.sidebar.list.count())
                if window.sidebar.list.item(i).text().startswith("Tell me a long story"))
    with qtbot.waitSignal(estimator.estimate_changed, timeout=5000,
                          check_params_cb=lambda found: found is not None and found.exact):
        window.sidebar.list.itemClicked.emit(item)
    assert _tokens(label) == with_history

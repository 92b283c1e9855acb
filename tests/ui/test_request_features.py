"""Reasoning, caching, guardrails, latency, service tier and the token estimate, used the way a person does:
through the parameter panel, the prompt and Send, against the local endpoint."""

from __future__ import annotations

import json

from bedrock_chat.core.catalog import model_info
from bedrock_chat.core.conversation import MessageState
from tests.ui.conftest import choose_model, send_prompt, shown_request

SONNET = "us.anthropic.claude-3-7-sonnet-20250219-v1:0"


def _preview(window) -> dict:
    return json.loads(shown_request(window).split("\n", 1)[1])


def _choose(qtbot, window, invoke_id: str) -> None:
    choose_model(qtbot, window, invoke_id)
    assert window.current_model().invoke_id == invoke_id


def test_thinking_budget_slider_and_signed_reasoning_over_three_turns(qtbot, make_window, local_server, tmp_path):
    window = make_window(local_server.url)
    _choose(qtbot, window, SONNET)
    controls = window.parameters.reasoning_controls
    window.parameters.max_tokens.spin.setValue(1000)
    assert not controls.budget_row.isEnabled() and "Turn on Extended thinking" in controls.note.text()
    assert "additionalModelRequestFields" not in _preview(window)
    window.parameters.reasoning.setChecked(True)  # Max tokens is raised so that thinking has room
    assert controls.budget_row.isEnabled() and controls.budget.maximum() == window.parameters.max_tokens.value() - 1
    window.parameters.max_tokens.spin.setValue(6000)
    assert controls.budget.maximum() == 5999
    controls.budget.setValue(3000)
    body = _preview(window)
    assert body["additionalModelRequestFields"] == {"thinking": {"type": "enabled", "budget_tokens": 3000}}
    assert body["inferenceConfig"] == {"maxTokens": 6000, "temperature": 1.0}
    window.parameters.max_tokens.spin.setValue(2000)  # the budget follows: always below Max tokens
    assert _preview(window)["additionalModelRequestFields"]["thinking"]["budget_tokens"] == 1999
    assert controls.budget.value() == 1999
    window.parameters.max_tokens.spin.setValue(8000)  # ...and comes back to the person's choice with room
    assert controls.budget.value() == 3000
    window.parameters.max_tokens.spin.setValue(2000)

    for turn, prompt in enumerate(("What is a monad?", "And a functor?", "Compare them."), start=1):
        reply = send_prompt(qtbot, window, prompt)
        assert reply.state == MessageState.COMPLETE, reply.error
        [block] = reply.reasoning_blocks
        assert block.signature and block.text == reply.reasoning
        assert window.stats.values["reasoning"].text().startswith("≈ ")
        assert turn == 1 or f"turn {turn}" in reply.text  # the endpoint saw every earlier turn
    assert "reasoning tokens" in window.chat.toPlainText()
    body = _preview(window)
    sent = [content for message in body["messages"] for content in message["content"] if "reasoningContent" in content]
    assert len(sent) == 3
    saved = window.store.load(window.conversation.id)
    assert [message.reasoning_blocks for message in saved.messages] == \
           [message.reasoning_blocks for message in window.conversation.messages]


def test_models_without_a_budget_show_why(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    controls = window.parameters.reasoning_controls
    _choose(qtbot, window, "us.deepseek.r1-v1:0")
    assert not window.parameters.reasoning.isEnabled()
    assert "always reasons" in controls.note.text() and controls.budget_row.isHidden()
    _choose(qtbot, window, "amazon.nova-micro-v1:0")
    assert not window.parameters.reasoning.isEnabled() and "does not reason" in controls.note.text()
    assert "does not reason" in window.parameters.reasoning.toolTip()


def test_prompt_caching_reads_the_repeated_prefix_and_shows_the_saving(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    _choose(qtbot, window, SONNET)
    options = window.parameters.request_options
    assert options.caching.isEnabled() and options.caching.isChecked()
    # A prefix of its own: the shared endpoint's cache outlives other tests, as Bedrock's outlives a request.
    window.parameters.system_prompt.setPlainText("UI. " + "You explain every idea with care. " * 200)
    first = send_prompt(qtbot, window, "What is a monad?")
    assert first.stats["cacheWriteInputTokens"] > 1000 and first.stats["cacheReadInputTokens"] == 0
    assert "cache added $" in window.stats.values["cost"].text()  # writes cost a premium on Claude
    second = send_prompt(qtbot, window, "And a functor?")
    assert second.stats["cacheReadInputTokens"] >= first.stats["cacheWriteInputTokens"]
    assert "cache saved $" in window.stats.values["cost"].text()
    assert window.stats.values["cache"].text().startswith(f"{second.stats['cacheReadInputTokens']:,} / ")
    options.caching.setChecked(False)
    assert "cachePoint" not in json.dumps(_preview(window))
    _choose(qtbot, window, "meta.llama3-8b-instruct-v1:0")
    assert not options.caching.isEnabled() and "no prompt caching" in options.caching.toolTip()


def test_a_guardrail_intervention_is_shown_with_its_policy(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    options = window.parameters.request_options
    qtbot.keyClicks(options.guardrail_id, "abc123xyz")  # typed, as a person does
    qtbot.keyClicks(options.guardrail_version, "v1")
    assert options.guardrail_problem.isVisibleTo(window) and "version" in options.guardrail_problem.text()
    assert "guardrailConfig" not in _preview(window)
    options.guardrail_version.clear()
    qtbot.keyClicks(options.guardrail_version, "1")
    assert not options.guardrail_problem.isVisibleTo(window)
    assert _preview(window)["guardrailConfig"]["streamProcessingMode"] == "sync"
    reply = send_prompt(qtbot, window, "Where do I buy contraband?")
    assert reply.stats["stopReason"] == "guardrail_intervened"
    shown = window.chat.toPlainText()
    assert "Blocked by your guardrail" in shown and "Word policy: “contraband” in the prompt (blocked)" in shown
    assert window.stats.values["stop"].text() == "guardrail intervened"
    fine = send_prompt(qtbot, window, "What is a monad?")
    assert "guardrailAction" not in fine.stats
    # The guardrail is a setting kept with the model's parameters, never a credential.
    assert window.settings.params_for("amazon.nova-micro-v1:0").guardrail_id == "abc123xyz"


def test_latency_and_service_tier_only_where_the_model_offers_them(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    options = window.parameters.request_options
    _choose(qtbot, window, "meta.llama3-8b-instruct-v1:0")
    assert not options.latency.isEnabled() and "no latency-optimized" in options.latency.toolTip()
    assert not options.tier.isEnabled() and "only the standard" in options.tier.toolTip()
    _choose(qtbot, window, "amazon.nova-pro-v1:0")
    assert options.latency.isEnabled() and options.tier.isEnabled()
    options.latency.setChecked(True)
    options.tier.setCurrentIndex(options.tier.findData("flex"))
    body = _preview(window)
    assert body["performanceConfig"] == {"latency": "optimized"} and body["serviceTier"] == {"type": "flex"}
    reply = send_prompt(qtbot, window, "Hello")
    assert (reply.stats["servedLatency"], reply.stats["servedServiceTier"]) == ("optimized", "flex")
    assert window.stats.values["served"].text() == "optimized latency · flex tier"


def test_token_estimate_beside_the_prompt_is_what_the_request_then_uses(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    label = window.body.chat_column.token_estimate
    _choose(qtbot, window, SONNET)
    with qtbot.waitSignal(window.token_estimator.estimate_changed, timeout=5000,
                          check_params_cb=lambda found: found is not None and found.exact):
        window.prompt.setPlainText("Tell me about caching, briefly")
    counted = int(label.text().split(" ")[0].replace(",", ""))
    assert label.text().startswith(f"{counted:,} tokens in · $") and "CountTokens" in label.toolTip()
    reply = send_prompt(qtbot, window, "Tell me about caching, briefly")
    stats = reply.stats
    assert stats["inputTokens"] + stats["cacheReadInputTokens"] + stats["cacheWriteInputTokens"] == counted
    with qtbot.waitSignal(window.token_estimator.estimate_changed, timeout=5000,
                          check_params_cb=lambda found: found is not None and not found.exact):
        window.prompt.setPlainText("x" * 400)
        _choose(qtbot, window, "amazon.nova-micro-v1:0")
    assert label.text().startswith("≈ ") and "≈ $" in label.text() and "no CountTokens" in label.toolTip()


def test_a_failed_count_falls_back_to_an_estimate(qtbot, make_window):
    from bedrock_chat.local_endpoint import LocalBedrockServer, ServerOptions

    with LocalBedrockServer(ServerOptions(tokens_per_second=0, first_token_delay=0,
                                          denied_operations=frozenset({"CountTokens"}))) as server:
        window = make_window(server.url)
        _choose(qtbot, window, SONNET)
        with qtbot.waitSignal(window.token_estimator.estimate_changed, timeout=5000,
                              check_params_cb=lambda found: found is not None and "failed" in found.note):
            window.prompt.setPlainText("abcd" * 25)
        label = window.body.chat_column.token_estimate
        assert label.text().startswith("≈ 25 tokens in") and "not authorized" in label.toolTip()
        window.close()


def test_a_stale_count_never_replaces_a_newer_one(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    label, estimator = window.body.chat_column.token_estimate, window.token_estimator
    window.prompt.setPlainText("one two three")
    qtbot.waitUntil(lambda: "tokens in" in label.text(), timeout=5000)
    shown = label.text()
    request = window.build_request("one two three")
    estimator._on_counted(estimator._number, estimator._generation - 1, request, 123456)
    assert label.text() == shown
    assert model_info("amazon.nova-micro-v1:0").features.count_tokens is False

"""With prompt caching, Bedrock's inputTokens leaves out the cached tokens, and its totalTokens counts them:
the stats panel's total and the saved statistics must say what Bedrock says, not input + output alone."""

from __future__ import annotations

from tests.ui.conftest import choose_model, send_prompt

SONNET = "us.anthropic.claude-3-7-sonnet-20250219-v1:0"


def test_the_total_counts_cached_tokens_as_bedrock_does(qtbot, make_window, local_server):
    window = make_window(local_server.url)
    choose_model(qtbot, window, SONNET)
    assert window.parameters.request_options.caching.isChecked()
    # A prefix of its own: the shared local endpoint keeps its prompt cache across tests.
    window.parameters.system_prompt.setPlainText("You are a terse reviewer who totals every figure twice. " * 120)
    send_prompt(qtbot, window, "What is a monad?")
    reply = send_prompt(qtbot, window, "And a functor?")
    stats = reply.stats
    assert stats["cacheReadInputTokens"] > 1000
    # Bedrock's totalTokens: inputTokens + outputTokens + cacheReadInputTokens + cacheWriteInputTokens.
    total = (stats["inputTokens"] + stats["outputTokens"] + stats["cacheReadInputTokens"]
             + stats["cacheWriteInputTokens"])
    assert stats["totalTokens"] == total
    shown_in, shown_out, shown_total = window.stats.values["tokens"].text().split(" / ")
    assert shown_total == f"{total:,}" and shown_in == f"{stats['inputTokens']:,}"
    assert shown_out == f"{stats['outputTokens']:,}"

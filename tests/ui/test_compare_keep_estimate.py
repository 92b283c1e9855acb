"""Keeping a compare answer makes it the reply the next request sends back: the input-token estimate beside the
prompt and the Request tab count it as soon as it is kept, and again when the person changes their mind."""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import shown_request
from tests.ui.test_compare import MODELS, compare_on, finish_compare, pick


def _tokens(label: Any) -> int:
    return int(label.text().removeprefix("≈ ").split(" ")[0].replace(",", ""))


def test_keeping_an_answer_recounts_the_estimate_and_the_request(qtbot, make_window, local_server) -> None:  # type: ignore[no-untyped-def]
    window = make_window(local_server.url)
    compare_on(window)
    panel = window.compare.panel
    panel.count.setValue(2)
    for column in panel.columns[:2]:
        pick(qtbot, column, MODELS[0])
    panel.columns[0].max_tokens.setValue(5)  # a short answer and a long one
    answers = finish_compare(qtbot, window, "Tell me about rivers [tokens:400]")
    short, long = answers
    assert len(long.text) > 10 * len(short.text)
    label, estimator = window.body.chat_column.token_estimate, window.token_estimator
    with qtbot.waitSignal(estimator.estimate_changed, timeout=5000, check_params_cb=lambda found: found is not None):
        window.prompt.setPlainText("And the sequel?")
    before = _tokens(label)
    assert long.text[-40:] not in shown_request(window)  # the Request tab is in front from here on
    preview = window.preview

    with qtbot.waitSignal(estimator.estimate_changed, timeout=5000, check_params_cb=lambda found: found is not None):
        panel.columns[1].keep_button.click()
    with_long = _tokens(label)
    assert with_long > before + 50, (before, with_long)
    qtbot.waitUntil(lambda: long.text[-40:] in preview.toPlainText(), timeout=5000)

    with qtbot.waitSignal(estimator.estimate_changed, timeout=5000, check_params_cb=lambda found: found is not None):
        panel.columns[0].keep_button.click()  # a change of mind: the short one
    assert _tokens(label) < with_long - 50
    qtbot.waitUntil(lambda: long.text[-40:] not in preview.toPlainText(), timeout=5000)
    assert short.text in preview.toPlainText()

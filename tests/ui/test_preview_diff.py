"""Which lines of the request preview changed: what the preview shades after a rebuild."""

from __future__ import annotations

from bedrock_chat.ui.preview_pane import changed_lines


def test_changed_lines_are_the_new_ones_only() -> None:
    old = "a\nb\nc\nd"
    assert changed_lines("", old) == []  # a first preview shades nothing
    assert changed_lines(old, old) == []
    assert changed_lines(old, "a\nB\nc\nd") == [1]
    assert changed_lines(old, "a\nb\nx\ny\nc\nd") == [2, 3]
    assert changed_lines(old, "a\nc\nd") == []  # a line gone: nothing new to shade
    assert changed_lines(old, "a\nb\nc\nd\ne") == [4]
    assert changed_lines("x\na\nx", "x\nb\nc\nx") == [1, 2]
    assert changed_lines(old, "z\nb\nc\nz") == [0, 3]


def test_in_place_edits_leave_exactly_the_new_text(qtbot) -> None:
    from bedrock_chat.ui.preview_pane import PreviewText

    view = PreviewText()
    qtbot.addWidget(view)
    texts = ['{\n  "text": "hi"\n}', '{\n  "text": "hi 🙂 there"\n}', '{\n  "text": "🙂🙂"\n  "x": 1\n}',
             '{\n  "text": "🙂🙂"\n}', "", '{"a": "\\"quoted\\""}', '{"a": "\\"quoted\\"", "b": "<b>x</b>"}']
    for text in texts:
        view.show_text(text)
        assert view.toPlainText() == text

"""Finished Markdown blocks: cut only at a blank line outside a code fence."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bedrock_chat.core.markdown_blocks import finished_prefix_length


def test_examples():
    assert finished_prefix_length("no break yet") == 0
    assert finished_prefix_length("one\n\ntwo") == len("one\n\n")
    assert finished_prefix_length("a\n\n```python\nx = 1\n\ny = 2") == len("a\n\n")
    assert finished_prefix_length("a\n\n```python\nx = 1\n```\n\nafter") == len("a\n\n```python\nx = 1\n```\n\n")


@given(st.text(alphabet=st.sampled_from(["a", " ", "\n", "`", "#", "-"]), max_size=80))
def test_cut_is_a_blank_line_outside_fences(text):
    cut = finished_prefix_length(text)
    if cut:
        assert text[:cut].endswith("\n\n")
        assert text[: cut - 2].count("```") % 2 == 0

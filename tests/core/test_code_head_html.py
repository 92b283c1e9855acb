"""The HTML around code blocks and tables: a code block's Copy link (a word, or the view's own icon) and the gap
that keeps a table off a code block above it, while the chunks of one long table still join."""

from __future__ import annotations

import re
from dataclasses import replace

from bedrock_chat.core.safe_markdown import COPY_TITLE, LIGHT_CODE, render_markdown, render_reply

CODE_THEN_TABLE = "```python\nprint('hi')\n```\n| a | b |\n|---|---|\n" + "".join(f"| {i} | x |\n" for i in range(400))


def test_copy_link_is_the_word_by_default_and_the_view_icon_when_asked():
    plain = render_reply("```python\nprint(1)\n```\n").html
    assert re.search(rf'<a href="copy-code:0" title="{COPY_TITLE}"[^>]*>Copy</a>', plain)
    assert "<img" not in plain
    view_theme = replace(LIGHT_CODE, copy_icon="bc-icon:copy:code-")
    icon = render_reply("```python\nprint(1)\n```\n\n```\nls\n```\n", view_theme)
    links = re.findall(r'<a href="copy-code:(\d)" title="([^"]*)"[^>]*>(.*?)</a>', icon.html)
    assert [(number, title) for number, title, _ in links] == [("0", COPY_TITLE), ("1", COPY_TITLE)]
    assert all(f'<img src="bc-icon:copy:code-{number}"' in inner and 'alt="Copy"' in inner
               for number, _, inner in links)
    assert ">Copy<" not in icon.html
    assert "<img" not in render_markdown("```python\nprint(1)\n```\n").html  # exports keep the word


def test_a_table_after_a_code_block_keeps_a_gap_and_its_chunks_join():
    for rendered in (render_reply(CODE_THEN_TABLE).html, render_markdown(CODE_THEN_TABLE).html):
        tables = re.findall(r"<table[^>]*>", rendered)
        assert tables and "margin-top:10px" in tables[0]
        assert not any("margin-top" in table for table in tables[1:])
    assert len(re.findall(r"<table", render_reply(CODE_THEN_TABLE).html)) > 1  # the long table came in chunks

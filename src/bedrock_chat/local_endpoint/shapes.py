"""Replies of a given shape, asked for with the prompt directive ``[shape:NAME]`` or ``[shape:NAME:SIZE]``.

Each shape is one of the hard cases for a chat view that renders Markdown as it streams: one long fenced
code block, one huge paragraph, a long table, deeply nested lists, a run of characters without a space.
SIZE scales the shape (lines, words, rows, items or characters); without it the full size is used.
"""

from __future__ import annotations

import re

SHAPE_DIRECTIVE = re.compile(r"\[shape:([a-z]+)(?::(\d{1,6}))?\]")

_WORDS = ("stream", "token", "river", "model", "window", "frame", "render", "answer", "layout", "cursor",
          "block", "paint", "budget", "latency", "quiet", "steady", "smooth", "reader", "signal", "thread")


def _code(lines: int) -> str:
    body = [f"    total_{i % 97} = step(total_{(i + 1) % 97}, {i % 1000})  # {i}" for i in range(lines)]
    return "Here is the whole file:\n\n```python\ndef run():\n" + "\n".join(body) + "\n```\n\nThat is all."


def _paragraph(words: int) -> str:
    picked = [_WORDS[(i * 7 + i // 20) % len(_WORDS)] for i in range(words)]
    sentences = [" ".join(picked[i:i + 20]).capitalize() + "." for i in range(0, words, 20)]
    return "A long paragraph follows. " + " ".join(sentences)


def _table(rows: int) -> str:
    lines = ["| Row | Name | Value |", "|---|---|---|"]
    lines += [f"| {i} | item {_WORDS[i % len(_WORDS)]} | {i % 997} |" for i in range(rows)]
    return "The table:\n\n" + "\n".join(lines) + "\n\nEnd of table."


def _nested(items: int) -> str:
    lines = []
    for i in range(items):
        depth = i % 8
        lines.append("  " * depth + f"- level {depth} item {i} with {_WORDS[i % len(_WORDS)]}")
    return "Nested lists:\n\n" + "\n".join(lines) + "\n\nDone."


def _nospace(characters: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return "Without a space: " + "".join(letters[(i * 5) % 26] for i in range(characters)) + "\n\nThe end."


_SHAPES = {
    "code": (_code, 2000),
    "paragraph": (_paragraph, 25_000),
    "table": (_table, 1000),
    "nested": (_nested, 800),
    "nospace": (_nospace, 20_000),
}
SHAPE_NAMES = tuple(_SHAPES)


def shaped_answer(prompt: str) -> str | None:
    """The answer a ``[shape:...]`` directive asks for, or None when the prompt has none (or an unknown one)."""
    match = SHAPE_DIRECTIVE.search(prompt)
    if match is None or match.group(1) not in _SHAPES:
        return None
    build, full_size = _SHAPES[match.group(1)]
    return build(int(match.group(2)) if match.group(2) else full_size)

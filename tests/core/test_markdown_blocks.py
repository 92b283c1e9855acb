"""Pieces of streamed Markdown: cut only where settled, and the same however the text arrives."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bedrock_chat.core.markdown_blocks import (
    LONG_BLOCK,
    BlockSplitter,
    Piece,
    PieceKind,
    split_whole,
)
from bedrock_chat.core.safe_markdown import RenderContext, render_pieces, render_reply
from bedrock_chat.local_endpoint.shapes import SHAPE_NAMES, shaped_answer

SHAPES = {name: shaped_answer(f"[shape:{name}]") or "" for name in SHAPE_NAMES}
SHAPES["prose"] = "\n\n".join(f"Paragraph {i} with **bold** and `code`.\n\n- a\n- b" for i in range(200))


def streamed(text: str, rng: random.Random, largest: int = 400) -> list[Piece]:
    splitter, pieces, arrived = BlockSplitter(), [], 0
    while arrived < len(text):
        arrived += rng.randint(1, largest)
        pieces += splitter.feed(text[:arrived])
        assert splitter.position <= min(arrived, len(text))
    return pieces + splitter.finish(text)


def test_short_blocks_are_cut_at_blank_lines_outside_fences():
    assert [p.text for p in split_whole("one\n\ntwo")] == ["one\n\n", "two"]
    fenced = "a\n\n```python\nx = 1\n\ny = 2\n```\n\nafter"
    assert [p.text for p in split_whole(fenced)] == ["a\n\n", "```python\nx = 1\n\ny = 2\n```\n\n", "after"]
    splitter = BlockSplitter()
    assert [p.text for p in splitter.feed("a\n\n```python\nx = 1\n\ny = 2")] == ["a\n\n"]
    assert splitter.position == len("a\n\n")


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_shape_streamed_in_any_slices_gives_the_pieces_of_the_whole(shape):
    text = SHAPES[shape]
    whole = split_whole(text)
    for seed in range(3):
        assert streamed(text, random.Random(seed), largest=[7, 300, 5000][seed]) == whole


@pytest.mark.parametrize(("shape", "kind"), [("code", PieceKind.CODE), ("paragraph", PieceKind.PARAGRAPH),
                                             ("table", PieceKind.TABLE), ("nested", PieceKind.LIST),
                                             ("nospace", PieceKind.PARAGRAPH)])
def test_a_long_block_is_cut_into_bounded_pieces(shape, kind):
    pieces = split_whole(SHAPES[shape])
    assert sum(piece.kind is kind for piece in pieces) >= 5
    assert max(len(piece.text) for piece in pieces) <= 2 * LONG_BLOCK
    if kind is PieceKind.PARAGRAPH:  # nothing lost or added: the same characters, in order
        assert "".join("".join(piece.text.split()) for piece in pieces) == "".join(SHAPES[shape].split())


def test_a_paragraph_is_not_cut_inside_emphasis_or_code():
    text = ("Word " * 400 + "**bold " + "word " * 400 + "still bold** and `code " + "x " * 300 + "` end. ") * 3
    for piece in split_whole(text):
        assert piece.text.count("**") % 2 == 0 and piece.text.count("`") % 2 == 0


def test_pieces_render_as_the_whole_reply():
    for text in SHAPES.values():
        context = RenderContext()
        splitter, fragments = BlockSplitter(), []
        rng = random.Random(5)
        arrived = 0
        while arrived < len(text):
            arrived += rng.randint(1, 2000)
            fragments.append(render_pieces(splitter.feed(text[:arrived]), context))
        fragments.append(render_pieces(splitter.finish(text), context))
        whole = render_reply(text)
        assert "".join(fragments) == whole.html
        assert context.code_blocks == whole.code_blocks


def test_a_long_code_block_copies_whole():
    rendered = render_reply(SHAPES["code"])
    assert len(rendered.code_blocks) == 1
    assert rendered.code_blocks[0].count("\n") == 2001 and "total_" in rendered.code_blocks[0]


alphabet = st.sampled_from(["a", "b", " ", "\n", "`", "#", "-", "|", "*", "1.", "```", "> "])


@settings(max_examples=60, deadline=None)
@given(st.lists(alphabet, max_size=400), st.integers(min_value=0, max_value=10_000), st.integers(1, 50))
def test_random_markdown_streams_to_the_same_pieces(parts, seed, repeat):
    text = "".join(parts) * repeat  # repeated so that some blocks pass LONG_BLOCK
    assert streamed(text, random.Random(seed), largest=97) == split_whole(text)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_each_piece_knows_where_its_text_ends(shape):
    ends = [piece.end for piece in split_whole(SHAPES[shape])]
    assert ends == sorted(ends) and ends[-1] == len(SHAPES[shape])


@pytest.mark.parametrize("run", ["你好世界" * 2500, "नमस्ते" * 2000, "x" * 12_000])
def test_a_paragraph_without_spaces_is_cut_between_whole_characters(run):
    import unicodedata

    pieces = split_whole(run)
    assert len(pieces) >= 4 and all(piece.kind is PieceKind.PARAGRAPH for piece in pieces)
    assert "".join(piece.text for piece in pieces) == run
    assert not any(unicodedata.category(piece.text[0]).startswith("M") for piece in pieces)
    assert streamed(run, random.Random(9), largest=300) == pieces

"""Renders untrusted Markdown (model output) to HTML that cannot run, fetch or smuggle anything.

Raw HTML is escaped, images become text, only http(s) links stay links, and fenced code is highlighted
with inline styles. Each code block gets a ``copy-code:N`` link, resolved against ``code_blocks``.
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bedrock_chat.core.markdown_blocks import Piece, PieceKind, split_whole

if TYPE_CHECKING:
    from pygments.lexer import Lexer

# markdown-it and pygments load with the first rendering, not at startup (30 ms of imports).

COPY_SCHEME = "copy-code"
COPY_TITLE = "Copy this code"
CELL_BORDER = "border: 1px solid "
_SAFE_SCHEMES = {"http", "https"}
_TABLE_MARGIN = "; margin-top:10px"
_TABLE_OPEN = f'<table cellspacing="0" cellpadding="5" width="100%" style="border-collapse: collapse{_TABLE_MARGIN}">\n'


def is_safe_link(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in _SAFE_SCHEMES and bool(parts.netloc)


@dataclass
class RenderedMarkdown:
    html: str
    code_blocks: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CodeTheme:
    pygments_style: str
    background: str
    header: str
    # The start of an image URL the view draws itself (the block's number completes it): the Copy link shows
    # that icon. Empty: the word "Copy" (exports, which have no such images).
    copy_icon: str = ""


LIGHT_CODE = CodeTheme("friendly", "#f4f5f7", "#6b7280")
DARK_CODE = CodeTheme("monokai", "#1f2125", "#9ca3af")


# pygments loads its formatters and lexers lazily, and two threads loading them at once (the warm-up thread and
# the GUI thread's first rendering) can see a half-initialised module: "cannot import name 'HtmlFormatter'".
# Everything that may load pygments or markdown-it takes this lock; after the first use it is never contended.
_LOADING = threading.RLock()


def _lexer_for(language: str) -> Lexer:
    with _LOADING:
        return _cached_lexer(language)


@cache
def _cached_lexer(language: str) -> Lexer:
    """Cached: pygments looks up plugin entry points on every call by name, tens of milliseconds each.
    Leading and trailing blank lines are kept: a long block is highlighted in chunks that must join exactly."""
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language, stripnl=False)
    except ClassNotFound:
        return get_lexer_by_name("text", stripnl=False)


def _guessed_lexer(code: str) -> Lexer:
    with _LOADING:
        return _guess(code)


def _guess(code: str) -> Lexer:
    from pygments.lexers import guess_lexer
    from pygments.util import ClassNotFound

    try:
        lexer = guess_lexer(code)
    except ClassNotFound:
        return _lexer_for("text")
    return _lexer_for(lexer.aliases[0]) if lexer.aliases else _lexer_for("text")


@dataclass
class RenderContext:
    """What the pieces of one reply share: its code blocks (for Copy) and the lexer of a long code block."""

    code_blocks: list[str] = field(default_factory=list)
    lexer: Lexer | None = None
    language: str = ""


class _Renderer:
    """One parser per code theme, built once: building markdown-it costs more than rendering a message."""

    def __init__(self, theme: CodeTheme) -> None:
        from markdown_it import MarkdownIt
        from pygments.formatters import HtmlFormatter

        self.theme = theme
        self.formatter = HtmlFormatter(style=theme.pygments_style, noclasses=True, nowrap=True)
        self.parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        self.parser.enable(["table", "strikethrough"])
        self.parser.validateLink = is_safe_link  # type: ignore[method-assign]
        renderer: Any = self.parser.renderer
        rules = renderer.rules
        rules["image"] = self._image
        rules["fence"] = self._fence
        rules["code_block"] = self._fence
        # Collapsed borders drawn by the cells: the chunks of a long table (one table each, see markdown_blocks)
        # then join without the double line that two framed tables make.
        # Its top margin keeps a table off a code block just above it (shaded to the last line); a continuation
        # chunk drops it (see ``_render_piece``).
        rules["table_open"] = lambda *args: _TABLE_OPEN
        rules["th_open"] = self._cell
        rules["td_open"] = self._cell
        rules["link_open"] = self._link_open

    def _link_open(self, tokens: list[Any], index: int, options: Any, env: Any) -> str:
        # No title: Qt shows a link's title as its hover tooltip, and renders a tooltip that looks like HTML as
        # rich text, loading its images (file: too). The confirmation before opening shows the address anyway.
        token = tokens[index]
        token.attrs.pop("title", None)
        renderer: Any = self.parser.renderer
        return str(renderer.renderToken(tokens, index, options, env))

    def _cell(self, tokens: list[Any], index: int, options: Any, env: Any) -> str:
        token = tokens[index]
        align = token.attrGet("style")  # text-align from the delimiter row
        style = f"{CELL_BORDER}{self.theme.header}" + (f"; {align}" if align else "")
        return f'<{token.tag} style="{html.escape(style)}">'

    def _image(self, tokens: list[Any], index: int, options: Any, env: Any) -> str:
        token = tokens[index]
        alt = html.escape(token.content or "image")
        source = html.escape(str(token.attrGet("src") or ""))
        return f"<i>[image: {alt}]</i> <small>({source})</small>"

    def _fence(self, tokens: list[Any], index: int, options: Any, env: dict[str, Any]) -> str:
        token = tokens[index]
        code = token.content
        language = (token.info or "").strip().split(" ")[0]
        lexer = _lexer_for(language) if language else _guessed_lexer(code)
        code_blocks: list[str] = env["code_blocks"]
        code_blocks.append(code)
        return self.code_head(language or lexer.name.lower(), len(code_blocks) - 1) + self.code_lines(code, lexer)

    def code_head(self, label: str, number: int) -> str:
        """The label line of a code block, with its Copy link. Code is a run of shaded blocks, not a table:
        Qt lays a table cell out again whole whenever a line is added to it, which a long block cannot afford."""
        copy = "Copy"
        if self.theme.copy_icon:
            copy = (f'<img src="{html.escape(self.theme.copy_icon)}{number}" width="14" height="14" '
                    'style="vertical-align:middle" alt="Copy">')
        return (f'<p style="background-color:{self.theme.background}; margin-top:8px; margin-bottom:0">'
                f'<span style="color:{self.theme.header}; font-size:small">{html.escape(label)}</span>'
                f'&nbsp;&nbsp;<a href="{COPY_SCHEME}:{number}" title="{COPY_TITLE}" style="font-size:small">'
                f'{copy}</a></p>\n')

    def code_lines(self, code: str, lexer: Lexer) -> str:
        from pygments import highlight

        if not code:
            return ""
        highlighted = highlight(code, lexer, self.formatter)
        highlighted = highlighted[:-1] if highlighted.endswith("\n") else highlighted
        return (f'<pre style="background-color:{self.theme.background}; font-family: monospace; margin-top:0; '
                f'margin-bottom:0">{highlighted}</pre>\n')

    def render(self, text: str) -> RenderedMarkdown:
        env: dict[str, Any] = {"code_blocks": []}
        return RenderedMarkdown(self.parser.render(text, env), env["code_blocks"])


def _renderer(theme: CodeTheme) -> _Renderer:
    with _LOADING:
        return _cached_renderer(theme)


@cache
def _cached_renderer(theme: CodeTheme) -> _Renderer:
    return _Renderer(theme)


def render_markdown(text: str, theme: CodeTheme = LIGHT_CODE) -> RenderedMarkdown:
    """The whole text in one pass (exports); the chat view renders by pieces (``render_reply``)."""
    return _renderer(theme).render(text)


def render_pieces(pieces: list[Piece], context: RenderContext, theme: CodeTheme = LIGHT_CODE) -> str:
    """HTML of consecutive pieces of one reply; the pieces of a whole reply give its whole rendering."""
    renderer = _renderer(theme)
    return "".join(_render_piece(renderer, piece, context) for piece in pieces)


def render_reply(text: str, theme: CodeTheme = LIGHT_CODE) -> RenderedMarkdown:
    """A reply cut into the same pieces as when it streamed, so it looks exactly as it did then."""
    context = RenderContext()
    return RenderedMarkdown(render_pieces(split_whole(text), context, theme), context.code_blocks)


_CELL = re.compile(r"<(t[hd])(?=[ >])")
_HEAD = re.compile(r"<thead>.*?</thead>\s*", re.DOTALL)
_BORDER = re.compile(CELL_BORDER + "#[0-9a-fA-F]+")


def _render_piece(renderer: _Renderer, piece: Piece, context: RenderContext) -> str:
    if piece.kind is PieceKind.BLOCK:
        env: dict[str, Any] = {"code_blocks": context.code_blocks}
        return str(renderer.parser.render(piece.text, env))
    if piece.kind is PieceKind.PARAGRAPH:
        top = "" if piece.first else "margin-top:0; "
        bottom = "" if piece.last else "margin-bottom:0"
        style = f' style="{top}{bottom}"' if top or bottom else ""
        return f"<p{style}>{renderer.parser.renderInline(piece.text)}</p>\n"
    if piece.kind is PieceKind.CODE_HEAD:
        context.language = piece.text
        context.lexer = _lexer_for(piece.text) if piece.text else None
        context.code_blocks.append("")
        return renderer.code_head(piece.text or "code", len(context.code_blocks) - 1)
    if piece.kind is PieceKind.CODE:
        if context.lexer is None:  # no language given: guessed once, from the first chunk
            context.lexer = _guessed_lexer(piece.text)
        if context.code_blocks:
            context.code_blocks[-1] += piece.text
        return renderer.code_lines(piece.text, context.lexer)
    if piece.kind is PieceKind.TABLE:
        table = str(renderer.parser.render(piece.info + piece.text))
        if not piece.first:  # a continuation: no header or margin, and its first row's top border is the row above's
            table = _HEAD.sub("", table.replace(_TABLE_MARGIN, "", 1))
            first_row_end = table.find("</tr>")
            table = _BORDER.sub(r"\g<0>; border-top-style: none", table[:first_row_end]) + table[first_row_end:]
        # Every chunk is its own table (see markdown_blocks); equal columns keep the chunks aligned.
        columns = max(1, piece.info.split("\n")[0].strip().strip("|").count("|") + 1)
        return _CELL.sub(lambda m: f'<{m.group(1)} width="{100 // columns}%"', table)
    return str(renderer.parser.render(piece.text))  # LIST: whole top-level items


def warm_up_rendering() -> None:
    """Pays the one-time costs (imports, the Python lexer's regexes: ~180 ms) on a background thread, so the
    first code block of a session does not stall the window."""
    for theme in (LIGHT_CODE, DARK_CODE):
        render_markdown("```python\nprint('warm')\n```\n\n| a |\n|---|\n| b |", theme)

"""Renders untrusted Markdown (model output) to HTML that cannot run, fetch or smuggle anything.

Raw HTML is escaped, images become text, only http(s) links stay links, and fenced code is highlighted
with inline styles. Each code block gets a ``copy-code:N`` link, resolved against ``code_blocks``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from pygments.lexer import Lexer

# markdown-it and pygments load with the first rendering, not at startup (30 ms of imports).

COPY_SCHEME = "copy-code"
_SAFE_SCHEMES = {"http", "https"}


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


LIGHT_CODE = CodeTheme("friendly", "#f4f5f7", "#6b7280")
DARK_CODE = CodeTheme("monokai", "#1f2125", "#9ca3af")


@cache
def _lexer_for(language: str) -> Lexer:
    """Cached: pygments looks up plugin entry points on every call by name, tens of milliseconds each."""
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language)
    except ClassNotFound:
        return get_lexer_by_name("text")


def _guessed_lexer(code: str) -> Lexer:
    from pygments.lexers import guess_lexer
    from pygments.util import ClassNotFound

    try:
        return guess_lexer(code)
    except ClassNotFound:
        return _lexer_for("text")


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
        rules["table_open"] = lambda *args: '<table border="1" cellspacing="0" cellpadding="5" width="100%">\n'

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
        from pygments import highlight

        highlighted = highlight(code, lexer, self.formatter).rstrip("\n")
        code_blocks: list[str] = env["code_blocks"]
        number = len(code_blocks)
        code_blocks.append(code)
        label = html.escape(language or lexer.name.lower())
        return (
            f'<table width="100%" cellspacing="0" cellpadding="8" bgcolor="{self.theme.background}">'
            f'<tr><td><span style="color:{self.theme.header}; font-size:small">{label}</span>'
            f'&nbsp;&nbsp;<a href="{COPY_SCHEME}:{number}" style="font-size:small">Copy</a>'
            f'<pre style="font-family: monospace; margin:0">{highlighted}</pre></td></tr></table>\n'
        )

    def render(self, text: str) -> RenderedMarkdown:
        env: dict[str, Any] = {"code_blocks": []}
        return RenderedMarkdown(self.parser.render(text, env), env["code_blocks"])


@cache
def _renderer(theme: CodeTheme) -> _Renderer:
    return _Renderer(theme)


def render_markdown(text: str, theme: CodeTheme = LIGHT_CODE) -> RenderedMarkdown:
    return _renderer(theme).render(text)


def warm_up_rendering() -> None:
    """Pays the one-time costs (imports, the Python lexer's regexes: ~180 ms) on a background thread, so the
    first code block of a session does not stall the window."""
    for theme in (LIGHT_CODE, DARK_CODE):
        render_markdown("```python\nprint('warm')\n```\n\n| a |\n|---|\n| b |", theme)

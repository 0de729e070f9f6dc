"""Text from content is data, not markup: escaping for generated Markdown, and sanitised Markdown for bios.

Every value a page template prints goes through `md_escape` unless it is a `Markup` made here, so a `<script>` or a
`[link](javascript:...)` in a YAML field reaches the site as visible text, never as active content.
"""

from __future__ import annotations

import html
import re

import markdown
import nh3
from markupsafe import Markup

# Inline markup characters of Python-Markdown (its ESCAPED_CHARS) and '|' for tables are escaped everywhere; '#', '+',
# '-' and '.' only start a block (heading, list, rule) at the start of a line, so they are escaped there only.
# '<', '>', '&' and quotes become entities first.
_MD_INLINE = re.compile(r"([\\`*_{}\[\]()!|])")
_MD_LINE_START = re.compile(r"^([#+\-]|\d+(?=\.))")
_WHITESPACE = re.compile(r"\s+")

_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "h3", "h4", "a", "table", "thead", "tbody",
    "tr", "th", "td", "hr", "code",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_URL_SCHEMES = {"http", "https", "mailto"}


def md_escape(value: object) -> str:
    """Render any value as literal inline Markdown text: one line, no markup, no HTML."""
    if isinstance(value, Markup):
        return str(value)
    text = _WHITESPACE.sub(" ", str(value)).strip()
    text = _MD_INLINE.sub(r"\\\1", html.escape(text, quote=True))
    return _MD_LINE_START.sub(lambda m: "\\" + m[0] if not m[0].isdigit() else m[0] + "\\", text)


def html_text(value: object) -> Markup:
    """A value for a raw HTML block or attribute inside generated Markdown: entities only."""
    return Markup(html.escape(str(value), quote=True))


_MARKDOWN = markdown.Markdown(extensions=["sane_lists"], output_format="html")
"""One converter for every bio: making one costs more than converting a bio (the build makes 20,000 pages)."""


def markdown_html(source: str) -> Markup:
    """Editors' Markdown (bios, descriptions) as sanitised HTML: formatting and http(s) links only."""
    rendered = _MARKDOWN.reset().convert(source)
    # Headings inside a bio must not compete with the page's own: h1/h2 become h3.
    rendered = re.sub(r"<(/?)h[12]\b", r"<\1h3", rendered)
    clean = nh3.clean(
        rendered,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(clean)

"""Part of the MkDocs plugin: the pages of single deputies, stations, areas and levels, laid out without MkDocs'
page-by-page work.

A city has 20,000 deputies and thousands of stations and areas. MkDocs would run Python-Markdown, Material's template
and the search plugin's HTML parser once for each. Instead MkDocs renders three skeleton pages (one with a deputy's
forms, one with a station's, one plain) at `mashangslot-section/mashangslot-<variant>id/`, whose title, description,
heading, body and table of contents are slot tokens; each entity page is then its skeleton with the slots filled.
Every entity page sits at the same depth (`<section>/<id>/`), so every relative URL in a skeleton holds for all.
MkDocs still knows each entity page as a file (`StandInFile`), so links to it resolve and are checked.
"""

from __future__ import annotations

import html
import re
from typing import Any

import markdown
import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils.meta import get_data

from .. import urls
from ..pages import HtmlPage, TocEntry

SLOT = "mashangslot-"
"""Slot tokens in the skeleton pages: `SLOT + name` for each slot; entity ids may not start with it."""
_SLOTS = re.compile(SLOT + "([a-z]+)")
VARIANTS = ("deputy", "station", "plain")
"""Skeletons by the form a page carries: a deputy's (message and yearly evaluation), a station's, or none."""
CONTENT = f'<h1 id="{SLOT}heading">{SLOT}body</h1>'
"""What a skeleton page's content is set to; Material adds no h1 of its own to a page that has one."""
TOC = TocEntry(1, SLOT + "heading", SLOT + "title", (TocEntry(2, SLOT + "section", SLOT + "section"),))
"""A skeleton page's table of contents: the h1 (the skip link points at it) over one section."""


def skeleton_path(variant: str) -> str:
    return f"{SLOT}section/{SLOT}{variant}id/"


def skeleton_source(variant: str) -> str:
    """The Markdown of a skeleton page: only front matter counts (its content is replaced by `CONTENT`)."""
    meta: dict[str, Any] = {"title": SLOT + "title", "description": SLOT + "desc", "search": {"exclude": True}}
    if variant != "plain":
        meta["message_target"] = f"{variant}:{SLOT}{variant}id"
    return "---\n" + yaml.safe_dump(meta) + "---\n\n" + SLOT + "body\n"


def variant_of(page: HtmlPage) -> str:
    return page.message_target.split(":", 1)[0] if page.message_target else "plain"


class StandInFile(File):
    """An entity page the plugin writes itself: known to MkDocs so that links to it resolve, never read or built."""

    def __init__(self, config: MkDocsConfig, path: str) -> None:
        super().__init__(urls.source_of(path), None, config.site_dir, True, dest_uri=path + "index.html")
        self.inclusion = InclusionLevel.NOT_IN_NAV

    def is_documentation_page(self) -> bool:
        return False

    def is_media_file(self) -> bool:
        return False

    def copy_file(self, dirty: bool = False) -> None:
        pass


def anchor(entry: TocEntry) -> AnchorLink:
    """A heading as MkDocs' table of contents holds it: its title is HTML (Material prints it as is), so escaped."""
    link = AnchorLink(html.escape(entry.title), entry.id, entry.level)
    link.children = [anchor(child) for child in entry.children]
    return link


class Skeleton:
    """A rendered skeleton page cut at its slots; `fill` puts one page's values in."""

    def __init__(self, rendered: str, toc_html: str) -> None:
        for part in (CONTENT, toc_html):
            if rendered.count(part) != 1:
                raise PluginError(f"mashang: the theme changed: {part[:40]!r} found {rendered.count(part)} times")
        self.parts = _SLOTS.split(rendered.replace(CONTENT, SLOT + "body").replace(toc_html, SLOT + "toc"))
        known = {"section", "title", "desc", "heading", "body", "toc"} | {f"{v}id" for v in VARIANTS}
        if unknown := set(self.parts[1::2]) - known:
            raise PluginError(f"mashang: unknown slots {sorted(unknown)} in a skeleton page")

    def fill(self, page: HtmlPage, toc_html: str) -> str:
        section, page_id = page.path.strip("/").split("/")
        values = {
            "section": section,
            "title": html.escape(page.title),
            "desc": html.escape(page.description),
            "heading": page.toc.id,
            "body": page.body,
            "toc": toc_html,
        }
        values |= {f"{v}id": page_id for v in VARIANTS}
        return "".join(part if i % 2 == 0 else values[part] for i, part in enumerate(self.parts))


class MarkdownPages:
    """Generated Markdown pages to `HtmlPage`s with the site's Markdown settings, through one converter (making one
    costs more than converting a page). Their links are site URLs already (`pages.is_entity_page`)."""

    def __init__(self, config: MkDocsConfig) -> None:
        self.md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)

    def convert(self, path: str, source: str) -> tuple[HtmlPage, dict[str, Any]]:
        text, meta = get_data(source)
        body = self.md.reset().convert(text)
        tokens = getattr(self.md, "toc_tokens", [])
        if len(tokens) != 1 or tokens[0]["level"] != 1:
            raise PluginError(f"mashang: {path} must have one h1 above its sections")
        title = html.unescape(str(meta.get("title", "")))
        page = HtmlPage(
            path=path,
            title=title,
            description=html.unescape(str(meta.get("description", ""))),
            message_target=meta.get("message_target"),
            body=body,
            toc=_toc_entry(tokens[0]),
        )
        return page, meta


def _toc_entry(token: dict[str, Any]) -> TocEntry:
    children = tuple(_toc_entry(child) for child in token["children"])
    return TocEntry(token["level"], token["id"], html.unescape(token["name"]), children)


_H2 = re.compile(r"<h2\b[^>]*>")


def searched_part(page: HtmlPage) -> str:
    """What of a page goes to the search index: a deputy's page by its top only (name and summary); another page up
    to where every remaining section is marked data-search-exclude (Material would parse them only to drop them)."""
    if page.path.startswith("deputies/"):
        return page.body.split("<h2", 1)[0]
    cut = len(page.body)
    for heading in reversed(list(_H2.finditer(page.body))):
        if "data-search-exclude" not in heading[0]:
            break
        cut = heading.start()
    return page.body[:cut]


class SearchablePage:
    """What Material's search index reads of a page (its `add_entry_from_context`)."""

    def __init__(self, page: HtmlPage, content: str, meta: dict[str, Any] | None = None) -> None:
        self.content = content
        self.toc = TableOfContents([anchor(page.toc)])
        self.url = page.path
        self.title = page.title
        self.meta = meta or {}

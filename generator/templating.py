"""One Jinja environment for every template in generator/templates/: pages, deputy pages, posters, yearly reports.

The template's name decides how what it prints is escaped: `*.md.j2` (generated Markdown) escapes every value for
Markdown (`markup.md_escape`) unless it is a `Markup` made by markup.py; any other template (HTML, CSS) is autoescaped
as HTML. So a `<script>` or a `[link](javascript:...)` in a YAML field reaches the site as visible text.
"""

from __future__ import annotations

from collections.abc import Callable

import jinja2
from markupsafe import Markup

from . import deadlines, messages, urls
from .events import FEED_AREA_LEVELS
from .figures import Bar, BarChart, evaluation_totals, message_totals, one_decimal, percent
from .markup import html_text, markdown_html, md_escape
from .model import AREA_LEVELS, CONGRESS_LEVELS
from .scoring import signed


def _autoescape(name: str | None) -> bool:
    """HTML escaping for every template but the Markdown ones, which `_finalize` escapes for Markdown instead."""
    return not (name or "").endswith(".md.j2")


@jinja2.pass_eval_context
def _finalize(context: jinja2.nodes.EvalContext, value: object) -> object:
    """Every `{{ value }}` of a Markdown template is literal text; autoescaped templates escape it themselves."""
    return value if context.autoescape else md_escape(value)


ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("generator", "templates"),
    finalize=_finalize,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    autoescape=_autoescape,
    extensions=["jinja2.ext.do"],
    auto_reload=False,  # the templates are part of the code: no stat of the file on every get_template
)


def html_linker(page: str) -> Callable[[str], Markup]:
    """A function giving the relative URL from directory page `page` to a site path (a directory URL or a file).

    Site paths are relative, normalised and `/`-separated (urls.py), so this is `posixpath.relpath` without its
    `abspath` and `getcwd` calls, which made a tenth of a build with events (a page has dozens of links)."""
    here = page.strip("/").split("/") if page.strip("/") else []

    def link(path: str) -> Markup:
        there = path.strip("/").split("/") if path.strip("/") else []
        same = 0
        for a, b in zip(here, there, strict=False):
            if a != b:
                break
            same += 1
        relative = "/".join([".."] * (len(here) - same) + there[same:]) or "."
        return Markup(relative + "/" if path.endswith("/") else relative)

    return link


def html_block(template: str, **context: object) -> Markup:
    """An HTML partial (autoescaped) inside a Markdown page: figures, tables and charts shared with deputy pages."""
    return Markup(ENV.get_template(template).render(urls=urls, **context).strip())


def bar_chart(
    chart_id: str,
    title: str,
    headers: tuple[str, str],
    bars: list[tuple],
    *,
    table: bool = True,
    full: float | None = None,
) -> Markup:
    """A bar chart and its table; `bars`: (label, value, the value as printed[, as the table prints it]).

    `table=False` when a table right after the chart already holds its figures (the chart's text alternative);
    `full=100` when the values are percentages (a bar's width is then its share, not its part of the largest).
    """
    chart = BarChart(chart_id, title, *headers, tuple(Bar(*bar) for bar in bars), full)
    return html_block("bar_chart.html.j2", chart=chart, table=table)


def share_bars(parts: list[tuple[str, int]], whole: int, unit: str) -> list[tuple[str, int, str, str]]:
    """Bars of parts of a whole: each labelled with its count, and in the table with its share as well."""
    share = messages.CHART_SHARE
    return [
        (label, value, f"{value} {unit}", share.format(value=value, unit=unit, share=percent(value, whole)))
        for label, value in parts
    ]


def _date_zh(day: object) -> str:
    return messages.DATE_FORMAT.format(year=day.year, month=day.month, day=day.day)  # type: ignore[attr-defined]


def _month_day(day: object) -> str:
    return messages.MONTH_DAY_FORMAT.format(month=day.month, day=day.day)  # type: ignore[attr-defined]


def when_zh(occurrence: object) -> str:
    """An occurrence (or a one-off event) in a list line: date, weekday and times; an event over several days names
    its last day. A filter, not an included template: deputy pages list five each (20,000 pages)."""
    start, end = occurrence.start, occurrence.end  # type: ignore[attr-defined]
    last = _month_day(end) + " " if end.date() != start.date() else ""
    return f"{_date_zh(start)}（{messages.WEEKDAY_NAMES[start.weekday()]}）{start:%H:%M}-{last}{end:%H:%M}"


ENV.filters.update(
    markdown=markdown_html,
    html=html_text,
    date_zh=_date_zh,
    when_zh=when_zh,
    congress_label=messages.CONGRESS_LEVEL_LABELS.__getitem__,
    month_day=_month_day,
    weekday_zh=lambda day: messages.WEEKDAY_NAMES[day.weekday()],
    hm=lambda time: time.strftime("%H:%M"),
    signed=signed,
    on_time_bar=lambda f: (f.name, f.in_time / f.due * 100, percent(f.in_time, f.due)),
    one_decimal=one_decimal,
)
ENV.globals.update(
    labels=messages,
    deadlines=deadlines,  # when an answer comes, as the form service counts it
    AREA_LEVELS=AREA_LEVELS,
    CONGRESS_LEVELS=CONGRESS_LEVELS,
    FEED_AREA_LEVELS=FEED_AREA_LEVELS,
    percent=percent,
    html_block=html_block,
    bar_chart=bar_chart,
    share_bars=share_bars,
    message_totals=message_totals,
    evaluation_totals=evaluation_totals,
)

"""Printable yearly reports (年度履职情况): one A4 document per deputy and year on record, material for the deputy's
report to the voters (述职). Standalone HTML in the station posters' print style (poster.css), nothing loaded from
outside the site; the caller writes it to `urls.deputy_report`. Pure.
"""

from __future__ import annotations

from . import urls
from .directory import Directory
from .messages import CONGRESS_LEVEL_LABELS
from .model import Deputy
from .templating import ENV


def render_report(directory: Directory, deputy: Deputy, year: int, *, site_url: str, root: str = "../") -> str:
    """The report of `deputy` for `year` (which must be on record); `root`: the relative path to the site root."""
    years = {record.year: (record, points) for record, points in directory.record_years(deputy)}
    record, points = years[year]
    stats = directory.stats
    figures = stats.deputies.get(deputy.id) if stats else None
    stations = [directory.content.stations[s] for s in deputy.stations if s in directory.content.stations]
    return ENV.get_template("report.html.j2").render(
        d=directory,
        deputy=deputy,
        levels=[CONGRESS_LEVEL_LABELS[level] for level in directory.levels_of(deputy)],
        stations=stations if directory.is_current(deputy) else [],
        record=record,
        points=points,
        stats=stats,
        figures=figures,
        evaluation=figures.evaluations.get(str(year)) if figures else None,
        messages_shown=stats is not None and stats.generated_on.year == year,
        root=root,
        page_url=urls.absolute(site_url, urls.deputy_page(deputy.id)),
        urls=urls,
    )

"""Model -> the suggestions' pages: one a suggestion or motion with its handling (department, deadline, 督办, the
stages with dates, the answer, the deputy's satisfaction), the suggestions index with counts by status, year and
department and a chart of each department's on-time share, and a list a year, a status and a department (plain
pages: no JavaScript needed). Pure."""

from __future__ import annotations

from . import messages, urls
from .directory import Directory
from .event_pages import PageSpec
from .model import PROPOSAL_STATUSES
from .suggestions import Suggestion, by_department, department_slug, grouped


def suggestion_pages(directory: Directory) -> list[PageSpec]:
    """A page a suggestion, a list a year, status and department, and the index; nothing without suggestions."""
    m = messages
    found = directory.suggestions
    if not found:
        return [_index(directory, found)]
    pages = [suggestion_page(directory, s) for s in found]
    for facet in ("year", "status", "department"):
        for key, listed in grouped(found, facet).items():
            label = _label(facet, key)
            title = m.SUGGESTIONS_LIST_TITLE.format(label=label)
            slug = department_slug(key) if facet == "department" else key
            context = {"listed": listed, "heading": title, "facet": facet, "by_status": _by_status(listed)}
            description = m.INDEX_DESCRIPTION.format(title=title)
            pages.append(
                PageSpec(urls.suggestions_list(facet, slug), "suggestions_list.md.j2", title, description, context)
            )
    pages.append(_index(directory, found))
    return pages


def _label(facet: str, key: str) -> str:
    if facet == "year":
        return messages.YEAR_LABEL.format(year=key)
    if facet == "status":
        return messages.PROPOSAL_STATUS_LABELS[key]
    return key


def _by_status(listed: list[Suggestion]) -> list[tuple[str, list[Suggestion]]]:
    groups = grouped(listed, "status")
    return [(status, groups[status]) for status in PROPOSAL_STATUSES if status in groups]


def _index(directory: Directory, found: list[Suggestion]) -> PageSpec:
    title = messages.SUGGESTIONS_TITLE
    departments = by_department(found, directory.today)
    context = {
        "found": found,
        "by_year": grouped(found, "year"),
        "by_status": _by_status(found),
        "departments": departments,
        "slug": department_slug,
    }
    return PageSpec(
        urls.SUGGESTIONS, "suggestions_index.md.j2", title, messages.INDEX_DESCRIPTION.format(title=title), context
    )


def suggestion_page(directory: Directory, s: Suggestion) -> PageSpec:
    p = s.proposal
    deputy = directory.content.deputies[s.deputy]
    kind = messages.ACTIVITY_KIND_LABELS[p.kind]
    description = messages.SUGGESTION_DESCRIPTION.format(kind=kind, name=deputy.name, title=p.title)
    context = {"s": s, "p": p, "deputy": deputy, "kind": kind, "slug": department_slug}
    return PageSpec(urls.suggestion_page(s.key), "suggestion.md.j2", p.title, description, context)

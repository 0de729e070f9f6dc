"""Reply templates (答复模板) the office keeps: a title and the text an answer starts from. Pure: records in, records
out; kept beside the accounts by a store (forms_api/store/templates.py)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

MAX_TITLE = 40
MAX_TEMPLATE = 2000
MAX_TEMPLATES = 100  # a <select> on every answer form: a short list
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class ReplyTemplate:
    """One template; titles are unique (the office deletes one by its title)."""

    title: str
    text: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> ReplyTemplate:
        """A template from its stored form; ValueError when it is not one (the file was damaged or hand-edited)."""
        if not isinstance(data, dict) or set(data) != {"title", "text"}:
            raise ValueError("a reply template must be an object with title and text")
        template = cls(title=data["title"], text=data["text"])
        problem = template_problem(template.title, template.text)
        if problem is not None:
            raise ValueError(f"reply template {template.title!r} is not valid ({problem})")
        return template


def template_problem(title: str, text: str) -> str | None:
    """Why a template cannot be kept (a key of messages.TEMPLATE_ERRORS), or None."""
    if not isinstance(title, str) or not title.strip() or title != title.strip() or "\n" in title:
        return "title"
    if len(title) > MAX_TITLE or _CONTROL.search(title):
        return "title"
    if not isinstance(text, str) or not text.strip():
        return "text"
    if len(text) > MAX_TEMPLATE or _CONTROL.search(text.replace("\r\n", "\n")):
        return "text"
    return None


def added(templates: list[ReplyTemplate], template: ReplyTemplate) -> list[ReplyTemplate]:
    """The list with `template` last, in place of one with the same title (ValueError "full" when there are
    MAX_TEMPLATES already)."""
    kept = [found for found in templates if found.title != template.title]
    if len(kept) >= MAX_TEMPLATES:
        raise ValueError("full")
    return [*kept, template]

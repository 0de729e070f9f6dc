"""The folder store of the office's reply templates: `templates.json` beside the accounts, kept the same way
(store/documents.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from forms_api.accounts.templates import ReplyTemplate
from forms_api.store.base import QueueUnavailable
from forms_api.store.documents import JsonDocument

TEMPLATES_NAME = "templates.json"


class TemplatesUnavailable(QueueUnavailable):
    """The templates file cannot be read, written or understood: never taken for an empty one."""


def _load(data: Any) -> tuple[ReplyTemplate, ...]:
    return tuple(map(ReplyTemplate.from_json, data["templates"] if data is not None else []))


def _dump(templates: tuple[ReplyTemplate, ...]) -> dict[str, Any]:
    return {"templates": [template.to_json() for template in templates]}


class TemplateFile:
    """The reply templates in `directory`/templates.json, in the office's order."""

    def __init__(self, directory: Path) -> None:
        self._document = JsonDocument(
            Path(directory), TEMPLATES_NAME, load=_load, dump=_dump, unavailable=TemplatesUnavailable
        )

    @property
    def location(self) -> str:
        return str(self._document.path)

    def all(self) -> list[ReplyTemplate]:
        return list(self._document.read())

    def change(self, decide: Callable[[list[ReplyTemplate]], list[ReplyTemplate] | None]) -> list[ReplyTemplate]:
        def change_all(current: tuple[ReplyTemplate, ...]) -> tuple[ReplyTemplate, ...] | None:
            new = decide(list(current))
            return None if new is None else tuple(new)

        return list(self._document.change(change_all))

"""The editors' guides beside the content (content/README.md, deputies/, stations/, records/, events/): every field
of each file's JSON Schema is named in its guide, so a field added to the model cannot go undocumented; the guides
are never read as content."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from generator.load import load_content
from generator.schema import json_schemas

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
GUIDES = {  # schema -> its guide
    "deputy": CONTENT / "deputies" / "README.md",
    "station": CONTENT / "stations" / "README.md",
    "areas": CONTENT / "README.md",
    "records": CONTENT / "records" / "README.md",
    "scoring": CONTENT / "records" / "README.md",
    "event": CONTENT / "events" / "README.md",
}


def field_names(schema: Any) -> set[str]:
    """Every property named anywhere in a schema, its definitions included."""
    if isinstance(schema, list):
        return set().union(*map(field_names, schema)) if schema else set()
    if not isinstance(schema, dict):
        return set()
    own = set(schema.get("properties", {}))
    return own | set().union(*(field_names(value) for value in schema.values()))


@pytest.mark.parametrize("name", sorted(GUIDES))
def test_every_field_is_in_its_guide(name: str) -> None:
    guide = GUIDES[name].read_text(encoding="utf-8")
    fields = field_names(json_schemas()[name])
    assert fields, name
    assert sorted(f for f in fields if f"{f}:" not in guide and f"`{f}`" not in guide) == []


def test_guides_are_not_read_as_content(fixtures_dir: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(fixtures_dir / "good", content)
    for guide in {*GUIDES.values()}:
        target = content / guide.relative_to(CONTENT)
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(guide, target)
    _, problems = load_content(content, dt.date(2026, 11, 28))
    assert [str(p) for p in problems] == []

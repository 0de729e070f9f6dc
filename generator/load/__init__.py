"""Content files -> model, with every problem found: each names its file, line and field, and says how to fix it.

Reads `areas.yaml`, `stations/*.yaml` and `deputies/*.yaml`, checks each record against the model (read.py), then the
rules that span files (checks.py: ids, references, photos, duplicates). Nothing stops at the first problem: editors fix
a whole batch in one go. Problem paths open the file from the current directory: relative when it lies below
(`content/deputies/x.yaml` beside content/), else absolute (read.py, `shown_from_here`).

Optional, for deputies' work on record (records.py): `records/<deputy-id>/<year>.yaml` and `scoring.yaml` (shapes in
`content/records/README.md`). A record's folder must name a deputy, its file a year its dates fall in, a reception
a station; an `other` entry's own `points` must be allowed by that year's scheme and within its `max_per_entry`.
A deputy present at a past event has it on record without a line in `records/` (attendance.py); a line that repeats
such an event is an error.

Optional, events at stations (events.py): `events/<id>.yaml`, shapes in `content/events/README.md`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.attendance import with_attendance
from generator.model import Content, Deputy, Problem, Station
from generator.yamlnodes import Document

from .cache import ParseCache
from .checks import check_areas, check_coverage, check_references, sound_content
from .events import (
    check_double_entry,
    check_events,
    check_events_twice,
    outcome_days_setting,
    read_events,
    sound_events,
)
from .fields import field_path
from .layout import check_layout
from .read import Reader, Source
from .records import check_activities, check_schemes, check_years_scored, sound_records

__all__ = ["field_path", "load_content", "outcome_days_setting", "reload_deputies"]


def load_content(
    root: Path, today: dt.date | None = None, cache_dir: Path | None = None, *, outcome_days: int | None = None
) -> tuple[Content, list[Problem]]:
    """Read and check everything under `root`: the records that are sound, and every problem (errors and warnings).
    With `cache_dir`, sound event files are kept parsed there between loads (cache.py); with `outcome_days`, a one-off
    event that ended more than that many days ago without its outcome is a warning."""
    reader = Reader(Path(root), today or dt.date.today())
    reader.refuse_links()
    check_layout(reader)
    areas = reader.read_areas()
    stations = reader.read_records("stations", Station)
    deputies = reader.read_records("deputies", Deputy)
    scoring, schemes = reader.read_scoring()
    year_files = reader.read_activities({d.key for d in deputies if d.key})
    cache = ParseCache(cache_dir / "events.pickle") if cache_dir is not None else None
    events = read_events(reader, cache)
    check_areas(reader, areas)
    check_references(reader, stations, deputies)
    check_coverage(reader, stations, deputies)
    by_year = check_schemes(reader, schemes)
    check_activities(reader, year_files, by_year, {d.key: d.record for d in deputies if d.record is not None})
    check_years_scored(reader, scoring, schemes, year_files, by_year)
    check_events(reader, events, deputies, stations, outcome_days)
    check_events_twice(reader, events)
    check_double_entry(reader, year_files, events)
    problems = sorted(reader.problems, key=lambda p: (p.path, p.line))
    if cache is not None:
        cache.save()
    content = sound_content(Path(root), areas, stations, deputies)
    content.schemes = {year: entry.record for year, (entry, _) in sorted(by_year.items()) if entry.ok}
    content.records = sound_records(content, year_files)
    content.events = sound_events(content, events)
    names = {station.id: station.name for station in content.stations.values()}
    content.records = with_attendance(
        content.records,
        content.events.values(),  # type: ignore[arg-type]
        content.deputies,
        names,
        reader.today,
    )
    return content, problems


def reload_deputies(content: Content, files: list[Path], today: dt.date) -> tuple[dict[str, Deputy], list[Problem]]:
    """Read deputy files again against the rest of `content` as loaded before (the quick path of `serve` after an
    edit): the deputies that are sound, and every problem the file and its references have. Checks that span many
    files (coverage, names twice in an area) are left to the full load the caller falls back to on any problem."""
    reader = Reader(content.root, today)
    reader.station_ids = set(content.stations)
    reader.area_sources = {code: Source("", Document(), record=area) for code, area in content.areas.items()}
    sources = [reader.read_record(file, Deputy) for file in files]
    check_references(reader, [], sources)
    deputies = {src.record.id: src.record for src in sources if src.ok}
    return deputies, sorted(reader.problems, key=lambda p: (p.path, p.line))

"""Content files -> model, with every problem found: each names its file, line and field, and says how to fix it.

Reads `areas.yaml`, `stations/*.yaml` and `deputies/*.yaml`, checks each record against the model, then the rules
that span files (ids, references, photos, duplicates). Nothing stops at the first problem: editors fix a whole batch
in one go. Problem paths are the content root's folder name plus the file's path in it (`content/deputies/x.yaml`).

Optional, for deputies' work on record: `records/<deputy-id>/<year>.yaml` and `scoring.yaml` (shapes in
`content/records/README.md`). A record's folder must name a deputy, its file a year its dates fall in, a reception
a station; an `other` entry's own `points` must be allowed by that year's scheme and within its `max_per_entry`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import types
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from generator import messages as msg
from generator.model import (
    YEAR_FILE_PATTERN,
    Activity,
    ActivityFile,
    Area,
    Content,
    Deputy,
    DeputyYear,
    Problem,
    Scheme,
    Station,
    id_is_valid,
)
from generator.yamlnodes import Document, Loc, parse

ACTIVITY = TypeAdapter(Activity)
_IMAGE_KINDS = {  # photo extension -> a test of the file's first bytes
    "jpg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "webp": lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP",
}


@dataclass(eq=False)
class _Source:
    """One record as read: where it came from, its YAML lines, and the model if it validated."""

    path: str
    doc: Document
    prefix: Loc = ()  # (index,) for an entry of areas.yaml
    key: str | None = None  # the id (file name) or area code as written
    record: Any = None
    failed: bool = False  # an error was reported against it
    reported: set[Loc] = field(default_factory=set)  # where errors were reported (relative to prefix)

    def clean_at(self, loc: Loc) -> bool:
        """No error was reported at `loc` or around it: a raw value there is worth checking further."""
        return not any(loc[: i + 1] in self.reported for i in range(len(loc)))

    @property
    def ok(self) -> bool:
        return self.record is not None and not self.failed


@dataclass(eq=False)
class _YearFile:
    """One `records/<deputy>/<year>.yaml`: its deputy and year as named, and its entries that are sound."""

    src: _Source
    deputy: str
    year: int | None  # None when the file name is not a year
    entries: list[tuple[int, Activity]]  # (index in `activities`, entry)


def load_content(root: Path, today: dt.date | None = None) -> tuple[Content, list[Problem]]:
    """Read and check everything under `root`: the records that are sound, and every problem (errors and warnings)."""
    loader = _Loader(Path(root), today or dt.date.today())
    areas = loader.read_areas()
    stations = loader.read_records("stations", Station)
    deputies = loader.read_records("deputies", Deputy)
    scoring, schemes = loader.read_scoring()
    year_files = loader.read_activities({d.key for d in deputies if d.key})
    loader.check_areas(areas)
    loader.check_references(stations, deputies)
    loader.check_coverage(stations, deputies)
    by_year = loader.check_schemes(schemes)
    loader.check_activities(year_files, by_year, {d.key: d.record for d in deputies if d.record is not None})
    loader.check_years_scored(scoring, schemes, year_files, by_year)
    problems = sorted(loader.problems, key=lambda p: (p.path, p.line))
    content = _content(Path(root), areas, stations, deputies)
    content.schemes = {year: entry.record for year, (entry, _) in sorted(by_year.items()) if entry.ok}
    content.records = _records(content, year_files)
    return content, problems


def reload_deputies(content: Content, files: list[Path], today: dt.date) -> tuple[dict[str, Deputy], list[Problem]]:
    """Read deputy files again against the rest of `content` as loaded before (the quick path of `serve` after an
    edit): the deputies that are sound, and every problem the file and its references have. Checks that span many
    files (coverage, names twice in an area) are left to the full load the caller falls back to on any problem."""
    loader = _Loader(content.root, today)
    loader.station_ids = set(content.stations)
    loader.area_sources = {code: _Source("", Document(), record=area) for code, area in content.areas.items()}
    sources = [loader.read_record(file, Deputy) for file in files]
    loader.check_references([], sources)
    deputies = {src.record.id: src.record for src in sources if src.ok}
    return deputies, sorted(loader.problems, key=lambda p: (p.path, p.line))


def field_path(loc: Loc) -> str:
    """`('memberships', 0, 'until')` -> `memberships[0].until`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class _Loader:
    def __init__(self, root: Path, today: dt.date) -> None:
        self.root = root
        self.today = today
        self.root_name = Path(os.path.abspath(root)).name
        self.problems: list[Problem] = []
        self.area_sources: dict[str, _Source] = {}  # every area code written, first occurrence
        self.station_ids: set[str] = set()  # every station file, sound or not

    def shown(self, file: Path) -> str:
        return f"{self.root_name}/{file.relative_to(self.root).as_posix()}"

    def report(self, src: _Source, loc: Loc, message: str, hint: str = "", *, warning: bool = False) -> None:
        self._add(src, loc, message, hint, src.doc.line_of(src.prefix + loc), warning)

    def _add(self, src: _Source, loc: Loc, message: str, hint: str, line: int, warning: bool = False) -> None:
        self.problems.append(Problem(src.path, line, field_path(src.prefix + loc), message, hint, warning))
        src.failed = src.failed or not warning
        if not warning:
            src.reported.add(loc)

    # -- reading ------------------------------------------------------------------------------------------------

    def parse(self, file: Path) -> _Source:
        src = _Source(self.shown(file), parse(file.read_bytes()))
        for issue in src.doc.issues:
            self._add(src, issue.loc, issue.message, issue.hint, issue.line)
        return src

    def is_yaml(self, file: Path) -> bool:
        """A `.yaml` file; anything else in a content folder is reported, since it would never be read."""
        if file.suffix == ".yaml" and file.is_file():
            return True
        named = file.suffix.lower() in (".yaml", ".yml")
        hint = msg.YML_FILE_HINT.format(name=file.stem) if named else msg.NOT_YAML_FILE_HINT
        self._add(_Source(self.shown(file), Document()), (), msg.NOT_YAML_FILE, hint, 1)
        return False

    def read_list(self, file: Path, empty_hint: str) -> tuple[_Source, list[Any]]:
        """A file whose top level is a list (areas.yaml, scoring.yaml): its source and its items ([] if unusable)."""
        src = self.parse(file)
        value = src.doc.value
        if not src.doc.readable:
            return src, []
        if value is None:
            self.report(src, (), msg.EMPTY_FILE, empty_hint)
            return src, []
        if not isinstance(value, list):
            self.report(src, (), *msg.describe("list_type", value, {}, file.name))
            return src, []
        return src, value

    def read_areas(self) -> list[_Source]:
        file = self.root / "areas.yaml"
        if not file.is_file():
            self.report(_Source(self.shown(file), Document()), (), msg.AREAS_MISSING, msg.AREAS_MISSING_HINT)
            return []
        src, value = self.read_list(file, msg.AREAS_EMPTY_HINT)
        entries = []
        for index, item in enumerate(value):
            entry = _Source(src.path, src.doc, (index,))
            code = item.get("code") if isinstance(item, dict) else None
            entry.key = code if isinstance(code, str) else None
            entry.record = self.validate(entry, Area, item)
            entry.failed |= any(loc[:1] == (index,) for loc in src.doc.tainted)
            entries.append(entry)
        return entries

    def read_records(self, folder: str, model: type[Station] | type[Deputy]) -> list[_Source]:
        directory = self.root / folder
        sources = []
        for file in sorted(directory.iterdir()) if directory.is_dir() else ():
            if file.name.startswith("."):
                continue
            if not self.is_yaml(file):
                continue
            sources.append(self.read_record(file, model))
        if folder == "stations":
            self.station_ids = {src.key for src in sources if src.key}
        return sources

    def read_record(self, file: Path, model: type[Station] | type[Deputy]) -> _Source:
        src = self.parse(file)
        src.key = file.stem
        if not id_is_valid(file.stem):
            self._add(src, (), msg.FILE_NAME_NOT_ID.format(value=msg.shown(file.stem)), msg.FILE_NAME_NOT_ID_HINT, 1)
        if src.doc.readable:
            src.record = self.validate(src, model, src.doc.value)
        if src.record is not None and id_is_valid(file.stem) and src.record.id != file.stem:
            hint = msg.ID_NOT_FILE_NAME_HINT.format(stem=file.stem, id=src.record.id)
            self.report(src, ("id",), msg.ID_NOT_FILE_NAME.format(value=msg.shown(src.record.id), stem=file.stem), hint)
        return src

    def read_scoring(self) -> tuple[_Source | None, list[_Source]]:
        """`scoring.yaml`, if there is one: the file and each scheme in it."""
        file = self.root / "scoring.yaml"
        if not file.is_file():
            return None, []
        src, value = self.read_list(file, msg.SCORING_EMPTY_HINT)
        schemes = []
        for index, item in enumerate(value):
            entry = _Source(src.path, src.doc, (index,))
            entry.record = self.validate(entry, Scheme, item)
            entry.failed |= any(loc[:1] == (index,) for loc in src.doc.tainted)
            schemes.append(entry)
        return src, schemes

    def read_activities(self, deputy_ids: set[str]) -> list[_YearFile]:
        """Every `records/<deputy>/<year>.yaml`; a folder must be named after a deputy (any deputy file)."""
        directory = self.root / "records"
        files = []
        for folder in sorted(directory.iterdir()) if directory.is_dir() else ():
            if folder.name.startswith(".") or folder.name == "README.md":
                continue
            if not folder.is_dir():
                self._add(
                    _Source(self.shown(folder), Document()), (), msg.RECORDS_NOT_FOLDER, msg.RECORDS_NOT_FOLDER_HINT, 1
                )
                continue
            for file in sorted(folder.iterdir()):
                if not file.name.startswith(".") and self.is_yaml(file):
                    files.append(self.read_year_file(file, deputy_ids))
        return files

    def read_year_file(self, file: Path, deputy_ids: set[str]) -> _YearFile:
        src = self.parse(file)
        deputy = file.parent.name
        year = int(file.stem) if re.fullmatch(YEAR_FILE_PATTERN, file.stem) else None
        if deputy not in deputy_ids:
            matches = get_close_matches(deputy, sorted(d for d in deputy_ids if id_is_valid(d)), 1)
            hint = (
                msg.DID_YOU_MEAN.format(suggestion=msg.shown(matches[0]))
                if matches
                else msg.UNKNOWN_DEPUTY_HINT.format(id=deputy)
            )
            self._add(src, (), msg.UNKNOWN_DEPUTY.format(value=msg.shown(deputy)), hint, 1)
        if year is None:
            self._add(
                src, (), msg.FILE_NAME_NOT_YEAR.format(value=msg.shown(file.stem)), msg.FILE_NAME_NOT_YEAR_HINT, 1
            )
        value = src.doc.value
        if not src.doc.readable:
            return _YearFile(src, deputy, year, [])
        if value is None:
            self.report(src, (), msg.EMPTY_FILE, msg.RECORDS_EMPTY_HINT)
        elif isinstance(value, list):
            self.report(src, (), msg.RECORDS_NOT_MAPPING, msg.RECORDS_EMPTY_HINT)
        else:
            src.record = self.validate(src, ActivityFile, value)
        if src.record is not None:
            return _YearFile(src, deputy, year, list(enumerate(src.record.activities)))
        return _YearFile(src, deputy, year, _sound_entries(src))

    def validate(self, src: _Source, model: type[BaseModel], value: Any) -> Any:
        try:
            return model.model_validate(value)
        except ValidationError as error:
            for detail in error.errors(include_url=False):
                self.model_error(src, model, detail)
            return None

    def model_error(self, src: _Source, model: type[BaseModel], detail: Any) -> None:
        """Report one pydantic error in Chinese at the line of the key or value it is about."""
        loc, annotation = _walk(model, tuple(detail["loc"]))
        kind, value = detail["type"], detail["input"]
        ctx = {**detail.get("ctx", {}), "msg": detail["msg"]}
        allowed: tuple[str, ...] = ()
        if kind == "fixed_station_address":
            loc += ("address",)
        elif kind == "until_before_since":
            loc += ("until",)
            value, ctx["since"] = value.get("until"), value.get("since")
        elif kind in ("points_over_cap", "points_over_max"):
            loc += ("points",)
        elif kind == "max_over_cap":
            loc += ("max_per_entry",)
        elif kind in ("union_tag_invalid", "union_tag_not_found"):  # a tagged union: the tag is `kind`
            loc += ("kind",)
            allowed = tuple(_variants(annotation))
            value = value.get("kind") if isinstance(value, dict) else value
            kind = "literal_error" if kind == "union_tag_invalid" else kind
        if src.doc.is_tainted(src.prefix + loc):
            src.failed = True
            return
        name = next((str(part) for part in reversed(loc) if isinstance(part, str)), "")
        if kind == "missing" and loc == ("id",) and src.key and id_is_valid(src.key):
            self.report(src, loc, msg.describe(kind, value, ctx, name)[0], msg.MISSING_ID_HINT.format(id=src.key))
            return
        suggestion = None
        if kind == "literal_error" and not allowed:
            allowed = get_args(annotation)
        elif kind == "extra_forbidden":
            raw = tuple(detail["loc"])
            allowed = tuple(_walk(model, raw[:-1])[1].model_fields)
            variants = _variants(_walk(model, raw[:-2])[1]) if len(raw) > 1 else {}
            if variants and raw[-2] in variants and any(name in v.model_fields for v in variants.values()):
                text = msg.FIELD_NOT_FOR_KIND.format(kind=msg.choices([str(raw[-2])]), name=name)
                self.report(src, loc, text, msg.FIELD_NOT_FOR_KIND_HINT.format(fields="、".join(allowed)))
                return
            suggestion = next(iter(get_close_matches(name, allowed, 1)), None)
        self.report(src, loc, *msg.describe(kind, value, ctx, name, allowed, suggestion))

    # -- checks that span files -------------------------------------------------------------------------------

    def check_areas(self, areas: list[_Source]) -> None:
        for entry in areas:
            first = self.area_sources.setdefault(entry.key, entry) if entry.key else entry
            if first is not entry:
                hint = msg.DUPLICATE_AREA_HINT.format(line=first.doc.line_of(first.prefix + ("code",)))
                self.report(entry, ("code",), msg.DUPLICATE_AREA.format(value=msg.shown(entry.key)), hint)
        sound = {e.record.code: e for e in areas if e.record is not None and self.area_sources.get(e.key) is e}
        for entry in sound.values():
            if entry.record.parent is not None:
                self.check_area(entry, ("parent",), entry.record.parent)
        self.check_cycles(sound)

    def check_cycles(self, sound: dict[str, _Source]) -> None:
        walked: dict[str, str] = {}  # code -> the code whose walk up the parents met it first
        for start in sound:
            chain, code = [], start
            while code in sound and code not in walked:
                walked[code] = start
                chain.append(code)
                code = sound[code].record.parent
            if code in sound and walked[code] == start:
                cycle = chain[chain.index(code) :] + [code]
                self.report(
                    sound[code], ("parent",), msg.AREA_CYCLE.format(cycle=" → ".join(cycle)), msg.AREA_CYCLE_HINT
                )

    def check_area(self, src: _Source, loc: Loc, code: str) -> None:
        if code in self.area_sources:
            return
        hint = msg.UNKNOWN_AREA_HINT
        sound = [known for known, entry in self.area_sources.items() if entry.ok]
        for match in get_close_matches(code, sound, 1, 0.75):
            known = self.area_sources[match].record
            hint = msg.DID_YOU_MEAN.format(suggestion=msg.shown(match) + (f"（{known.name}）" if known else ""))
        self.report(src, loc, msg.UNKNOWN_AREA.format(value=msg.shown(code)), hint)

    def check_photo(self, src: _Source, photo: str | None) -> None:
        if photo is None:
            return
        if ".." in PurePosixPath(photo).parts:
            self.report(src, ("photo",), msg.PHOTO_OUTSIDE, msg.PHOTO_OUTSIDE_HINT)
        elif not (self.root / "photos" / photo).is_file():
            parts = PurePosixPath(photo).parts
            inner = "/".join(parts[1:]) if parts[0] == "photos" and len(parts) > 1 else ""  # photos/photos/x.png
            if inner and (self.root / "photos" / inner).is_file():
                hint = msg.PHOTO_PREFIX_HINT.format(name=inner)
            elif inner:
                hint = msg.PHOTO_PREFIX_MISSING_HINT.format(name=inner, path=f"{self.root_name}/photos/{inner}")
            else:
                hint = msg.PHOTO_MISSING_HINT.format(path=f"{self.root_name}/photos/{photo}")
            self.report(src, ("photo",), msg.PHOTO_MISSING.format(value=msg.shown(photo)), hint)
        else:
            self.check_image(src, photo)

    def check_image(self, src: _Source, photo: str) -> None:
        """The photo's first bytes are those of an image of its extension, so browsers show it."""
        with open(self.root / "photos" / photo, "rb") as file:
            head = file.read(12)
        actual = next((kind for kind, test in _IMAGE_KINDS.items() if test(head)), None)
        expected = PurePosixPath(photo).suffix.lower().lstrip(".").replace("jpeg", "jpg")
        if actual == expected:
            return
        hint = (
            msg.PHOTO_WRONG_EXTENSION_HINT.format(kind=actual.upper(), ext=actual)
            if actual
            else msg.PHOTO_NOT_IMAGE_HINT
        )
        self.report(src, ("photo",), msg.PHOTO_NOT_IMAGE.format(value=msg.shown(photo), kind=expected.upper()), hint)

    def check_references(self, stations: list[_Source], deputies: list[_Source]) -> None:
        """References of every record, also of those that failed the model, so one round of fixes is enough."""
        for src in stations:
            refs = _references(src)
            for loc, code in refs.areas:
                self.check_area(src, loc, code)
            self.check_photo(src, refs.photo)
        for src in deputies:
            refs = _references(src)
            for loc, code in refs.areas:
                self.check_area(src, loc, code)
            seen: set[str] = set()
            for loc, station in refs.stations:
                self.check_station(src, loc, station, seen)
            self.check_photo(src, refs.photo)

    def check_station(self, src: _Source, loc: Loc, station: str, seen: set[str]) -> None:
        if station in seen:
            self.report(
                src,
                loc,
                msg.STATION_LISTED_TWICE.format(value=msg.shown(station)),
                msg.STATION_LISTED_TWICE_HINT,
                warning=True,
            )
        elif station not in self.station_ids:
            matches = get_close_matches(station, sorted(self.station_ids), 1)
            hint = (
                msg.DID_YOU_MEAN.format(suggestion=msg.shown(matches[0]))
                if matches
                else msg.UNKNOWN_STATION_HINT.format(id=station)
            )
            self.report(src, loc, msg.UNKNOWN_STATION.format(value=msg.shown(station)), hint)
        seen.add(station)

    def check_coverage(self, stations: list[_Source], deputies: list[_Source]) -> None:
        """Warnings: current deputies without a station, stations without a current deputy, likely duplicates."""
        current = [d for d in deputies if d.record is not None and d.record.current_memberships(self.today)]
        for src in (d for d in deputies if d.record is not None):
            for index, membership in enumerate(src.record.memberships):
                if membership.since > self.today:
                    text = msg.MEMBERSHIP_NOT_STARTED.format(date=membership.since)
                    loc = ("memberships", index, "since")
                    self.report(src, loc, text, msg.MEMBERSHIP_NOT_STARTED_HINT, warning=True)
        for src in current:
            if not src.record.stations:
                self.report(
                    src, ("stations",), msg.DEPUTY_WITHOUT_STATION, msg.DEPUTY_WITHOUT_STATION_HINT, warning=True
                )
        staffed = {station for src in current for station in src.record.stations}
        for src in (d for d in deputies if d.record is None and isinstance(d.doc.value, dict)):
            written = src.doc.value.get("stations")  # a broken deputy file still says where the deputy serves
            if isinstance(written, list):
                staffed.update(s for s in written if isinstance(s, str))
        if any(not d.doc.readable for d in deputies):  # an unreadable deputy file may staff any station
            staffed.update(s.record.id for s in stations if s.record is not None)
        for src in (s for s in stations if s.record is not None and s.record.id not in staffed):
            hint = msg.STATION_WITHOUT_DEPUTY_HINT.format(id=src.record.id)
            self.report(src, (), msg.STATION_WITHOUT_DEPUTY, hint, warning=True)
        first: dict[tuple[str, str], _Source] = {}
        for src in (d for d in deputies if d.record is not None):
            for area in dict.fromkeys(m.area for m in src.record.memberships):
                other = first.setdefault((src.record.name, area), src)
                if other is not src:
                    text = msg.SAME_NAME_SAME_AREA.format(other=other.path, name=src.record.name, area=area)
                    self.report(src, ("name",), text, msg.SAME_NAME_SAME_AREA_HINT, warning=True)
                    break

    # -- work on record and its points ------------------------------------------------------------------------

    def check_schemes(self, schemes: list[_Source]) -> dict[int, tuple[_Source, int]]:
        """Each year has one scheme: year -> (the scheme, the index of the year in its `years`)."""
        by_year: dict[int, tuple[_Source, int]] = {}
        for entry in schemes:
            for index, year in _scheme_years(entry):
                if year in by_year:
                    first, at = by_year[year]
                    hint = msg.DUPLICATE_YEAR_HINT.format(line=first.doc.line_of(first.prefix + ("years", at)))
                    self.report(entry, ("years", index), msg.DUPLICATE_YEAR.format(year=year), hint)
                else:
                    by_year[year] = (entry, index)
        return by_year

    def check_activities(
        self, files: list[_YearFile], by_year: dict[int, tuple[_Source, int]], deputies: dict[str, Deputy]
    ) -> None:
        for file in files:
            first: dict[Activity, int] = {}  # an entry -> the line it was first written on
            term = _term(deputies[file.deputy]) if file.deputy in deputies else None
            for index, activity in file.entries:
                loc = ("activities", index)
                if file.year is not None and activity.date.year != file.year:
                    text = msg.DATE_OUTSIDE_YEAR.format(date=activity.date, year=file.year)
                    hint = msg.DATE_OUTSIDE_YEAR_HINT.format(year=file.year, other=activity.date.year)
                    self.report(file.src, (*loc, "date"), text, hint)
                elif activity.date > self.today:
                    text = msg.FUTURE_DATE.format(date=activity.date)
                    self.report(file.src, (*loc, "date"), text, msg.FUTURE_DATE_HINT, warning=True)
                elif term and not (term[0] <= activity.date and (term[1] is None or activity.date <= term[1])):
                    since, until = term
                    shown = msg.TERM.format(since=since, until=until) if until else msg.TERM_OPEN.format(since=since)
                    text = msg.ACTIVITY_OUTSIDE_TERM.format(date=activity.date, term=shown)
                    self.report(file.src, (*loc, "date"), text, msg.ACTIVITY_OUTSIDE_TERM_HINT, warning=True)
                if activity.kind == "reception":
                    self.check_station(file.src, (*loc, "station"), activity.station, set())
                if activity.kind == "other" and activity.points is not None and file.year in by_year:
                    self.check_own_points(file, loc, activity.points, by_year[file.year][0])
                line = first.setdefault(activity, file.src.doc.line_of(loc))
                if line != file.src.doc.line_of(loc):
                    hint = msg.DUPLICATE_ACTIVITY_HINT
                    self.report(file.src, loc, msg.DUPLICATE_ACTIVITY.format(line=line), hint, warning=True)

    def check_own_points(self, file: _YearFile, loc: Loc, points: int, scheme: _Source) -> None:
        """An `other` entry's own points: allowed by its year's scheme, and within the scheme's `max_per_entry`."""
        if scheme.record is None:  # the scheme has errors of its own
            return
        rule = scheme.record.rules.other
        if rule is None or rule.max_per_entry is None:
            hint = msg.POINTS_NOT_ALLOWED_HINT.format(year=file.year)
            self.report(file.src, (*loc, "points"), msg.POINTS_NOT_ALLOWED.format(year=file.year), hint)
        elif points > rule.max_per_entry:
            line = scheme.doc.line_of(scheme.prefix + ("rules", "other", "max_per_entry"))
            hint = msg.POINTS_OVER_MAX_HINT.format(year=file.year, max=rule.max_per_entry, path=scheme.path, line=line)
            self.report(
                file.src, (*loc, "points"), msg.POINTS_OVER_MAX.format(points=points, max=rule.max_per_entry), hint
            )

    def check_years_scored(
        self,
        scoring: _Source | None,
        schemes: list[_Source],
        files: list[_YearFile],
        by_year: dict[int, tuple[_Source, int]],
    ) -> None:
        """A warning for each year with records but no scheme, when there is a sound `scoring.yaml` at all."""
        if scoring is None or scoring.failed or any(not s.ok for s in schemes):
            return
        counts: dict[int, int] = {}
        for file in files:
            if file.year is not None and file.year not in by_year:
                counts[file.year] = counts.get(file.year, 0) + 1
        for year, count in sorted(counts.items()):
            text = msg.YEAR_WITHOUT_SCHEME.format(year=year, count=count)
            self.report(scoring, (), text, msg.YEAR_WITHOUT_SCHEME_HINT.format(year=year), warning=True)


@dataclass
class _References:
    areas: list[tuple[Loc, str]] = field(default_factory=list)
    stations: list[tuple[Loc, str]] = field(default_factory=list)
    photo: str | None = None


def _references(src: _Source) -> _References:
    """The area codes, station ids and photo a station or deputy file names: from the record when it validated,
    else from the raw YAML values that are plain strings at places without an error of their own."""
    refs = _References()
    if src.record is not None:
        record = src.record
        if isinstance(record, Station):
            refs.areas.append((("area",), record.area))
        else:
            refs.areas += [(("memberships", i, "area"), m.area) for i, m in enumerate(record.memberships)]
            refs.stations += [(("stations", i), s) for i, s in enumerate(record.stations)]
        refs.photo = record.photo
        return refs
    raw = src.doc.value if src.doc.readable and isinstance(src.doc.value, dict) else {}

    def text(value: Any, loc: Loc) -> bool:
        return isinstance(value, str) and src.clean_at(loc) and not src.doc.is_tainted(src.prefix + loc)

    if text(raw.get("area"), ("area",)):
        refs.areas.append((("area",), raw["area"]))
    memberships = raw.get("memberships")
    for i, membership in enumerate(memberships if isinstance(memberships, list) else []):
        if isinstance(membership, dict) and text(membership.get("area"), ("memberships", i, "area")):
            refs.areas.append((("memberships", i, "area"), membership["area"]))
    stations = raw.get("stations")
    for i, station in enumerate(stations if isinstance(stations, list) else []):
        if text(station, ("stations", i)):
            refs.stations.append((("stations", i), station))
    if text(raw.get("photo"), ("photo",)):
        refs.photo = raw["photo"]
    return refs


def _term(deputy: Deputy) -> tuple[dt.date, dt.date | None]:
    """From the first membership's start to the last one's end (None: still open)."""
    ends = [m.until for m in deputy.memberships]
    return min(m.since for m in deputy.memberships), None if None in ends else max(e for e in ends if e)


def _content(root: Path, areas: list[_Source], stations: list[_Source], deputies: list[_Source]) -> Content:
    """The sound records whose references all lead to sound records, so renderers never meet a dangling id."""
    sound_areas = {e.record.code: e.record for e in areas if e.ok}
    while dangling := [code for code, area in sound_areas.items() if area.parent and area.parent not in sound_areas]:
        for code in dangling:
            del sound_areas[code]
    sound_stations = {s.record.id: s.record for s in stations if s.ok and s.record.area in sound_areas}
    sound_deputies = {
        d.record.id: d.record
        for d in deputies
        if d.ok
        and all(m.area in sound_areas for m in d.record.memberships)
        and all(s in sound_stations for s in d.record.stations)
    }
    return Content(root=root, areas=sound_areas, stations=sound_stations, deputies=sound_deputies)


def _records(content: Content, files: list[_YearFile]) -> dict[str, dict[int, DeputyYear]]:
    """Sound year files of deputies in `content` whose receptions are at stations in `content`, by deputy and year."""
    records: dict[str, dict[int, DeputyYear]] = {}
    for file in files:
        if not file.src.ok or file.year is None or file.deputy not in content.deputies:
            continue
        activities = file.src.record.activities
        if all(a.station in content.stations for a in activities if a.kind == "reception"):
            ordered = tuple(sorted(activities, key=lambda a: a.date))
            records.setdefault(file.deputy, {})[file.year] = DeputyYear(file.deputy, file.year, ordered)
    return records


def _scheme_years(entry: _Source) -> list[tuple[int, int]]:
    """(index, year) of each year a scheme names: from the record when it validated, else from the raw years that
    are sound, so that a duplicate year shows up in the same round as the scheme's other errors."""
    if entry.record is not None:
        return list(enumerate(entry.record.years))
    raw = entry.doc.value[entry.prefix[0]] if entry.doc.readable else None
    years = raw.get("years") if isinstance(raw, dict) else None
    return [
        (index, int(year))
        for index, year in enumerate(years if isinstance(years, list) else [])
        if isinstance(year, str)
        and re.fullmatch(YEAR_FILE_PATTERN, year)
        and entry.clean_at(("years", index))
        and not entry.doc.is_tainted(entry.prefix + ("years", index))
    ]


def _sound_entries(src: _Source) -> list[tuple[int, Activity]]:
    """The entries of a year file that failed the model which have no error of their own, for the checks that span
    files (dates, stations, points), so one round of fixes is enough."""
    raw = src.doc.value.get("activities") if isinstance(src.doc.value, dict) else None
    if not isinstance(raw, list) or ("activities",) in src.reported:
        return []
    entries = []
    for index, item in enumerate(raw):
        loc = ("activities", index)
        if src.doc.is_tainted(loc) or any(r[:2] == loc for r in src.reported):
            continue
        try:
            entries.append((index, ACTIVITY.validate_python(item)))
        except ValidationError:
            continue
    return entries


def _walk(model: type[BaseModel], loc: Loc) -> tuple[Loc, Any]:
    """`loc` as written in the file, and the type there without Optional and Annotated (a model, a list, a Literal,
    a tagged union, ...). pydantic puts the tag of a tagged union into its locations
    (`activities, 0, "meeting", title`); the file has no such level, so it is dropped."""
    annotation: Any = model
    written: list[str | int] = []
    for part in loc:
        annotation = _bare(annotation)
        variants = _variants(annotation)
        if part in variants:
            annotation = variants[str(part)]
            continue
        written.append(part)
        if isinstance(part, int) and get_origin(annotation) is list:
            annotation = get_args(annotation)[0]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel) and part in annotation.model_fields:
            annotation = annotation.model_fields[str(part)].annotation
        else:
            annotation = None
    return tuple(written), _bare(annotation)


def _variants(annotation: Any) -> dict[str, type[BaseModel]]:
    """The models of a union told apart by `kind`, by each value of `kind` ({} for anything else)."""
    if get_origin(annotation) not in (Union, types.UnionType):
        return {}
    variants = {}
    for arg in get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel) and "kind" in arg.model_fields:
            variants.update(dict.fromkeys(get_args(arg.model_fields["kind"].annotation), arg))
    return variants


def _bare(annotation: Any) -> Any:
    """Without Annotated, and without None in an Optional (a union of several types stays a union)."""
    while True:
        origin = get_origin(annotation)
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType) and len(args) == 1:
            annotation = args[0]
        else:
            return annotation

"""Content files -> model, with every problem found: each names its file, line and field, and says how to fix it.

Reads `areas.yaml`, `stations/*.yaml` and `deputies/*.yaml`, checks each record against the model, then the rules
that span files (ids, references, photos, duplicates). Nothing stops at the first problem: editors fix a whole batch
in one go. Problem paths are the content root's folder name plus the file's path in it (`content/deputies/x.yaml`).
"""

from __future__ import annotations

import datetime as dt
import os
import types
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from generator import messages as msg
from generator.model import Area, Content, Deputy, Problem, Station, id_is_valid
from generator.yamlnodes import Document, Loc, parse


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


def load_content(root: Path, today: dt.date | None = None) -> tuple[Content, list[Problem]]:
    """Read and check everything under `root`: the records that are sound, and every problem (errors and warnings)."""
    loader = _Loader(Path(root), today or dt.date.today())
    areas = loader.read_areas()
    stations = loader.read_records("stations", Station)
    deputies = loader.read_records("deputies", Deputy)
    loader.check_areas(areas)
    loader.check_references(stations, deputies)
    loader.check_coverage(stations, deputies)
    problems = sorted(loader.problems, key=lambda p: (p.path, p.line))
    return _content(Path(root), areas, stations, deputies), problems


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

    def read_areas(self) -> list[_Source]:
        file = self.root / "areas.yaml"
        if not file.is_file():
            self.report(_Source(self.shown(file), Document()), (), msg.AREAS_MISSING, msg.AREAS_MISSING_HINT)
            return []
        src = self.parse(file)
        value = src.doc.value
        if not src.doc.readable:
            return []
        if value is None:
            self.report(src, (), msg.EMPTY_FILE, msg.AREAS_EMPTY_HINT)
            return []
        if not isinstance(value, list):
            self.report(src, (), *msg.describe("list_type", value, {}, "areas.yaml"))
            return []
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
            if file.suffix != ".yaml" or not file.is_file():
                hint = msg.YML_FILE_HINT.format(name=file.stem) if file.suffix == ".yml" else msg.NOT_YAML_FILE_HINT
                self._add(_Source(self.shown(file), Document()), (), msg.NOT_YAML_FILE, hint, 1)
                continue
            src = self.parse(file)
            src.key = file.stem
            if not id_is_valid(file.stem):
                self._add(
                    src, (), msg.FILE_NAME_NOT_ID.format(value=msg.shown(file.stem)), msg.FILE_NAME_NOT_ID_HINT, 1
                )
            if src.doc.readable:
                src.record = self.validate(src, model, src.doc.value)
            if src.record is not None and id_is_valid(file.stem) and src.record.id != file.stem:
                hint = msg.ID_NOT_FILE_NAME_HINT.format(stem=file.stem, id=src.record.id)
                self.report(
                    src, ("id",), msg.ID_NOT_FILE_NAME.format(value=msg.shown(src.record.id), stem=file.stem), hint
                )
            sources.append(src)
        if folder == "stations":
            self.station_ids = {src.key for src in sources if src.key}
        return sources

    def validate(self, src: _Source, model: type[BaseModel], value: Any) -> Any:
        try:
            return model.model_validate(value)
        except ValidationError as error:
            for detail in error.errors(include_url=False):
                self.model_error(src, model, detail)
            return None

    def model_error(self, src: _Source, model: type[BaseModel], detail: Any) -> None:
        """Report one pydantic error in Chinese at the line of the key or value it is about."""
        loc, kind, value = tuple(detail["loc"]), detail["type"], detail["input"]
        ctx = {**detail.get("ctx", {}), "msg": detail["msg"]}
        if kind == "fixed_station_address":
            loc += ("address",)
        elif kind == "until_before_since":
            loc += ("until",)
            value, ctx["since"] = value.get("until"), value.get("since")
        if src.doc.is_tainted(src.prefix + loc):
            src.failed = True
            return
        name = next((str(part) for part in reversed(loc) if isinstance(part, str)), "")
        allowed: tuple[str, ...] = ()
        suggestion = None
        if kind == "literal_error":
            allowed = get_args(_annotation_at(model, loc))
        elif kind == "extra_forbidden":
            allowed = tuple(_annotation_at(model, loc[:-1]).model_fields)
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
        for match in get_close_matches(code, list(self.area_sources), 1, 0.75):
            known = self.area_sources[match].record
            hint = msg.DID_YOU_MEAN.format(suggestion=msg.shown(match) + (f"（{known.name}）" if known else ""))
        self.report(src, loc, msg.UNKNOWN_AREA.format(value=msg.shown(code)), hint)

    def check_photo(self, src: _Source, photo: str | None) -> None:
        if photo is None:
            return
        if ".." in PurePosixPath(photo).parts:
            self.report(src, ("photo",), msg.PHOTO_OUTSIDE, msg.PHOTO_OUTSIDE_HINT)
        elif not (self.root / "photos" / photo).is_file():
            hint = msg.PHOTO_MISSING_HINT.format(path=f"{self.root_name}/photos/{photo}")
            self.report(src, ("photo",), msg.PHOTO_MISSING.format(value=msg.shown(photo)), hint)

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


def _annotation_at(model: type[BaseModel], loc: Loc) -> Any:
    """The type at `loc` inside `model`, without Optional and Annotated: a model, a list, a Literal, ..."""
    annotation: Any = model
    for part in loc:
        annotation = _bare(annotation)
        if isinstance(part, int) and get_origin(annotation) is list:
            annotation = get_args(annotation)[0]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel) and part in annotation.model_fields:
            annotation = annotation.model_fields[str(part)].annotation
        else:
            return None
    return _bare(annotation)


def _bare(annotation: Any) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            annotation = next(arg for arg in get_args(annotation) if arg is not type(None))
        else:
            return annotation

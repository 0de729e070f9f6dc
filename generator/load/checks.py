"""Checks that span content files: ids and duplicates, references between files (with suggestions for a mistyped
one), photos, coverage; and the content kept: sound records whose references all lead to sound records."""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path, PurePosixPath
from typing import Any

from generator import messages as msg
from generator.model import Content, Station
from generator.yamlnodes import Loc

from .read import Reader, Source

_IMAGE_KINDS = {  # photo extension -> a test of the file's first bytes
    "jpg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "webp": lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP",
}


def check_areas(reader: Reader, areas: list[Source]) -> None:
    for entry in areas:
        first = reader.area_sources.setdefault(entry.key, entry) if entry.key else entry
        if first is not entry:
            hint = msg.DUPLICATE_AREA_HINT.format(line=first.doc.line_of(first.prefix + ("code",)))
            reader.report(entry, ("code",), msg.DUPLICATE_AREA.format(value=msg.shown(entry.key)), hint)
    sound = {e.record.code: e for e in areas if e.record is not None and reader.area_sources.get(e.key) is e}
    for entry in sound.values():
        if entry.record.parent is not None:
            check_area(reader, entry, ("parent",), entry.record.parent)
    check_cycles(reader, sound)


def check_cycles(reader: Reader, sound: dict[str, Source]) -> None:
    walked: dict[str, str] = {}  # code -> the code whose walk up the parents met it first
    for start in sound:
        chain, code = [], start
        while code in sound and code not in walked:
            walked[code] = start
            chain.append(code)
            code = sound[code].record.parent
        if code in sound and walked[code] == start:
            cycle = chain[chain.index(code) :] + [code]
            reader.report(sound[code], ("parent",), msg.AREA_CYCLE.format(cycle=" → ".join(cycle)), msg.AREA_CYCLE_HINT)


def check_area(reader: Reader, src: Source, loc: Loc, code: str) -> None:
    """An area code that areas.yaml lacks; none while areas.yaml cannot be read (its one error says why: every code
    named elsewhere would be "unknown" until it is fixed)."""
    if code in reader.area_sources or not reader.areas_read:
        return
    hint = msg.UNKNOWN_AREA_HINT
    sound = [known for known, entry in reader.area_sources.items() if entry.ok]
    for match in get_close_matches(code, sound, 1, 0.75):
        known = reader.area_sources[match].record
        hint = msg.DID_YOU_MEAN.format(suggestion=msg.shown(match) + (f"（{known.name}）" if known else ""))
    reader.report(src, loc, msg.UNKNOWN_AREA.format(value=msg.shown(code)), hint)


def check_photo(reader: Reader, src: Source, photo: str | None) -> None:
    if photo is None:
        return
    if ".." in PurePosixPath(photo).parts:
        reader.report(src, ("photo",), msg.PHOTO_OUTSIDE, msg.PHOTO_OUTSIDE_HINT)
    elif reader.refuse_link(reader.root / "photos" / photo):
        src.failed = True  # the link is reported where it is; the photo must not be published
    elif not (reader.root / "photos" / photo).is_file():
        parts = PurePosixPath(photo).parts
        inner = "/".join(parts[1:]) if parts[0] == "photos" and len(parts) > 1 else ""  # photos/photos/x.png
        if inner and (reader.root / "photos" / inner).is_file():
            hint = msg.PHOTO_PREFIX_HINT.format(name=inner)
        elif inner:
            hint = msg.PHOTO_PREFIX_MISSING_HINT.format(name=inner, path=reader.shown(reader.root / "photos" / inner))
        else:
            hint = msg.PHOTO_MISSING_HINT.format(path=reader.shown(reader.root / "photos" / photo))
        reader.report(src, ("photo",), msg.PHOTO_MISSING.format(value=msg.shown(photo)), hint)
    else:
        check_image(reader, src, photo)


def check_image(reader: Reader, src: Source, photo: str) -> None:
    """The photo's first bytes are those of an image of its extension, so browsers show it."""
    with open(reader.root / "photos" / photo, "rb") as file:
        head = file.read(12)
    actual = next((kind for kind, test in _IMAGE_KINDS.items() if test(head)), None)
    expected = PurePosixPath(photo).suffix.lower().lstrip(".").replace("jpeg", "jpg")
    if actual == expected:
        return
    hint = (
        msg.PHOTO_WRONG_EXTENSION_HINT.format(kind=actual.upper(), ext=actual) if actual else msg.PHOTO_NOT_IMAGE_HINT
    )
    reader.report(src, ("photo",), msg.PHOTO_NOT_IMAGE.format(value=msg.shown(photo), kind=expected.upper()), hint)


def check_references(reader: Reader, stations: list[Source], deputies: list[Source]) -> None:
    """References of every record, also of those that failed the model, so one round of fixes is enough."""
    for src in stations:
        refs = _references(src)
        for loc, code in refs.areas:
            check_area(reader, src, loc, code)
        check_photo(reader, src, refs.photo)
    for src in deputies:
        refs = _references(src)
        for loc, code in refs.areas:
            check_area(reader, src, loc, code)
        seen: set[str] = set()
        for loc, station in refs.stations:
            check_station(reader, src, loc, station, seen)
        check_photo(reader, src, refs.photo)


def check_station(reader: Reader, src: Source, loc: Loc, station: str, seen: set[str]) -> None:
    if station in seen:
        reader.report(
            src,
            loc,
            msg.STATION_LISTED_TWICE.format(value=msg.shown(station)),
            msg.STATION_LISTED_TWICE_HINT,
            warning=True,
        )
    elif station not in reader.station_ids:
        hint = msg.suggestion(station, reader.station_ids, msg.UNKNOWN_STATION_HINT.format(id=station))
        reader.report(src, loc, msg.UNKNOWN_STATION.format(value=msg.shown(station)), hint)
    seen.add(station)


def check_coverage(reader: Reader, stations: list[Source], deputies: list[Source]) -> None:
    """Warnings: current deputies without a station, stations without a current deputy, likely duplicates."""
    current = [d for d in deputies if d.record is not None and d.record.current_memberships(reader.today)]
    for src in (d for d in deputies if d.record is not None):
        for index, membership in enumerate(src.record.memberships):
            if membership.since > reader.today:
                text = msg.MEMBERSHIP_NOT_STARTED.format(date=membership.since)
                loc = ("memberships", index, "since")
                reader.report(src, loc, text, msg.MEMBERSHIP_NOT_STARTED_HINT, warning=True)
    for src in current:
        if not src.record.stations:
            reader.report(src, ("stations",), msg.DEPUTY_WITHOUT_STATION, msg.DEPUTY_WITHOUT_STATION_HINT, warning=True)
    staffed = {station for src in current for station in src.record.stations}
    for src in (d for d in deputies if d.record is None and isinstance(d.doc.value, dict)):
        written = src.doc.value.get("stations")  # a broken deputy file still says where the deputy serves
        if isinstance(written, list):
            staffed.update(s for s in written if isinstance(s, str))
    if any(not d.doc.readable for d in deputies):  # an unreadable deputy file may staff any station
        staffed.update(s.record.id for s in stations if s.record is not None)
    for src in (s for s in stations if s.record is not None and s.record.id not in staffed):
        hint = msg.STATION_WITHOUT_DEPUTY_HINT.format(id=src.record.id)
        reader.report(src, (), msg.STATION_WITHOUT_DEPUTY, hint, warning=True)
    first: dict[tuple[str, str], Source] = {}
    for src in (d for d in deputies if d.record is not None):
        for area in dict.fromkeys(m.area for m in src.record.memberships):
            other = first.setdefault((src.record.name, area), src)
            if other is not src:
                text = msg.SAME_NAME_SAME_AREA.format(other=other.path, name=src.record.name, area=area)
                reader.report(src, ("name",), text, msg.SAME_NAME_SAME_AREA_HINT, warning=True)
                break


@dataclass
class _References:
    areas: list[tuple[Loc, str]] = field(default_factory=list)
    stations: list[tuple[Loc, str]] = field(default_factory=list)
    photo: str | None = None


def _references(src: Source) -> _References:
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


def sound_content(root: Path, areas: list[Source], stations: list[Source], deputies: list[Source]) -> Content:
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

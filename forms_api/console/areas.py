"""The list's area filter (地区): a case is in an area when the station it is addressed or assigned to, or a station
of the deputy it is addressed or assigned to, lies in that area or below it (administrative codes nest by prefix:
990102 青禾县 holds 990102001 禾城镇). Areas and their names come from the built site's open data (stations.json for
each station's area, finder.json for the areas), re-read when those files change; without them there is no filter."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from forms_api.cases import Submission
from forms_api.public.service import service

AREA_RE = re.compile(r"^\d{2,12}$")


@dataclass(frozen=True)
class Areas:
    """The areas that hold a station, in the site's order, with their names and depth; each station's area."""

    listed: tuple[tuple[str, str, int], ...] = ()  # (code, name, depth among the listed)
    station_area: dict[str, str] = field(default_factory=dict)


_cache: dict[Path, tuple[tuple[int, int], Areas]] = {}
_lock = threading.Lock()


def _read(data: Path) -> Areas:
    stations = json.loads((data / "stations.json").read_text(encoding="utf-8"))["stations"]
    station_area = {str(found["id"]): str(found.get("area") or "") for found in stations}
    areas = json.loads((data / "finder.json").read_text(encoding="utf-8"))["areas"]
    used = {code for code, *_ in areas if any(area.startswith(code) for area in station_area.values() if area)}
    listed, depth = [], {}
    for code, name, *_ in areas:
        if code in used:
            parents = [other for other in depth if code.startswith(other) and other != code]
            depth[code] = 1 + max((depth[other] for other in parents), default=-1)
            listed.append((code, str(name), depth[code]))
    return Areas(tuple(listed), station_area)


def areas() -> Areas:
    """The site's areas (none while its data cannot be read)."""
    data = Path(service().targets.site_dir) / "data"
    try:
        stamp = ((data / "stations.json").stat().st_mtime_ns, (data / "finder.json").stat().st_mtime_ns)
        with _lock:
            cached = _cache.get(data)
            if cached is not None and cached[0] == stamp:
                return cached[1]
        found = _read(data)
    except (OSError, ValueError, KeyError, TypeError):
        return Areas()
    with _lock:
        _cache[data] = (stamp, found)
    return found


def choices(known: Areas) -> list[tuple[str, str]]:
    """(code, name indented by depth) for the filter's list."""
    return [(code, "\u3000" * depth + name) for code, name, depth in known.listed]


def area_filter(code: str, known: Areas) -> Callable[[Submission], bool]:
    """Whether a case lies in the area `code` (or below it)."""
    targets = service().targets
    stations_of: dict[str, set[str]] = {}
    for station in known.station_area:
        for deputy in targets.deputies_of(station):
            stations_of.setdefault(deputy, set()).add(station)

    def inside(sub: Submission) -> bool:
        stations: set[str] = set()
        for target in (sub.target, f"deputy:{sub.assignee_deputy}" if sub.assignee_deputy else ""):
            kind, _, key = target.partition(":")
            stations |= {key} if kind == "station" else stations_of.get(key, set()) if kind == "deputy" else set()
        return any(known.station_area.get(station, "").startswith(code) for station in stations)

    return inside

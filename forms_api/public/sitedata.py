"""The built site's open data as the form service reads it: which targets may receive messages, their names, the
deputies of each station, and the categories the site's form offers (defined once, in mkdocs.yml)."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class TargetsUnavailable(Exception):
    """The site's open data cannot be read: the service cannot tell a real target from a made-up one."""


@dataclass
class Targets:
    """Current deputies, all stations and the form's categories from the site's open data (SITE_DIR/data/), re-read
    when a file's mtime changes: the service accepts what the site's form offers, defined once (mkdocs.yml).

    The mtimes are looked at once every `recheck_seconds` (a site rebuild is noticed within a second) rather than
    with two stat() calls on every request. Until the files have been read once, and while they cannot be read,
    every call looks again. `clock` is for tests.
    """

    site_dir: Path
    recheck_seconds: float = 1.0
    clock: Callable[[], float] = time.monotonic
    _checked: float | None = None
    _stamp: tuple[int, ...] | None = None
    _valid: frozenset[str] = frozenset()
    _former: frozenset[str] = frozenset()
    _names: dict[str, str] = field(default_factory=dict)
    _categories: tuple[str, ...] = ()
    _station_deputies: dict[str, frozenset[str]] = field(default_factory=dict)
    _about: dict[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _derived: dict[Callable, tuple[tuple[int, ...] | None, Any]] = field(default_factory=dict)

    @cached_property
    def files(self) -> tuple[Path, Path, Path]:
        data = Path(self.site_dir) / "data"
        return data / "deputies.json", data / "stations.json", data / "form.json"

    def _refresh(self) -> None:
        now = self.clock()
        if self._checked is not None and now - self._checked < self.recheck_seconds:
            return
        deputies_file, stations_file, form_file = self.files
        try:
            stamp = (os.stat(deputies_file).st_mtime_ns, os.stat(stations_file).st_mtime_ns, _mtime(form_file))
            if stamp == self._stamp:
                self._checked = now
                return
            deputies = json.loads(deputies_file.read_text(encoding="utf-8"))["deputies"]
            stations = json.loads(stations_file.read_text(encoding="utf-8"))["stations"]
            valid = {f"deputy:{d['id']}" for d in deputies if d.get("current") is True}
            former = {f"deputy:{d['id']}" for d in deputies if d.get("current") is not True}
            valid |= {f"station:{s['id']}" for s in stations}
            names = {f"deputy:{d['id']}": str(d.get("name", "")) for d in deputies}
            names |= {f"station:{s['id']}": str(s.get("name", "")) for s in stations}
            about = {str(d["id"]): (_levels(d), str(d.get("occupation") or "")) for d in deputies}
            attached: dict[str, set[str]] = {}
            for deputy in deputies:
                for station in deputy.get("stations") or ():
                    attached.setdefault(str(station), set()).add(str(deputy["id"]))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise TargetsUnavailable(str(error)) from error
        self._valid, self._former, self._names, self._stamp = frozenset(valid), frozenset(former), names, stamp
        self._categories = _categories(form_file)
        self._station_deputies = {station: frozenset(ids) for station, ids in attached.items()}
        self._about = about
        self._checked = now

    def derived(self, build: Callable[[Targets], T]) -> T:
        """`build(self)`, made once for each version of the site's data rather than on every request (the deputies'
        labels and namesakes of a city: 20,000 names sorted and grouped)."""
        with self._lock:
            try:
                self._refresh()
                stamp = self._stamp
            except TargetsUnavailable:
                stamp = None  # made from the empty answers of a missing site, and not kept
            if stamp is not None and (made := self._derived.get(build)) is not None and made[0] == stamp:
                return made[1]
        value = build(self)
        if stamp is not None:
            with self._lock:
                self._derived[build] = (stamp, value)
        return value

    def check(self, target: str) -> str | None:
        """None if `target` may receive messages, else the reason's message key."""
        with self._lock:
            self._refresh()
        if target in self._valid:
            return None
        return "target_former" if target in self._former else "target_unknown"

    def categories(self) -> tuple[str, ...]:
        """The categories the site's form offers, in its order; TargetsUnavailable if the site's data (or only its
        form.json, from a build before the categories were published) is missing."""
        with self._lock:
            self._refresh()
            if not self._categories:
                raise TargetsUnavailable(f"{self.files[2]}: no categories")
            return self._categories

    def name(self, target: str) -> str:
        """The deputy's or station's name for the service's HTML pages ("" if unknown or the data is missing)."""
        try:
            with self._lock:
                self._refresh()
        except TargetsUnavailable:
            return ""
        return self._names.get(target, "")

    def listed(self, kind: str) -> list[tuple[str, str]]:
        """(id, name) of every target of `kind` ("station", "deputy") that may receive messages (current deputies),
        by id; none while the data is missing."""
        try:
            with self._lock:
                self._refresh()
        except TargetsUnavailable:
            return []
        prefix = f"{kind}:"
        found = sorted(target for target in self._valid if target.startswith(prefix))
        return [(target.removeprefix(prefix), self._names.get(target, "")) for target in found]

    def deputies_of(self, station: str) -> frozenset[str]:
        """The ids of the deputies (current or former) attached to `station`; none while the data is missing (a
        station account then sees only the cases addressed to the station itself)."""
        try:
            with self._lock:
                self._refresh()
        except TargetsUnavailable:
            return frozenset()
        return self._station_deputies.get(station, frozenset())

    def about(self, deputy: str) -> tuple[tuple[str, ...], str]:
        """(the levels of the deputy's current seats; their occupation, unit and post, or ""), to
        tell namesakes apart; ((), "") while the data is missing."""
        try:
            with self._lock:
                self._refresh()
        except TargetsUnavailable:
            return (), ""
        return self._about.get(deputy, ((), ""))

    def available(self) -> bool:
        """Whether submissions can be checked: targets and categories read."""
        try:
            self.categories()
        except TargetsUnavailable:
            return False
        return True


def _levels(deputy: dict) -> tuple[str, ...]:
    """The levels of a deputy's seats not ended (no `until`, or one not past), each once."""
    today = date.today().isoformat()
    seats = [m for m in deputy.get("memberships") or () if not m.get("until") or str(m["until"]) >= today]
    return tuple(dict.fromkeys(str(m.get("level")) for m in seats))


def _mtime(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return -1


def _categories(form_file: Path) -> tuple[str, ...]:
    """The form's categories, () if they cannot be read: only submissions need them, names and targets do not."""
    try:
        categories = json.loads(form_file.read_text(encoding="utf-8"))["categories"]
    except (OSError, ValueError, KeyError, TypeError):
        return ()
    if not isinstance(categories, list) or not all(isinstance(c, str) and c for c in categories):
        return ()
    return tuple(categories)

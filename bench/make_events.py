"""Synthetic events for benchmarks (`make_content.py --events E`): a weekly reception day (a rule) at about one fixed
station in ten, and one-off events (mobile stops, 屋场恳谈会, 述职, 视察调研, others) spread over the site's window
around the benchmarks' fixed "today" (bench/common.py's TODAY, 2026-01-01), with the station's own deputies present
and an outcome on most past ones. Seeded: the same arguments give the same files."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

ANCHOR = dt.date(2026, 1, 1)
"""The benchmarks' "today": past events get outcomes, rules run around it."""
ONE_OFF_KINDS = [("courtyard", 4), ("report", 1), ("inspection", 1), ("other", 1)]
TOPICS = {
    "reception": "代表接待日：听取群众意见建议",
    "mobile": "流动联络站进村：听取村民意见",
    "courtyard": "屋场恳谈会：村道硬化和饮水安全",
    "report": "人大代表向选民述职",
    "inspection": "视察调研：农村养老服务",
    "other": "代表小组活动",
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _event(eid: str, kind: str, station: str, start: dt.datetime, deputies: list[str], extra: list[str]) -> str:
    end = start + dt.timedelta(hours=2, minutes=30)
    lines = [
        f"id: {eid}",
        f"kind: {kind}",
        f"topic: {_text(TOPICS[kind])}",
        f"station: {station}",
        f"start: {start:%Y-%m-%d %H:%M}",
        f"end: {end:%Y-%m-%d %H:%M}",
        *extra,
    ]
    if deputies:
        lines += ["deputies:", *(f"  - {d}" for d in deputies)]
    return "\n".join(lines) + "\n"


def make_events(
    rng: random.Random, n: int, stations: list[tuple[str, str, str]], deputies_of: dict[str, list[str]], out: Path
) -> int:
    """Write `n` event files into `out`/events; `stations`: (id, kind, address) of each; `deputies_of`: the current
    deputies of each station. Returns how many were written."""
    folder = out / "events"
    folder.mkdir(parents=True, exist_ok=True)
    with_deputies = [s for s in stations if deputies_of.get(s[0])]
    if not with_deputies:
        return 0
    fixed = [s for s in with_deputies if s[1] == "fixed"]
    rules = min(len(fixed), n // 10)
    written = 0
    taken: set[tuple[str, object]] = set()  # (station, start) and (station, weekday of its rule): one event a time
    for sid, _, _ in fixed[:rules]:
        day = rng.randrange(5)
        start = ANCHOR - dt.timedelta(days=120)
        start += dt.timedelta(days=(day - start.weekday()) % 7)
        repeat = [
            "repeat:",
            "  every: week",
            f"  days: [{WEEKDAYS[day]}]",
            f"  until: {ANCHOR + dt.timedelta(days=180)}",
        ]
        present = rng.sample(deputies_of[sid], min(2, len(deputies_of[sid])))
        text = _event(f"{sid}-jiedairi", "reception", sid, dt.datetime.combine(start, dt.time(9)), present, repeat)
        (folder / f"{sid}-jiedairi.yaml").write_text(text, encoding="utf-8")
        taken.add((sid, (day, dt.time(9))))
        written += 1
    kinds, weights = zip(*ONE_OFF_KINDS, strict=True)
    for i in range(n - written):
        sid, station_kind, address = with_deputies[i % len(with_deputies)]
        while True:  # the loader refuses two events of a station at one time (load/events.py): draw again
            day = ANCHOR + dt.timedelta(days=rng.randint(-330, 170))
            start = dt.datetime.combine(day, dt.time(rng.choice((9, 14)), 30 if rng.random() < 0.5 else 0))
            if (sid, start) not in taken and (sid, (start.weekday(), start.time())) not in taken:
                break
        taken.add((sid, start))
        kind = "mobile" if station_kind == "mobile" else rng.choices(kinds, weights)[0]
        extra = []
        if kind == "mobile":
            extra = ["place:", f"  name: {_text('村民服务中心')}", f"  address: {_text(address or '村民服务中心')}"]
        if day < ANCHOR - dt.timedelta(days=7) and rng.random() < 0.7:
            received = rng.randint(5, 60)
            extra += ["outcome:", f"  received: {received}", f"  opinions: {rng.randint(0, received // 3)}"]
        pool = deputies_of[sid]
        present = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        eid = f"{sid}-e{i:05d}"
        (folder / f"{eid}.yaml").write_text(_event(eid, kind, sid, start, present, extra), encoding="utf-8")
        written += 1
    return written

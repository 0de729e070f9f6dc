"""bench/make_content.py: deterministic, complete and valid synthetic content."""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import make_content  # noqa: E402
from generator.model import CONGRESS_LEVELS, STATION_KINDS, Area, Deputy, Station  # noqa: E402

N, M = 200, 10
PAGES = ["about.md", "how-to.md", "index.md", "privacy.md"]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "content"
    assert make_content.main(["--deputies", str(N), "--stations", str(M), "--out", str(path)]) == 0
    return path


def test_same_arguments_give_byte_identical_output(out: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert make_content.main(["--deputies", str(N), "--stations", str(M), "--out", str(again)]) == 0
    assert tree(out) == tree(again)


def test_another_seed_gives_other_content(out: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    make_content.main(["--deputies", str(N), "--stations", str(M), "--out", str(other), "--seed", "2"])
    assert tree(out) != tree(other)


def test_file_counts(out: Path) -> None:
    assert len(list((out / "deputies").glob("*.yaml"))) == N
    assert len(list((out / "stations").glob("*.yaml"))) == M
    assert sorted(p.name for p in (out / "pages").iterdir()) == PAGES
    assert (out / "areas.yaml").is_file()
    assert not (out / "photos").exists()
    assert "template: home.html" in (out / "pages" / "index.md").read_text(encoding="utf-8")


def test_every_file_validates_against_the_model(out: Path) -> None:
    areas = {a.code: a for a in (Area.model_validate(x) for x in yaml.safe_load((out / "areas.yaml").read_text()))}
    assert {a.level for a in areas.values()} == {"province", "city", "county", "township", "village"}
    assert all(a.parent is None or a.parent in areas for a in areas.values())

    stations = {}
    for path in sorted((out / "stations").glob("*.yaml")):
        station = Station.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        assert station.id == path.stem
        assert station.area in areas
        stations[station.id] = station
    assert {s.kind for s in stations.values()} <= set(STATION_KINDS)

    today = dt.date.today()
    levels: set[str] = set()
    staffed: dict[str, int] = dict.fromkeys(stations, 0)
    for path in sorted((out / "deputies").glob("*.yaml")):
        deputy = Deputy.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        assert deputy.id == path.stem
        assert all(m.area in areas for m in deputy.memberships)
        assert all(s in stations for s in deputy.stations)
        assert deputy.bio is not None and 300 <= len(deputy.bio) <= 600
        current = deputy.current_memberships(today)
        levels.update(m.level for m in current)
        if current:
            assert 1 <= len(deputy.stations) <= 2
            for s in deputy.stations:
                staffed[s] += 1
    assert levels == set(CONGRESS_LEVELS)
    assert min(staffed.values()) >= 2


def test_loader_finds_no_errors(out: Path) -> None:
    if importlib.util.find_spec("generator.load") is None:
        pytest.skip("generator.load is not there yet")
    from generator.load import load_content

    content, problems = load_content(out)
    assert [str(p) for p in problems if not p.warning] == []
    assert len(content.deputies) == N
    assert len(content.stations) == M


def test_refuses_a_non_empty_directory_without_force(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x")
    args = ["--deputies", "5", "--stations", "2", "--out", str(tmp_path)]
    with pytest.raises(SystemExit) as exc:
        make_content.main(args)
    assert exc.value.code == 2
    assert not (tmp_path / "deputies").exists()
    assert make_content.main([*args, "--force"]) == 0
    assert len(list((tmp_path / "deputies").glob("*.yaml"))) == 5


def test_command_line_help() -> None:
    script = ROOT / "bench" / "make_content.py"
    result = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, check=True)
    assert "--deputies" in result.stdout and "--force" in result.stdout


def test_events_validate_and_leave_the_rest_as_it_was(out: Path, tmp_path: Path) -> None:
    """--events adds events/ (rules and one-off events at the stations, with their own deputies) and changes nothing
    else, so a build with events compares with one without."""
    with_events = tmp_path / "events"
    args = ["--deputies", str(N), "--stations", str(M), "--out", str(with_events), "--events", "60"]
    assert make_content.main(args) == 0
    files = tree(with_events)
    assert {k: v for k, v in files.items() if not k.startswith("events/")} == tree(out)
    assert len([k for k in files if k.startswith("events/")]) == 60
    from generator.load import load_content

    content, problems = load_content(with_events, dt.date(2026, 1, 1))
    assert [str(p) for p in problems] == []
    assert len(content.events) == 60
    kinds = {e.kind for e in content.events.values()}
    assert "reception" in kinds and any(e.repeat for e in content.events.values())


def test_events_never_put_a_station_twice_at_one_time(tmp_path: Path) -> None:
    """Many events at few stations: no two share a station and start, and no one-off falls on its station's weekly
    reception time (the loader refuses both: the event would count twice)."""
    from bench.make_events import make_events

    stations = [("s1", "fixed", "地址"), ("s2", "fixed", "地址")]
    assert make_events(random.Random(3), 400, stations, {"s1": ["a", "b"], "s2": ["c"]}, tmp_path) == 400
    events = [yaml.safe_load(f.read_text(encoding="utf-8")) for f in sorted((tmp_path / "events").iterdir())]
    starts = [(e["station"], e["start"]) for e in events]
    assert len(set(starts)) == len(starts)
    rules = {e["station"]: (e["repeat"]["days"][0], e["start"][-5:]) for e in events if "repeat" in e}
    weekdays = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for station, start in (s for s, e in zip(starts, events, strict=True) if "repeat" not in e):
        day = dt.datetime.strptime(start, "%Y-%m-%d %H:%M")
        assert rules.get(station) != (weekdays[day.weekday()], start[-5:])

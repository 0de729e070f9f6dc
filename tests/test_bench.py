"""bench/: the harness runs end to end at a tiny N and prints its tables (no timing assertions)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import build, forms, notify, payload  # noqa: E402

SCRIPTS = ["build.py", "payload.py", "serve_edit.py", "forms.py", "lighthouse.py", "notify.py", "events_build.py"]
BUILD_VARIANTS = ["ours-warm", "ours-cold", "naive", "naive-qr", "hugo", "naive + naive-qr"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_script_has_help(script: str) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    if shutil.which("hugo") is None:
        pytest.skip("hugo is not installed (bench/build.py would install it with apt-get)")
    work = tmp_path_factory.mktemp("bench") / "work"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "build.py"), "--deputies", "30", "--reps", "1", "--work", str(work)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout, work


def test_build_prints_a_row_per_variant_with_ratios(built: tuple[str, Path]) -> None:
    out, _ = built
    assert "| variant | reps | wall s median (min–max) | peak RSS MB median | × naive | × naive+QR | × hugo |" in out
    lines = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line]
    rows = {line.split("|")[1].strip(): line for line in lines}
    for variant in BUILD_VARIANTS:
        cells = [c.strip() for c in rows[variant].split("|")[2:-1]]
        assert cells[0] == "1"
        assert re.fullmatch(r"\d+\.\d \(\d+\.\d–\d+\.\d\)", cells[1])
        assert all(re.fullmatch(r"\d+(\.\d+)?", c) for c in cells[2:])
    assert [c.strip() for c in rows["naive"].split("|")[5:6]] == ["1.00"]
    targets = [line for line in out.splitlines() if line.startswith("- ")]
    assert len(targets) == 4
    assert all(line.endswith(("— met", "— NOT met")) for line in targets)


def test_build_keeps_peers_and_site_in_work_dir(built: tuple[str, Path]) -> None:
    _, work = built
    assert (work / "site" / "index.html").is_file()
    assert (work / "naive" / "mkdocs.yml").is_file()
    assert (work / "hugo" / "content" / "stations" / "_index.md").is_file()
    assert not list(work.glob("out-*/*"))  # every measured output folder is removed after its rep


def test_payload_measures_the_built_site(built: tuple[str, Path]) -> None:
    _, work = built
    lines = payload.measure(work / "site")
    text = "\n".join(lines)
    assert "| index data/finder.json |" in text
    assert "| index search/search_index.json |" in text
    assert re.search(r"deputy page first load, median of \d+ pages", text)
    assert "missing refs 0" in text
    assert sum(line.startswith("- ") for line in lines) == 3


def test_forms_table_reports_ratio_p99_and_queue_checks() -> None:
    run = {"rps": 1000.0, "p50_us": 2000, "p99_us": 9000, "non2xx": 0, "errors": 0, "created": 10000}
    results = {
        "forms (fsync)": [{**run, "queued": 10003}],
        "no-op": [{**run, "rps": 2000.0, "queued": 0}],
    }
    text = forms.table(results, 10, (400, 400))
    assert "| forms (fsync) | 1 | 1,000 (1,000–1,000) | 0.50 | 2.00 | 9.00 (9.00) |" in text
    assert "req/s ≥ 0.6× no-op: 0.50× — NOT met" in text
    assert "p99 ≤ 20 ms at 8 connections: 9.00 ms — met" in text
    assert "per run: [3]" in text
    assert "400 × 201, 400 submitted events queued — met" in text


def test_notify_table_reports_ratios_side_by_side() -> None:
    run = {"rps": 1000.0, "p50_us": 2000, "p99_us": 9000, "other_load": 0.1, "created": 5000}
    off = {**run, "server_cpu": 5.0, "worker_cpu": 0.0}  # 1,000 µs a 201
    on = [{**off, "rps": 950.0, "worker_cpu": 0.5}, {**off, "rps": 850.0, "server_cpu": 5.5, "worker_cpu": 0.6}]
    text = notify.table({"notifications off": [off, off], "notifications on": on}, 5, 4000, 3990)
    assert "| notifications on | 2 | 900 (850–950) | 9.00 | 0.10 |" in text
    assert "on / off, per rep: 0.95, 0.85; of the medians: 0.90 — met (target ≥ 0.9)" in text
    assert "4000 submissions, 3990 notices sent by the worker meanwhile" in text
    assert "notifications off 1000 µs (1000–1000); notifications on 1160 µs (1100–1220); off / on 0.86" in text


def test_notify_cpu_mode_measures_every_configuration() -> None:
    """`bench/notify.py --cpu N`: the service in-process with each configuration (a sender needs SITE_URL)."""
    text = notify.cpu_table(3, 1)
    for name in notify.CPU_CONFIGS:
        assert re.search(rf"\| {re.escape(name)} \| \d+ \(\d+–\d+\) \| \d\.\d\d \|", text), text


def test_build_rejects_bad_counts() -> None:
    with pytest.raises(SystemExit) as exit_info:
        build.main(["--deputies", "0"])
    assert exit_info.value.code == 2


def test_events_build_prints_both_variants_with_ratios(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "events_build.py"), "--deputies", "30", "--events", "40", "--reps", "1"]
        + ["--work", str(tmp_path / "work")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    rows = {line.split("|")[1].strip(): line for line in result.stdout.splitlines() if line.startswith("| ")}
    assert [c.strip() for c in rows["without events"].split("|")[4:5]] == ["1.00"]
    assert re.fullmatch(r"\d+\.\d\d", rows["with events"].split("|")[4].strip())
    assert len(list((tmp_path / "work" / "with-events" / "events").glob("*.yaml"))) == 40
    assert not (tmp_path / "work" / "without-events" / "events").exists()


def test_each_rep_starts_one_server_later() -> None:
    names = ["folder", "no-op", "postgresql"]
    orders = [forms.rotated(names, rep) for rep in range(4)]
    assert orders[:3] == [names, ["no-op", "postgresql", "folder"], ["postgresql", "folder", "no-op"]]
    assert orders[3] == names
    assert [forms.rotated(["off", "on"], rep) for rep in range(3)] == [["off", "on"], ["on", "off"], ["off", "on"]]

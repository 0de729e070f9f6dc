"""The JSON Schemas editors' YAML editors use: committed under schemas/, fresh, and true to the loader."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema_rs
import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.schema import json_schemas

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def as_editor_reads(path: Path) -> object:
    """The file as a YAML editor sees it (YAML 1.1 types; dates as text, as the language server does)."""

    def plain(value: object) -> object:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value.isoformat() if isinstance(value, dt.date) else value

    return plain(yaml.safe_load(path.read_text(encoding="utf-8")))


def test_committed_schemas_are_fresh(tmp_path: Path) -> None:
    """schemas/ (used by .vscode/settings.json) is what `python -m generator schema` writes today."""
    assert CliRunner().invoke(main, ["schema", "--out", str(tmp_path)]).exit_code == 0
    for written in tmp_path.iterdir():
        committed = ROOT / "schemas" / written.name
        assert committed.read_text(encoding="utf-8") == written.read_text(encoding="utf-8"), (
            "run: .venv/bin/python -m generator schema --out schemas"
        )


@pytest.mark.parametrize(
    "tree", [ROOT / "content", FIXTURES / "good", FIXTURES / "events" / "good"], ids=["demo", "good", "events"]
)
def test_valid_content_passes_the_schemas(tree: Path) -> None:
    schemas = {name: jsonschema_rs.validator_for(schema) for name, schema in json_schemas().items()}
    files = [("areas", tree / "areas.yaml")] if (tree / "areas.yaml").is_file() else []
    files += [("station", p) for p in (tree / "stations").glob("*.yaml")]
    files += [("deputy", p) for p in (tree / "deputies").glob("*.yaml")]
    files += [("event", p) for p in (tree / "events").glob("*.yaml")]
    for kind, path in files:
        errors = [e.message for e in schemas[kind].iter_errors(as_editor_reads(path))]
        assert errors == [], path


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"gendr": "male"}, "Additional properties"),
        ({"gender": "other"}, "other"),
        ({"memberships": []}, "[]"),
        ({"stations": "qingshi-zhan"}, "qingshi-zhan"),
    ],
)
def test_mistakes_fail_the_schema(change: dict, expected: str) -> None:
    deputy = as_editor_reads(FIXTURES / "good" / "deputies" / "zhou-liming.yaml")
    validator = jsonschema_rs.validator_for(json_schemas()["deputy"])
    errors = [e.message for e in validator.iter_errors({**deputy, **change})]
    assert errors and expected in json.dumps(errors, ensure_ascii=False)

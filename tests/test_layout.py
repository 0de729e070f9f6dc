"""The packages' shape (issue 11), read from the files on disk so that a new module is covered by construction: no
import cycle (imports inside functions count), no module over 400 lines, MkDocs only at the generator's edge, a pure
cases package, and no import of our own modules hidden in a function of forms_api."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("generator", "forms_api")
MAX_LINES = 400
CATALOGUES = {"generator/messages.py", "forms_api/messages.py", "forms_api/messages_console.py"}  # text, not logic
EDGE = "generator.mkdocs_edge"
RENDERER = ("mkdocs", "material")


def modules(package: str) -> dict[str, Path]:
    """Every module of `package` by dotted name (a sub-package by its own name)."""
    paths = sorted((ROOT / package).rglob("*.py"))
    return {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p for p in paths}


def imported(
    name: str, path: Path, *, in_functions_only: bool = False, known: frozenset[str] = frozenset()
) -> set[str]:
    """What a module imports: `from package import name` counts as importing package.name if that is in `known` (a
    submodule), else as importing both the package and package.name (callers keep the names they know)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if in_functions_only:
        functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
        nodes = [node for function in functions for node in ast.walk(function)]
    else:
        nodes = list(ast.walk(tree))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            source = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                full = f"{source}.{alias.name}"
                found.update([full] if full in known else [source, full])
    return found


def own_imports(package: str, *, in_functions_only: bool = False) -> dict[str, set[str]]:
    paths = modules(package)
    known = frozenset(paths)
    return {
        name: (imported(name, path, in_functions_only=in_functions_only, known=known) & known) - {name}
        for name, path in paths.items()
    }


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycle(package: str) -> None:
    graph = own_imports(package)
    assert len(graph) > 10
    cycles: list[list[str]] = []
    state: dict[str, str] = {}  # "open" while on the current path, "done" after

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                cycles.append([*path[path.index(target) :], name, target] if target in path else [name, target])
            elif target not in state:
                visit(target, [*path, name])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    assert cycles == []


def test_no_module_over_400_lines() -> None:
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for package in PACKAGES
        for path in modules(package).values()
    }
    assert len(sizes) > 40
    assert {path: lines for path, lines in sizes.items() if lines > MAX_LINES and path not in CATALOGUES} == {}


def test_no_function_level_imports_of_our_own_modules_in_forms_api() -> None:
    """forms_api has no reason to import itself lazily; generator/cli.py imports the MkDocs edge only in `build` and
    `serve` (and `validate` its light mkdocs.yml reader), so that `validate` starts without MkDocs' configuration (the
    cycle test above counts those imports too)."""
    graph = own_imports("forms_api", in_functions_only=True)
    assert {name: targets for name, targets in graph.items() if targets} == {}


IMPURE = {"flask", "werkzeug", "click", "os", "fcntl", "pathlib", "io", "socket", "subprocess", "threading"}


def test_cases_are_pure() -> None:
    """forms_api/cases/ imports no Flask, no click, no file or thread module, and of forms_api only itself and the
    messages."""
    paths = modules("forms_api")
    found = {
        name: imported(name, path, known=frozenset(paths))
        for name, path in paths.items()
        if name.startswith("forms_api.cases")
    }
    assert len(found) >= 5
    for name, targets in found.items():
        for target in targets:
            assert target.split(".")[0] not in IMPURE, f"{name} imports {target}"
            if target.startswith("forms_api"):
                assert target.startswith(("forms_api.cases", "forms_api.messages")), f"{name} imports {target}"


_NEW_RENDERER_MODULES = """\
import importlib, json, sys
found = {}
for name in sys.argv[1:]:
    before = set(sys.modules)
    importlib.import_module(name)
    new = sorted(m for m in set(sys.modules) - before if m.split(".")[0] in ("mkdocs", "material"))
    if new:
        found[name] = new
print(json.dumps(found))
"""


def test_nothing_outside_the_edge_loads_mkdocs_or_material() -> None:
    """Imported one after another in a fresh interpreter, each module is charged with the MkDocs or Material modules
    that appeared while it loaded; cli.py is in the list too: `validate` and `schema` start without MkDocs."""
    outside = [
        name
        for name in modules("generator")
        if name != EDGE and not name.startswith(EDGE + ".") and name != "generator.__main__"
    ]
    assert {"generator.pages", "generator.load", "generator.posters", "generator.cli"} <= set(outside)
    result = subprocess.run(
        [sys.executable, "-c", _NEW_RENDERER_MODULES, *outside], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == {}


def test_the_edge_is_where_mkdocs_is_imported() -> None:
    """The guard above would pass on an edge that had moved: the plugin and the skeleton fill do import MkDocs."""
    known = modules("generator")
    for name in (f"{EDGE}.plugin", f"{EDGE}.skeleton"):
        assert any(target.split(".")[0] in RENDERER for target in imported(name, known[name])), name

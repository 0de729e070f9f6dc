"""The generator's layout: MkDocs stays at its edge (`generator/mkdocs_edge/`), so that the renderer can be replaced
without touching the model or the pages, and no import cycle runs through the package.

The module lists come from the files on disk: a new module is covered by construction.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generator"
EDGE = "generator.mkdocs_edge"
RENDERER = ("mkdocs", "material")

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


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def generator_modules() -> dict[str, Path]:
    """Every module of the package, by dotted name (a package by its own name)."""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def outside_the_edge() -> list[str]:
    """Every module but the edge's, and `__main__` (importing it runs the command line)."""
    return [
        name
        for name in generator_modules()
        if name != EDGE and not name.startswith(EDGE + ".") and name != "generator.__main__"
    ]


def test_nothing_outside_the_edge_loads_mkdocs_or_material() -> None:
    """Imported one after another in a fresh interpreter, each module is charged with the MkDocs or Material modules
    that appeared while it loaded; cli.py is in the list too: `validate` and `schema` start without MkDocs."""
    modules = outside_the_edge()
    assert {"generator.pages", "generator.load", "generator.posters", "generator.cli"} <= set(modules)
    result = subprocess.run(
        [sys.executable, "-c", _NEW_RENDERER_MODULES, *modules],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == {}


def test_the_edge_is_where_mkdocs_is_imported() -> None:
    """The guard above would pass on an edge that had moved: the plugin and the skeleton fill do import MkDocs."""
    imported = {name: _imports(name, path) for name, path in generator_modules().items()}
    assert any(target.split(".")[0] in RENDERER for target in imported[f"{EDGE}.plugin"])
    assert any(target.split(".")[0] in RENDERER for target in imported[f"{EDGE}.skeleton"])


def test_no_import_cycle_in_the_generator() -> None:
    """Every import counts, in functions too, so a cycle cannot hide behind an import inside a function."""
    modules = generator_modules()
    graph = {name: {t for t in _imports(name, path) if t in modules and t != name} for name, path in modules.items()}
    cycles = []
    state: dict[str, str] = {}  # name -> "open" while on the path, "done" after

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                cycles.append(path[path.index(target) :] + [name, target])
            elif target not in state:
                visit(target, [*path, name])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    assert cycles == []


def _imports(name: str, path: Path) -> set[str]:
    """The dotted names a module imports anywhere in it: modules, and `package.name` for `from package import name`
    (a submodule or an attribute; the caller keeps what it knows as modules)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[: len(base) - node.level + 1] if node.level else []
            source = ".".join([*base, *([node.module] if node.module else [])])
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)
    return found

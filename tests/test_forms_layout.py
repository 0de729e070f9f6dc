"""forms_api's shape (issue 11): no import cycles, no imports hidden in functions, a pure cases package, one store
interface, one settings loader for the staff tools, and a staff CLI that patches click only while it runs."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from forms_api.staff.cli import main
from forms_api.store import Accounts, Store, open_accounts, open_store
from forms_api.store.accounts import AccountFile
from forms_api.store.folder import EventLog

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "forms_api"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(tree: ast.AST, name: str, modules: set[str], *, top_level: bool) -> set[str]:
    """The forms_api modules a module imports, at its top level or inside functions: `from a import b` counts as
    importing a.b when that is a module (a package's submodule), else as importing a."""
    if top_level:
        nodes = list(tree.body)
    else:
        functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
        nodes = [node for function in functions for node in ast.walk(function)]
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's package
                package = name.split(".")[: -node.level] if not name.endswith("__init__") else name.split(".")
                base = ".".join(package + ([base] if base else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return {module for module in found if module in modules} - {name}


def graph(*, top_level: bool = True) -> dict[str, set[str]]:
    trees = {module_name(path): ast.parse(path.read_text(encoding="utf-8")) for path in PACKAGE.rglob("*.py")}
    return {name: imports(tree, name, set(trees), top_level=top_level) for name, tree in trees.items()}


def test_no_import_cycle() -> None:
    edges = graph()
    finished: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, "import cycle: " + " -> ".join([*path, module])
        if module in finished:
            return
        for target in sorted(edges[module]):
            visit(target, (*path, module))
        finished.add(module)

    for module in sorted(edges):
        visit(module, ())


def test_no_function_level_imports_of_our_own_modules() -> None:
    assert {name: targets for name, targets in graph(top_level=False).items() if targets} == {}


IMPURE = {"flask", "werkzeug", "click", "os", "fcntl", "pathlib", "io", "socket", "subprocess", "threading"}


def test_cases_are_pure() -> None:
    """cases/ imports no Flask, no click, no file or thread module, and of forms_api only itself and messages."""
    for path in (PACKAGE / "cases").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names += [f"{node.module}.{alias.name}" for alias in node.names]
            for name in names:
                assert name.split(".")[0] not in IMPURE, f"{path.name} imports {name}"
                if name.startswith("forms_api"):
                    assert name.startswith(("forms_api.cases", "forms_api.messages")), f"{path.name} imports {name}"


def test_the_folder_store_is_a_store(tmp_path: Path) -> None:
    """Every method of the Store protocol, with the same parameters, on the folder store that open_store returns."""
    store = open_store({"QUEUE_DIR": tmp_path / "queue", "QUEUE_FSYNC": False})
    assert isinstance(store, EventLog)
    members = [name for name in vars(Store) if not name.startswith("_")]
    assert len(members) >= 10
    for name in members:
        ours = getattr(EventLog, name)
        if isinstance(ours, property):
            assert isinstance(vars(Store)[name], property), name
            continue
        assert list(inspect.signature(ours).parameters) == list(inspect.signature(vars(Store)[name]).parameters), name


def test_importing_the_staff_tools_patches_nothing() -> None:
    """click's modules keep gettext's own functions until the staff tools run, and get them back afterwards."""
    code = (
        "import gettext, click.core, click.exceptions, forms_api.staff.cli; "
        "assert click.core._ is gettext.gettext and click.exceptions.ngettext is gettext.ngettext; print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout == "ok\n", result.stderr
    import gettext

    import click.core

    assert CliRunner().invoke(main, ["no-such-command"]).stderr.startswith("用法：")
    assert click.core._ is gettext.gettext


def test_staff_tools_read_settings_through_the_service_loader(tmp_path: Path) -> None:
    """A bad FORMS_* value is reported as the service reports it, naming its source; the option overrides it."""
    EventLog(tmp_path / "queue", fsync=False)
    env = {"FORMS_QUEUE_DIR": str(tmp_path / "queue"), "FORMS_QUEUE_FSYNC": "maybe", "FORMS_STAFF": None}
    bad = CliRunner().invoke(main, ["list"], env=env)
    assert bad.exit_code == 1
    assert bad.stderr == (
        "错误：设置有误：invalid form service configuration:\nFORMS_QUEUE_FSYNC: expected true or false (got 'maybe')\n"
    )
    env["FORMS_QUEUE_FSYNC"] = "off"
    env["FORMS_QUEUE_DIR"] = ""
    empty = CliRunner().invoke(main, ["list"], env=env)
    assert empty.stderr == (
        "错误：设置有误：invalid form service configuration:\nFORMS_QUEUE_DIR: expected a folder path (got '')\n"
    )
    assert CliRunner().invoke(main, ["--queue", str(tmp_path / "queue"), "list"], env=env).exit_code == 0


def test_the_folder_accounts_are_accounts(tmp_path: Path) -> None:
    """Every method of the Accounts protocol, with the same parameters, on what open_accounts returns."""
    accounts = open_accounts({"QUEUE_DIR": tmp_path / "queue"})
    assert isinstance(accounts, AccountFile)
    members = [name for name in vars(Accounts) if not name.startswith("_")]
    assert len(members) >= 5
    for name in members:
        ours = getattr(AccountFile, name)
        if isinstance(ours, property):
            assert isinstance(vars(Accounts)[name], property), name
            continue
        assert list(inspect.signature(ours).parameters) == list(inspect.signature(vars(Accounts)[name]).parameters)

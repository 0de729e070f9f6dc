"""Shared fixtures for the test suite."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from servers import Postgres, Redis

from forms_api import create_app
from forms_api.accounts import passwords
from forms_api.store import QueueMissing, Store, open_store
from forms_api.store.pgdb import close_all, upgrade

# --- chromium_browser: Debian's headless chromium through Playwright, for tests marked `browser` ----------------------
# Playwright cannot download its own browsers here; scripts/setup.sh installs /usr/bin/chromium.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless chromium for the whole session; open a new page (or context) per test."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup.sh (Debian package chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# --- end of chromium_browser ---------------------------------------------------------------------------------------


# --- fixtures_dir, make_content: content trees under tests/fixtures/ (see tests/fixtures/README.md) ---------------
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES_DIR


def overlay_case(content: Path, case: Path) -> None:
    """Copy a bad case's files over `content`; paths listed in the case's DELETE file are removed instead."""
    for source in sorted(case.rglob("*")):
        relative = source.relative_to(case)
        if source.is_file() and relative != Path("DELETE"):
            target = content / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    deletions = case / "DELETE"
    for line in deletions.read_text(encoding="utf-8").splitlines() if deletions.is_file() else ():
        if line.strip():
            (content / line.strip()).unlink()


@pytest.fixture
def beside_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test runs in tmp_path, as an editor runs `validate` beside content/: problems name content/deputies/x.yaml,
    the path that opens the file from there."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def make_content(tmp_path: Path, beside_content: Path) -> Callable[..., Path]:
    """`make_content("unknown_key", ...)`: the good tree copied to tmp_path/content, those bad cases laid over it, the
    test running in tmp_path (beside_content)."""

    def make(*cases: str) -> Path:
        content = tmp_path / "content"
        shutil.copytree(FIXTURES_DIR / "good", content)
        for case in cases:
            overlay_case(content, FIXTURES_DIR / "bad" / case)
        return content

    return make


# --- end of fixtures_dir, make_content ----------------------------------------------------------------------------


# --- the form service: no_forms_environment, app, client (as in Flask's tutorial), and the helpers behind them ------
SITE_DATA = {
    "deputies.json": {
        "deputies": [
            {"id": "cao-wenjie", "name": "曹文杰", "current": True},
            {"id": "han-sumei", "name": "韩素梅", "current": True},
            {"id": "li-former", "name": "李离任", "current": False},
        ]
    },
    "stations.json": {"stations": [{"id": "dongxi-zhan", "name": "东溪代表联络站"}]},
    "form.json": {"categories": ["意见", "建议", "求助", "其他"]},
}


def write_site(site: Path) -> Path:
    """A built site's open data, as much of it as the service reads."""
    (site / "data").mkdir(parents=True, exist_ok=True)
    for name, data in SITE_DATA.items():
        (site / "data" / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return site


def make_app(tmp_path: Path, **config: Any) -> Flask:
    """An app on tmp_path/queue (or the store `QUEUE_URL=` names) and tmp_path/site, rate limits off unless `config`
    says otherwise."""
    settings = {
        "QUEUE_DIR": tmp_path / "queue",
        "SITE_DIR": write_site(tmp_path / "site"),
        "RATELIMIT_ENABLED": False,
        "TESTING": True,
    }
    return create_app(settings | config)


def events(app: Flask) -> list[dict]:
    """The events in an app's store, in order."""
    try:
        return list(open_store(app.config, create=False).scan())
    except QueueMissing:
        return []


@pytest.fixture
def no_forms_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The shell's FORMS_* variables must not leak into the tests (modules of the form service use it throughout)."""
    for name in [name for name in os.environ if name.startswith("FORMS_")]:
        monkeypatch.delenv(name)
    yield


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# --- end of the form service's fixtures -------------------------------------------------------------------------------


# --- real servers: postgres_server, pg_url (a fresh database a test), redis_server, and `queue_url` on both stores --
TEMPLATE_DATABASE = "mashang_template"
_databases = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Postgres]:
    """One throw-away PostgreSQL 15 for the session, with a template database holding the store's schema."""
    server = Postgres()
    try:
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE_DATABASE}")
        upgrade(server.url(TEMPLATE_DATABASE))
        yield server
    finally:
        close_all()
        server.close()


def new_database(server: Postgres, *, schema: bool = True) -> str:
    """A new database on `server` (with the store's schema unless told), its URL."""
    name = f"test_{next(_databases)}"
    template = TEMPLATE_DATABASE if schema else "template0"
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    return server.url(name)


@pytest.fixture
def pg_url(postgres_server: Postgres) -> Iterator[str]:
    """A fresh database with the store's schema for one test: no test sees another's events."""
    yield new_database(postgres_server)
    close_all()  # this process's pools, so that the next test starts from no connection


@pytest.fixture(scope="session")
def redis_server() -> Iterator[Redis]:
    server = Redis()
    yield server
    server.close()


@pytest.fixture(params=["folder", "postgresql"])
def queue_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The store a contract test runs on (QUEUE_URL): a fresh queue folder, then a fresh PostgreSQL database."""
    if request.param == "folder":
        return str(tmp_path / "queue")
    return request.getfixturevalue("pg_url")


_KEY_FILES: list[Path] = []  # one folder for the session's evaluations key files of databases


def store_settings(queue_url: str, **more: Any) -> dict[str, Any]:
    """Settings naming the store `queue_url`; a database's evaluations key file is its own (a folder's: beside it)."""
    settings = {"QUEUE_URL": queue_url, "QUEUE_DIR": "/nonexistent", "QUEUE_FSYNC": True}
    if "://" in queue_url:
        if not _KEY_FILES:
            _KEY_FILES.append(Path(tempfile.mkdtemp(prefix="mashang-keys-")))
        settings["EVALUATIONS_KEY_FILE"] = _KEY_FILES[0] / f"{queue_url.rsplit('/', 1)[-1]}.key"
    return settings | more


@pytest.fixture
def store(queue_url: str) -> Store:
    """One instance of the store `queue_url` names; `open_store(store_settings(queue_url))` opens another."""
    return open_store(store_settings(queue_url))


# --- end of the real servers ---------------------------------------------------------------------------------------


# --- passwords: real argon2id at a test's cost -------------------------------------------------------------------
@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with the least memory and time in this process (production's parameters cost 0.1-1 s a hash, and the
    console tests hash hundreds of times); tests/test_users_cli.py checks production's parameters in a subprocess."""
    monkeypatch.setattr(passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))

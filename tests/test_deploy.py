"""The deployment as an office runs it: Debian's nginx with the shipped site configuration in front, gunicorn with
deploy/gunicorn.conf.py behind, the site built and switched by deploy/rebuild.sh. Everything on loopback ports, with
paths substituted into a temporary copy of the configuration.

Through nginx, in chromium: open a deputy's page by its QR code, submit, staff answer with the real staff tools,
track, rate, with no console error and no Content-Security-Policy violation. Then the response headers, the rate limit
against a spoofed X-Forwarded-For, logs without client addresses or tracking codes, and the atomic switch: a build
that fails leaves the served site byte for byte as it was. Skipped only where nginx cannot be installed.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import importlib.util
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import write_site
from servers import wait_for
from test_e2e import DEPUTY, MESSAGE, PHONE, Service, fill_message, free_port, qr_url, staff_answers

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
TODAY = "2026-11-28"


def load_render_config():
    spec = importlib.util.spec_from_file_location("render_config", DEPLOY / "render_config.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def find_nginx() -> str:
    """Debian's nginx; installed with apt-get when missing and we may (scripts/setup.sh installs it for CI)."""
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    reason = "not root, or no apt-get"
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        command = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "nginx"]
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
        if result.returncode == 0 and os.access("/usr/sbin/nginx", os.X_OK):
            return "/usr/sbin/nginx"
        reason = (result.stderr or result.stdout).strip()[-300:]
    pytest.skip(f"nginx is not installed and cannot be installed here ({reason}); scripts/setup.sh installs it")


def rebuild(site_root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    command = ["bash", str(DEPLOY / "rebuild.sh"), "--no-pull", *args]
    full_env = {**os.environ, "MASHANG_SITE_ROOT": str(site_root), "MASHANG_PYTHON": sys.executable, **(env or {})}
    return subprocess.run(command, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=180, check=False)


@dataclass
class Stack:
    base: str
    port: int
    work: Path
    site_root: Path
    conf: Path
    logs: Path
    service: Service
    build_args: list[str]
    build_env: dict[str, str]

    def get(self, path: str, headers: dict[str, str] | None = None, method: str = "GET", body: bytes | None = None):
        """(status, headers as a dict of lists, body) from nginx, without following redirects."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            found: dict[str, list[str]] = {}
            for name, value in response.getheaders():
                found.setdefault(name.lower(), []).append(value)
            return response.status, found, response.read()
        finally:
            connection.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    nginx = find_nginx()
    work = tmp_path_factory.mktemp("deploy")
    port, api_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}/"
    site_root, logs, queue = work / "site", work / "logs", work / "queue"
    logs.mkdir()
    build_args = ["--", "--today", TODAY]
    build_env = {"MASHANG_SITE_URL": base, "MASHANG_STRICT": "1"}
    first = rebuild(site_root, *build_args, env=build_env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[-1].startswith("rebuild: now serving ")

    conf = work / "mashang.conf"
    render = [sys.executable, str(DEPLOY / "render_config.py"), "render", "--site", str(site_root / "current")]
    render += ["--server-name", "127.0.0.1", "--listen", f"127.0.0.1:{port}", "--site-root", str(site_root)]
    render += ["--api-upstream", f"127.0.0.1:{api_port}", "--log-dir", str(logs), "--out", str(conf)]
    subprocess.run(render, check=True, timeout=60)
    temp = work / "nginx-temp"
    temp.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the private pytest folders
    wrapper = work / "nginx.conf"
    wrapper.write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {work}/nginx.pid;\nerror_log {logs}/error.log;\n"
        "events { worker_connections 128; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        + "".join(
            f"  {kind}_temp_path {temp}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {conf};\n}}\n"
    )
    nginx_command = [nginx, "-p", str(work), "-c", str(wrapper), "-e", str(logs / "error.log")]
    checked = subprocess.run([*nginx_command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr

    env = {
        **os.environ,
        "FORMS_BIND": f"127.0.0.1:{api_port}",
        "FORMS_TRUSTED_PROXIES": "1",
        "FORMS_QUEUE_DIR": str(queue),
        "FORMS_SITE_DIR": str(site_root / "current"),
        "FORMS_ACCESS_LOG": str(logs / "forms-access.log"),
        "FORMS_ERROR_LOG": str(logs / "forms-error.log"),
    }
    gunicorn_command = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
    gunicorn = subprocess.Popen(gunicorn_command, cwd=ROOT, env=env)
    server = subprocess.Popen(nginx_command)
    try:
        wait_for(f"http://127.0.0.1:{api_port}/api/health", gunicorn, "gunicorn")
        wait_for(base + "api/health", server, "nginx")
        service = Service(base, site_root / "current", queue)
        yield Stack(base, port, work, site_root, conf, logs, service, build_args, build_env)
    finally:
        for process in (server, gunicorn):
            process.terminate()
        for process in (server, gunicorn):
            process.wait(timeout=30)


# --- the citizen's flow through nginx, in chromium --------------------------------------------------------------------

WATCH_CSP = """document.addEventListener("securitypolicyviolation", (e) =>
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} in ${e.sourceFile}`));"""


@pytest.fixture
def phone(chromium_browser, request) -> Iterator:
    context = chromium_browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        java_script_enabled=getattr(request, "param", True),
    )
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(f"{m.text} {m.location}") if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    yield page
    context.close()
    assert errors == []


@pytest.mark.browser
def test_citizen_flow_through_nginx(stack: Stack, phone, chromium_browser, tmp_path: Path) -> None:
    service = stack.service
    phone.goto(qr_url(service, chromium_browser, tmp_path))  # the QR code holds the nginx address
    assert phone.locator("h1").first.text_content() == "王秀兰"
    fill_message(phone, MESSAGE)
    phone.wait_for_url("**/thanks/#code=*")
    code = phone.locator("#thanks [data-key=code]").text_content()
    ref = phone.locator("#thanks [data-key=ref]").text_content()
    submitted = [e for e in service.events() if e["type"] == "submitted" and e["ref"] == ref]
    assert len(submitted) == 1 and submitted[0]["phone"] == PHONE

    answer = "已联系县住建局，路灯已于本周修复。感谢您的反映！"
    staff_answers(service, ref, answer)
    phone.locator("#thanks").get_by_role("link", name="查询办理进度").click()
    result = phone.locator("#track-result")
    result.wait_for()
    assert result.locator("[data-key=answer]").text_content() == answer
    phone.get_by_label("满意", exact=True).check()
    phone.get_by_role("button", name="提交评价").click()
    phone.locator(".rating-form__status", has_text="感谢您的评价").wait_for()
    assert [e["rating"] for e in service.events() if e["type"] == "rated" and e["ref"] == ref] == ["满意"]

    # other pages under the same policy, and the finder on the home page (it fetches its index)
    for path in ("stations/", "posters/dongxi-zhan.html", "about/", ""):
        phone.goto(stack.base + path)
        phone.wait_for_load_state("networkidle")
    phone.wait_for_function("document.querySelectorAll('#finder-level option').length > 1")
    phone.locator("#finder-q").fill("wangxiulan")
    phone.locator("#finder-results a", has_text="王秀兰").first.wait_for()
    assert code not in (stack.logs / "mashang.access.log").read_text()


@pytest.mark.browser
@pytest.mark.parametrize("phone", [False], indirect=True)
def test_citizen_flow_without_javascript_through_nginx(stack: Stack, phone) -> None:
    """The plain HTML form posts to /api/ through nginx; the service's pages keep their own (nonce) policy."""
    phone.goto(f"{stack.base}deputies/{DEPUTY}/")
    fill_message(phone, MESSAGE + "（不用 JavaScript 提交）")
    code = phone.locator("#tracking-code").text_content()
    ref = phone.locator("#reference").text_content()
    staff_answers(stack.service, ref, "已转交乡政府修复。")
    phone.goto(stack.base + "track/")
    phone.get_by_label("查询码").fill(code)
    phone.get_by_role("button", name="查询", exact=True).click()
    assert phone.locator("dd.answer").text_content() == "已转交乡政府修复。"


# --- headers, limits and logs -----------------------------------------------------------------------------------------


def csp_directives(headers: dict[str, list[str]]) -> dict[str, list[str]]:
    (policy,) = headers["content-security-policy"]  # exactly one policy: nginx adds none to the service's answers
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_response_headers(stack: Stack) -> None:
    status, page, body = stack.get(f"/deputies/{DEPUTY}/", {"Accept-Encoding": "gzip"})
    assert status == 200 and page["content-type"] == ["text/html; charset=utf-8"]
    assert page["content-encoding"] == ["gzip"] and "王秀兰" in gzip.decompress(body).decode()
    assert page["cache-control"] == ["no-cache"]
    assert page["x-content-type-options"] == ["nosniff"] and page["referrer-policy"] == ["same-origin"]
    assert page["x-frame-options"] == ["DENY"] and "strict-transport-security" not in page  # plain HTTP here
    policy = csp_directives(page)
    assert policy["default-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert all(source == "'self'" or source.startswith("'sha256-") for source in policy["script-src"])
    assert "'unsafe-inline'" not in str(policy) and "'unsafe-eval'" not in str(policy)
    assert "server" in page and page["server"] == ["nginx"]  # no version

    bundle = next((stack.service.site / "assets" / "javascripts").glob("bundle.*.min.js")).name
    status, asset, _ = stack.get(f"/assets/javascripts/{bundle}")
    assert status == 200 and asset["cache-control"] == ["public, max-age=31536000, immutable"]
    assert asset["content-type"] == ["application/javascript; charset=utf-8"]
    status, own, _ = stack.get("/assets/forms.js", {"Accept-Encoding": "gzip"})
    assert status == 200 and own["cache-control"] == ["no-cache"] and own["content-encoding"] == ["gzip"]
    status, qr, _ = stack.get(f"/qr/deputy-{DEPUTY}.svg")
    assert (
        status == 200
        and qr["cache-control"] == ["public, max-age=604800"]
        and qr["content-type"] == ["image/svg+xml; charset=utf-8"]
    )

    feed = next((stack.service.site / "feeds").glob("station-*.ics")).name
    status, calendar, body = stack.get(f"/feeds/{feed}")
    assert status == 200 and calendar["content-type"] == ["text/calendar; charset=utf-8"]
    assert body.startswith(b"BEGIN:VCALENDAR") and calendar["x-content-type-options"] == ["nosniff"]

    status, api, body = stack.get("/api/health")
    assert status == 200 and json.loads(body) == {"status": "ok"}
    assert api["cache-control"] == ["no-store"] and api["x-content-type-options"] == ["nosniff"]
    assert csp_directives(api)["default-src"] == ["'none'"] and "script-src" not in csp_directives(api)

    status, missing, body = stack.get("/no/such/page/")
    assert status == 404 and "content-security-policy" in missing and b"<html" in body
    assert stack.get(f"/deputies/{DEPUTY}")[1]["location"] == [f"/deputies/{DEPUTY}/"]
    notice = next(path for path in (stack.service.site / "notices").glob("*.html") if path.name != "index.html")
    status, _, body = stack.get(f"/notices/{notice.stem}")  # typed without .html: the notice all the same
    assert status == 200 and body == notice.read_bytes()
    assert stack.get("/.git/config")[0] == 404 and stack.get("/.rebuild.lock")[0] == 404
    assert stack.get("/", method="POST", body=b"x")[0] == 403
    too_large = b'{"text": "' + b"x" * 40000 + b'"}'
    status, _, _ = stack.get("/api/submissions", {"Content-Type": "application/json"}, "POST", too_large)
    assert status == 413
    # nginx names the client in every request error it logs (the 403 and 413 above): the site's error log keeps none
    errors = stack.logs / "mashang.error.log"
    assert "client:" not in (errors.read_text() if errors.exists() else "")


def post_from(address: str, port: int, body: dict, forwarded_for: str) -> int:
    """POST a submission from another loopback address, claiming to be someone else in X-Forwarded-For."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(address, 0))
    try:
        headers = {"Content-Type": "application/json", "X-Forwarded-For": forwarded_for, "X-Real-IP": forwarded_for}
        connection.request("POST", "/api/submissions", body=json.dumps(body), headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_spoofed_x_forwarded_for_does_not_bypass_the_rate_limit(stack: Stack) -> None:
    statuses = []
    for n in range(8):  # the limit is 5 per minute per client address; this client is 127.0.0.2
        body = {"target": f"deputy:{DEPUTY}", "category": "建议", "text": f"第 {n} 条：希望增设公交站点。"}
        body |= {"phone": "13912345678", "consent": True}
        statuses.append(post_from("127.0.0.2", stack.port, body, f"203.0.113.{n}, 198.51.100.{n}"))
    assert statuses == [201] * 5 + [429] * 3, statuses
    line = '"POST /api/submissions" 429'
    access = logged(stack.logs / "mashang.access.log", line, 3) + logged(stack.logs / "forms-access.log", line, 3)
    assert access.count(line) == 6
    for secret in ("127.0.0.2", "203.0.113.", "198.51.100.", "13912345678"):
        assert secret not in access


@pytest.fixture(scope="module")
def lone_gunicorn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """deploy/gunicorn.conf.py with no proxy in front (FORMS_TRUSTED_PROXIES=0), asked directly on loopback: its port
    and its access log."""
    work = tmp_path_factory.mktemp("lone-gunicorn")
    write_site(work / "site")
    port = free_port()
    env = {
        **os.environ,
        "FORMS_BIND": f"127.0.0.1:{port}",
        "FORMS_TRUSTED_PROXIES": "0",
        "FORMS_QUEUE_DIR": str(work / "queue"),
        "FORMS_SITE_DIR": str(work / "site"),
        "FORMS_ACCESS_LOG": str(work / "access.log"),
        "FORMS_ERROR_LOG": str(work / "error.log"),
    }
    env.pop("FORWARDED_ALLOW_IPS", None)
    command = [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
    gunicorn = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        wait_for(f"http://127.0.0.1:{port}/api/health", gunicorn, "gunicorn")
        yield port, work / "access.log"
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)


def raw_request(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, {name.lower(): value for name, value in response.getheaders()}
    finally:
        connection.close()


@pytest.mark.parametrize(
    "header",
    [
        ("X-Forwarded-Proto", "https"),
        ("X-Forwarded-Ssl", "on"),
        ("X-Forwarded-Protocol", "ssl"),
        ("Forwarded", "proto=https"),
    ],
)
def test_gunicorn_believes_no_forwarding_header_itself(
    lone_gunicorn: tuple[int, Path], header: tuple[str, str]
) -> None:
    """With FORMS_TRUSTED_PROXIES=0 a client on loopback (a local process, anything nginx does not front) must not
    make the service think the request came over HTTPS: gunicorn trusted loopback's headers whatever the setting."""
    status, headers = raw_request(lone_gunicorn[0], "/api/health", dict([header]))
    assert status == 200
    assert "strict-transport-security" not in headers


def test_access_log_writes_control_characters_out(lone_gunicorn: tuple[int, Path]) -> None:
    """An escape sequence in a request path must reach the log as text, not repaint the terminal that shows it."""
    port, log = lone_gunicorn
    raw_request(port, "/api/%1B%5B2J%1B%5B31mred%07%E2%80%AEfake%0D%0Aline", {})
    text = logged(log, "fake")
    assert "\\u001b[2J\\u001b[31mred\\u0007\\u202efake\\u000d\\u000aline" in text
    assert not any(char in text for char in "\x1b\x07\r\u202e")


def test_access_log_atoms_are_gunicorns_own_but_the_code(tmp_path: Path) -> None:
    """Our logger makes only the atoms of the format, each as gunicorn's own logger makes it, the code masked."""
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    spec = importlib.util.spec_from_file_location("gunicorn_conf", DEPLOY / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    cfg = Config()
    cfg.set("access_log_format", conf.access_log_format)
    response = type("Response", (), {"status": "201 CREATED", "sent": 71, "headers": [("Content-Type", "x")]})()
    request = type("Request", (), {"headers": [("HOST", "127.0.0.1"), ("ORIGIN", "http://127.0.0.1")]})()
    took = timedelta(seconds=1, microseconds=234_567)
    lines = []
    for path in ("/api/submissions", "/api/submissions/ABCD-EFGH-JKMN/rating", "/a\x1b[2J"):
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "RAW_URI": path, "SERVER_PROTOCOL": "HTTP/1.1"}
        ours, theirs = conf.MaskingLogger(cfg), Logger(cfg)
        ours.now = theirs.now = lambda: "[07/Dec/2026:11:00:00 +0800]"
        made = ours.atoms(response, request, environ, took)
        used = set(re.findall(r"%\((\w+)\)s", conf.access_log_format))
        assert used <= made.keys(), "the format uses an atom our logger does not make"
        expected = theirs.atoms(response, request, environ, took)
        assert {key: made[key] for key in used - {"U"}} == {key: expected[key] for key in used - {"U"}}
        lines.append(conf.access_log_format % made)
    assert lines == [
        '[07/Dec/2026:11:00:00 +0800] "POST /api/submissions" 201 71 1234ms',
        '[07/Dec/2026:11:00:00 +0800] "POST /api/submissions/{code}/rating" 201 71 1234ms',
        '[07/Dec/2026:11:00:00 +0800] "POST /a\\u001b[2J" 201 71 1234ms',
    ]


def logged(log: Path, line: str, times: int = 1, timeout: float = 10) -> str:
    """The log's text once it holds `line` `times` times: a server writes a request's line after the answer."""
    deadline = time.monotonic() + timeout
    while (text := log.read_text()).count(line) < times and time.monotonic() < deadline:
        time.sleep(0.05)
    return text


def test_logs_mask_tracking_codes(stack: Stack) -> None:
    secret = "Zm9yZ2VkLXRyYWNraW5nLWNvZGUtMTIz"
    assert stack.get(f"/api/submissions/{secret}")[0] == 404
    nginx_log = logged(stack.logs / "mashang.access.log", '"GET /api/submissions/{code}" 404')
    assert '"GET /api/submissions/{code}" 404' in nginx_log and secret not in nginx_log
    assert "127.0.0.1" not in nginx_log
    assert secret not in (stack.logs / "forms-access.log").read_text()


# --- the atomic switch ------------------------------------------------------------------------------------------------


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<dir>")
    return digest.hexdigest()


def test_a_failed_build_leaves_the_site_served_byte_for_byte(stack: Stack, make_content: Callable[..., Path]) -> None:
    current = stack.site_root / "current"
    serving = os.readlink(current)
    before = tree_digest(current.resolve())
    page_before = stack.get(f"/deputies/{DEPUTY}/")[2]
    env = stack.build_env | {"MASHANG_NGINX_CONF": str(stack.conf)}

    failed = rebuild(stack.site_root, "--force", "--", "--today", TODAY, "--content", str(make_content("unknown_key")))

    assert failed.returncode == 1, failed.stdout
    assert "the build failed" in failed.stderr and "the site being served is unchanged" in failed.stderr
    assert os.readlink(current) == serving and tree_digest(current.resolve()) == before
    assert stack.get(f"/deputies/{DEPUTY}/")[2] == page_before
    assert [path.name for path in (stack.site_root / "releases").iterdir()] == [serving.removeprefix("releases/")]

    # a good build switches (the CSP check passes), keeps the previous release, and --rollback returns to it
    switched = rebuild(stack.site_root, "--force", *stack.build_args, env=env)
    assert switched.returncode == 0, switched.stderr
    assert os.readlink(current) != serving and stack.get(f"/deputies/{DEPUTY}/")[2] == page_before
    assert len(list((stack.site_root / "releases").iterdir())) == 2
    up_to_date = rebuild(stack.site_root, *stack.build_args, env=env)
    assert up_to_date.stdout.startswith("rebuild: up to date")
    # the first release as if built from an older commit: the checkout's commit now differs from the one served
    older = serving.rsplit("-", 1)[0] + "-0123456789ab"
    (stack.site_root / serving).rename(stack.site_root / older)
    back = rebuild(stack.site_root, "--rollback")
    assert back.returncode == 0 and os.readlink(current) == older and tree_digest(current.resolve()) == before
    # the timer's next run does not build the rolled-back commit again; --force does, and ends the hold
    held = rebuild(stack.site_root, *stack.build_args, env=env)
    assert held.returncode == 0 and "is not built again" in held.stdout and os.readlink(current) == older
    forced = rebuild(stack.site_root, "--force", *stack.build_args, env=env)
    assert forced.returncode == 0 and os.readlink(current) != older
    assert not (stack.site_root / "rollback-hold").exists()
    # the same commit built on an earlier Beijing day is built again: what the site shows depends on the day
    today = rebuild(stack.site_root, *stack.build_args, env=env)
    assert today.stdout.startswith("rebuild: up to date")
    release = os.readlink(current).removeprefix("releases/")
    commit = release.rsplit("-", 1)[1]
    yesterday = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y%m%dT%H%M%SZ") + f"-{commit}"
    (stack.site_root / "releases" / release).rename(stack.site_root / "releases" / yesterday)
    (stack.site_root / "current").unlink()
    (stack.site_root / "current").symlink_to(f"releases/{yesterday}")
    next_day = rebuild(stack.site_root, *stack.build_args, env=env)
    assert next_day.returncode == 0 and "now serving" in next_day.stdout, next_day.stdout
    assert os.readlink(current) != f"releases/{yesterday}" and os.readlink(current).endswith(commit)


def test_csp_check_refuses_a_build_the_policy_does_not_cover(stack: Stack, tmp_path: Path) -> None:
    render_config = load_render_config()
    site = stack.site_root / "current"
    assert render_config.main(["check-csp", str(site), str(stack.conf)]) == 0
    conf = stack.conf.read_text()
    hashes = render_config.configured_hashes(conf)[0] - {"'self'"}
    narrowed = tmp_path / "narrow.conf"
    narrowed.write_text(conf.replace(" " + sorted(hashes)[0], ""))
    assert render_config.main(["check-csp", str(site), str(narrowed)]) == 1
    serving = os.readlink(site)
    env = stack.build_env | {"MASHANG_NGINX_CONF": str(narrowed)}
    refused = rebuild(stack.site_root, "--force", *stack.build_args, env=env)
    assert refused.returncode == 1 and "the Content-Security-Policy in" in refused.stderr
    assert "rebuild: the site being served is unchanged" in refused.stderr
    assert os.readlink(site) == serving and (stack.site_root / "releases" / ".rejected" / "index.html").is_file()
    with pytest.raises(SystemExit, match="unsafe characters"):
        render_config.render("listen @LISTEN@;", {"LISTEN": ["80; include /etc/passwd"]})


def test_several_api_addresses_render_one_upstream_block_with_keepalive(tmp_path: Path) -> None:
    """--api-upstream given twice (or two addresses in one): an `upstream` block nginx balances over, keepalive on,
    every proxy_pass naming it; one address: proxy_pass names it as before, no block. tests/test_two_instances.py
    runs the rendered block through the real nginx."""
    render_config = load_render_config()
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>t</title>\n", encoding="utf-8")
    base = ["render", "--site", str(site), "--server-name", "x", "--listen", "80", "--site-root", "/srv"]
    several, one = tmp_path / "several.conf", tmp_path / "one.conf"
    args = ["--api-upstream", "10.0.0.1:8001", "--api-upstream", "10.0.0.2:8001,[2001:db8::2]:8001"]
    assert render_config.main([*base, *args, "--out", str(several)]) == 0
    text = several.read_text(encoding="utf-8")
    assert (
        "\nupstream mashang_api {\n"
        "    server 10.0.0.1:8001 max_fails=1 fail_timeout=5s;\n"
        "    server 10.0.0.2:8001 max_fails=1 fail_timeout=5s;\n"
        "    server [2001:db8::2]:8001 max_fails=1 fail_timeout=5s;\n"
        "    keepalive 16;\n}\n"
    ) in text
    assert text.count("proxy_pass http://mashang_api;") == 3 and "10.0.0.1:8001;" not in text.split("}", 1)[1]
    assert render_config.main([*base, "--api-upstream", "127.0.0.1:8001", "--out", str(one)]) == 0
    text = one.read_text(encoding="utf-8")
    assert "\nupstream " not in text and text.count("proxy_pass http://127.0.0.1:8001;") == 3
    with pytest.raises(SystemExit, match="is not host:port"):
        render_config.main([*base, "--api-upstream", "10.0.0.1:8001", "--api-upstream", "a; include x"])


# --- systemd units and logrotate --------------------------------------------------------------------------------------


def test_rebuild_help_explains_and_touches_nothing(tmp_path: Path) -> None:
    """`deploy/rebuild.sh --help` prints the script's own header (usage, steps, environment, exit codes) and exits 0
    before it locks or makes anything; an unknown option says where the help is."""
    env = {**os.environ, "MASHANG_SITE_ROOT": str(tmp_path / "site")}
    shown = subprocess.run(["bash", str(DEPLOY / "rebuild.sh"), "--help"], capture_output=True, text=True, env=env)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("Rebuild the site from git and switch to it atomically")
    assert "deploy/rebuild.sh --rollback" in shown.stdout and "Exit codes: 0 switched" in shown.stdout
    assert not any(line.startswith("#") or line.startswith("set -") for line in shown.stdout.splitlines())
    assert list(tmp_path.iterdir()) == []
    wrong = subprocess.run(["bash", str(DEPLOY / "rebuild.sh"), "--bogus"], capture_output=True, text=True, env=env)
    assert (wrong.returncode, wrong.stderr) == (2, "rebuild: unknown option --bogus (deploy/rebuild.sh --help)\n")


def test_systemd_units_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    for unit in (DEPLOY / "systemd").iterdir():  # the checkout's paths instead of /srv/mashang/app
        (tmp_path / unit.name).write_text(unit.read_text().replace("/srv/mashang/app", str(ROOT)))
    units = sorted(str(path) for path in tmp_path.iterdir())
    result = subprocess.run([analyze, "verify", "--man=no", *units], capture_output=True, text=True, check=False)
    problems = [line for line in result.stderr.splitlines() if "mashang" in line]
    assert problems == [], result.stderr


def test_logrotate_config(tmp_path: Path) -> None:
    logrotate = shutil.which("logrotate") or ("/usr/sbin/logrotate" if os.path.exists("/usr/sbin/logrotate") else None)
    if logrotate is None:
        pytest.skip("logrotate is not installed (scripts/setup.sh installs it)")
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "forms-access.log").write_text("line\n")
    text = (DEPLOY / "logrotate" / "mashang").read_text().replace("/var/log/mashang", str(logs))
    (tmp_path / "mashang").write_text(text.replace("mashang mashang", "root root"))
    command = [logrotate, "--force", "--state", str(tmp_path / "state"), str(tmp_path / "mashang")]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in logs.iterdir()) == ["forms-access.log", "forms-access.log.1"]


# --- the locked packages install on the server's Python ---------------------------------------------------------------
SERVER_PYTHON = "3.11.2"  # Debian 12's python3, the one DEPLOY.md installs with


def test_every_locked_package_installs_on_debian_12s_python():
    """pip refuses a pin whose Requires-Python excludes the server's Python (pymdown-extensions 13.1.2 needs 3.11.5):
    the install of DEPLOY.md would stop at ResolutionImpossible while this venv, on a newer 3.11, is fine."""
    from importlib import metadata

    from packaging.specifiers import SpecifierSet

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert SERVER_PYTHON in SpecifierSet(project["requires-python"])
    pins = dict(
        line.split("==") for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").split() if "==" in line
    )
    excluded, checked = [], 0
    for name, version in pins.items():
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # not installed here (an extra this venv does not use): nothing to read
        assert dist.version == version, f"{name}: installed {dist.version}, locked {version}"
        checked += 1
        requires = dist.metadata.get("Requires-Python")
        if requires and SERVER_PYTHON not in SpecifierSet(requires):
            excluded.append(f"{name}=={version} (Requires-Python {requires})")
    assert checked >= 40 and not excluded


def test_setup_leaves_the_tracked_package_lock_untouched(tmp_path: Path) -> None:
    """scripts/setup.sh's npm step, run in a checkout folder named otherwise (a worktree, a CI path): `npm install`
    wrote the folder's name into package-lock.json, a change to a tracked file on every fresh machine."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed (scripts/setup.sh installs it)")
    step = next(
        line.split("#")[0].split()
        for line in (ROOT / "scripts" / "setup.sh").read_text().splitlines()
        if line.strip().startswith("npm ")
    )
    checkout = tmp_path / "some-other-folder-name"
    checkout.mkdir()
    for name in ("package.json", "package-lock.json"):
        shutil.copy(ROOT / name, checkout / name)
    subprocess.run([npm, *step[1:], "--prefer-offline"], cwd=checkout, check=True, capture_output=True, timeout=300)
    assert (checkout / "node_modules" / "axe-core" / "axe.min.js").is_file()
    assert (checkout / "package-lock.json").read_bytes() == (ROOT / "package-lock.json").read_bytes()


def test_the_environment_file_reads_in_sh_and_holds_no_variable_the_service_calls_unknown(tmp_path, caplog):
    """deploy/mashang.env.example, its commented examples switched on, sourced by sh as DEPLOY.md's staff shell does:
    sh accepts every line, and the form service takes every FORMS_* value without a warning (the staff tools' and
    gunicorn's variables included)."""
    from forms_api.settings import load

    lines = (DEPLOY / "mashang.env.example").read_text(encoding="utf-8").splitlines()
    examples = [line.removeprefix("# ") if line.startswith("# FORMS_") else line for line in lines]
    env_file = tmp_path / "mashang.env"
    env_file.write_text("\n".join(examples) + "\n", encoding="utf-8")
    shown = subprocess.run(
        ["sh", "-c", 'set -a && . "$1" && env -0', "sh", str(env_file)], capture_output=True, env={}, check=False
    )
    assert shown.returncode == 0, shown.stderr.decode()
    environ = dict(item.split("=", 1) for item in shown.stdout.decode().split("\0") if item.startswith("FORMS_"))
    assert {"FORMS_RATE_LIMIT", "FORMS_HOLIDAYS", "FORMS_STAFF", "FORMS_QUEUE_DIR"} <= set(environ)
    assert environ["FORMS_RATE_LIMIT"] == "10 per minute;100 per day"
    holidays = tmp_path / "holidays.yaml"  # the example's path, /etc/mashang/holidays.yaml, is not on this machine
    holidays.write_text("- '2026-10-01'\n", encoding="utf-8")
    environ["FORMS_HOLIDAYS"] = str(holidays)
    caplog.set_level(logging.WARNING, logger="forms_api")
    settings = load(environ=environ)
    assert settings["RATE_LIMIT"] == "10 per minute;100 per day"
    assert settings["HOLIDAYS"].holidays == {date(2026, 10, 1)}
    assert not [record.getMessage() for record in caplog.records]

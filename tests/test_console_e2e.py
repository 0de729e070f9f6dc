"""The back office end to end, as deployed: the real nginx (deploy/nginx/mashang.conf, rendered) in front of the real
gunicorn of tests/test_deploy.py, and chromium at phone size.

An office account signs in and assigns a citizen's case (sent through the site's form) to a deputy by name; the
deputy signs in on a phone and answers; the citizen reads the answer on /track/; a station worker registers an
offline case and the receipt slip's QR code decodes (zbarimg) to the track page. The same with JavaScript off.
axe-core finds no WCAG 2.1 A/AA violation on any console page, and no page breaks the Content-Security-Policy.
And nginx opens /staff/ only to the networks listed at rendering (--staff-allow), leaving the site open.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from console_helpers import submit_sign_in
from servers import wait_for
from test_deploy import DEPLOY, Stack, find_nginx, load_render_config
from test_deploy import stack as stack  # noqa: F401  (the module-scoped deployment, started once here too)
from test_e2e import DEPUTY, MESSAGE, fill_message, free_port
from test_qr import zbar
from test_site_browser import AXE, AXE_TAGS
from test_site_browser import _describe as describe

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def deployed(request: pytest.FixtureRequest) -> Iterator[Stack]:
    """The deployment of tests/test_deploy.py, its gunicorn allowing this module's many sign-ins from one address."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FORMS_SIGNIN_RATE_LIMIT", "200 per minute")
        patch.setenv("FORMS_RATE_LIMIT", "50 per minute")
        yield request.getfixturevalue("stack")


def start_nginx(work: Path, conf: Path, logs: Path) -> subprocess.Popen:
    """nginx with `conf` in a wrapper of its own (the way tests/test_deploy.py starts it), in the foreground."""
    temp = work / "nginx-temp"
    temp.mkdir(exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""
    wrapper = work / "nginx.conf"
    paths = "".join(f"  {kind}_temp_path {temp}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi"))
    wrapper.write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {work}/nginx.pid;\nerror_log {logs}/error.log;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n  include /etc/nginx/mime.types;\n{paths}  scgi_temp_path {temp}/scgi;\n  include {conf};\n}}\n"
    )
    command = [find_nginx(), "-p", str(work), "-c", str(wrapper), "-e", str(logs / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    return subprocess.Popen(command)


def status_from(address: str, port: int, path: str) -> int:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(address, 0))
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_staff_is_open_only_to_the_listed_networks(deployed: Stack, tmp_path: Path) -> None:
    """--staff-allow: 127.0.0.1 may open /staff/, 127.0.0.2 gets nginx's 403 there but the site and /api/ as ever."""
    port = free_port()
    upstream = re.search(r"proxy_pass http://([0-9.:]+);", deployed.conf.read_text())[1]
    conf, logs = tmp_path / "allow.conf", tmp_path / "logs"
    logs.mkdir()
    render = [sys.executable, str(DEPLOY / "render_config.py"), "render", "--site", str(deployed.site_root / "current")]
    render += ["--server-name", "127.0.0.1", "--listen", f"127.0.0.1:{port}", "--site-root", str(deployed.site_root)]
    render += ["--api-upstream", upstream, "--log-dir", str(logs), "--out", str(conf)]
    render += ["--staff-allow", "127.0.0.1", "--staff-allow", "10.0.0.0/8,2001:db8::/32"]
    subprocess.run(render, check=True, timeout=60, env={**os.environ, "MASHANG_STAFF_ALLOW": "0.0.0.0/0"})
    text = conf.read_text()
    staff_block = text[text.index("location /staff/") : text.index("location / {")]
    assert (
        "allow 127.0.0.1/32;\n        allow 10.0.0.0/8;\n        allow 2001:db8::/32;\n        deny all;" in staff_block
    )
    assert "0.0.0.0/0" not in text and text.count("deny all;") == 3  # the option wins; 2 more: POST on the site
    server = start_nginx(tmp_path, conf, logs)
    try:
        wait_for(f"http://127.0.0.1:{port}/api/health", server, "nginx")
        assert status_from("127.0.0.1", port, "/staff/signin") == 200
        assert status_from("127.0.0.2", port, "/staff/signin") == 403
        assert status_from("127.0.0.2", port, "/staff/") == 403
        assert status_from("127.0.0.2", port, "/api/health") == 200
        assert status_from("127.0.0.2", port, "/deputies/wang-xiulan/") == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_without_a_list_staff_is_open_and_a_bad_network_is_refused(deployed: Stack) -> None:
    text = deployed.conf.read_text()  # rendered without --staff-allow (and no MASHANG_STAFF_ALLOW)
    staff_block = text[text.index("location /staff/") : text.index("location / {")]
    assert "allow" not in staff_block and "deny" not in staff_block and "@" not in text
    render_config = load_render_config()
    with pytest.raises(SystemExit, match="not an address or network"):
        render_config.staff_networks(["10.0.0.0/8; include /etc/passwd"])
    assert render_config.staff_networks(["10.1.2.3/8 ::1", ""]) == ["10.0.0.0/8", "::1/128"]


def test_a_results_file_passes_nginx_where_other_staff_posts_keep_the_body_limit(deployed: Stack) -> None:
    """A handler's results file may be larger than a form (the service reads up to 2 MB there): nginx lets it through
    to the service on the two import routes only; every other post keeps the 32 KB limit."""
    body, headers = b"x" * 100_000, {"Content-Type": "application/octet-stream"}
    for path in ("/staff/handover/import", "/staff/handover/import/apply"):
        status, _, _ = deployed.get(path, headers=headers, method="POST", body=body)
        assert status != 413 and status < 500, (path, status)  # the service's answer: sign in first
    status, _, _ = deployed.get("/staff/signin", headers=headers, method="POST", body=body)
    assert status == 413


# --- the loop in chromium ---------------------------------------------------------------------------------------------

WATCH_CSP = """document.addEventListener("securitypolicyviolation", (e) =>
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`));"""
LOADED = "Failed to load resource: the server responded with a status of"  # an error page's status, checked apart
STATION = "hecheng-zhan"  # 禾城镇人大代表联络站, where 王秀兰 receives people


class Person:
    """One person's browser (a phone, or the office's desktop) that records every console error and CSP violation,
    and runs axe-core on the pages it is told to (through the DevTools protocol, which the CSP does not restrict)."""

    def __init__(self, chromium, base: str, *, javascript: bool, phone: bool = True) -> None:
        size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        self.context = chromium.new_context(
            viewport=size, is_mobile=phone, has_touch=phone, locale="zh-CN", java_script_enabled=javascript
        )
        self.context.add_init_script(WATCH_CSP)
        self.page = self.context.new_page()
        self.base, self.javascript, self.errors, self.checked = base, javascript, [], []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._console)

    def _console(self, message) -> None:
        if message.type == "error" and not message.text.startswith(LOADED):
            self.errors.append(message.text)

    def open(self, path: str, status: int = 200):
        if "#" in path:
            self.page.goto("about:blank")  # a new load, not a change of the fragment on the same page
        response = self.page.goto(path if path.startswith("http") else self.base + path.lstrip("/"))
        assert response is not None and response.status == status, (path, response and response.status)
        return response

    def axe(self, name: str) -> None:
        """No WCAG 2.1 A/AA violation on the page as it is now (with JavaScript only)."""
        if not self.javascript:
            return
        if not self.page.evaluate("() => typeof axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
        report = self.page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        assert report["violations"] == [], f"{name}:\n{describe(report['violations'])}"
        wide = self.page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert wide <= 0, f"{name}: {wide} px wider than the screen"  # a phone would zoom out to show it all
        self.checked.append(name)

    def accept_invitation(self, link: str) -> None:
        self.open(link)
        self.axe("invitation")
        self.page.get_by_label("密码", exact=True).fill("a-good-Passwort-42")
        self.page.get_by_label("再次输入密码").fill("a-good-Passwort-24")
        self.page.get_by_role("button", name="设置密码并登录").click()
        self.page.locator("[role=alert]", has_text="两次输入的密码不一致").wait_for()
        self.axe("invitation, passwords differ")
        self.page.get_by_label("密码", exact=True).fill("a-good-Passwort-42")
        self.page.get_by_label("再次输入密码").fill("a-good-Passwort-42")
        self.page.get_by_role("button", name="设置密码并登录").click()
        self.page.get_by_role("heading", name="概览").wait_for()

    def close(self) -> None:
        self.context.close()
        assert self.errors == []


def invitation(stack: Stack, login: str, *scope: str) -> str:
    """`users add` on the server, as DEPLOY.md says; the link it prints."""
    return stack.service.staff("users", "add", login, *scope, "--base-url", stack.base).splitlines()[-1]


@pytest.fixture
def people(chromium_browser, deployed: Stack, javascript: bool):
    """Make a Person (JavaScript as the test is parametrised); each is checked for errors at the end."""
    made: list[Person] = []

    def person(*, phone: bool = True) -> Person:
        made.append(Person(chromium_browser, deployed.base, javascript=javascript, phone=phone))
        return made[-1]

    yield person
    for one in made:
        one.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_office_deputy_citizen_and_station_close_the_loop(deployed: Stack, people, javascript, tmp_path) -> None:
    suffix = "js" if javascript else "nojs"
    citizen, office, deputy, station = people(), people(phone=False), people(), people()

    # the citizen writes to 王秀兰 through the site's form
    citizen.open(f"deputies/{DEPUTY}/")
    fill_message(citizen.page, MESSAGE + f"（{suffix}）")
    if javascript:
        citizen.page.wait_for_url("**/thanks/#code=*")
        code = citizen.page.locator("#thanks [data-key=code]").text_content()
        ref = citizen.page.locator("#thanks [data-key=ref]").text_content()
    else:
        code = citizen.page.locator("#tracking-code").text_content()
        ref = citizen.page.locator("#reference").text_content()

    # the office signs in (its invitation) and assigns the case to the deputy, picked by name
    office.accept_invitation(invitation(deployed, f"office-{suffix}", "--role", "office"))
    office.axe("dashboard")
    office.page.get_by_role("link", name="留言", exact=True).click()
    office.axe("list")
    office.page.get_by_role("link", name=ref).click()
    office.axe("case")
    assign = office.page.locator("#assign")
    picked = assign.locator("#assign-deputy option:checked").text_content()
    assert picked == "王秀兰（禾城镇云上联络站、禾城镇人大代表联络站）"  # the case's own deputy, by name
    assign.get_by_role("button", name="交办").click()
    office.page.get_by_role("status").filter(has_text=f"已交办 {ref}：人大代表 王秀兰").wait_for()
    office.axe("case, assigned")

    # the deputy signs in on a phone and answers
    deputy.accept_invitation(invitation(deployed, f"wang-{suffix}", "--role", "deputy", "--deputy", DEPUTY))
    deputy.open(f"staff/cases/{ref}")
    answer = f"已联系县住建局，路灯已修复。（{suffix}）"
    deputy.page.get_by_label("答复内容").fill(answer)
    deputy.page.get_by_role("button", name="答复", exact=True).click()
    deputy.page.get_by_role("status").filter(has_text=f"已答复 {ref}").wait_for()
    deputy.axe("case, answered, phone")

    # the citizen reads it on /track/
    if javascript:
        citizen.open(f"track/#code={code}")
        shown = citizen.page.locator("#track-result [data-key=answer]").filter(has_text=answer)
        shown.wait_for()  # the page asks the service for it
        assert shown.text_content() == answer
    else:
        citizen.open("track/")
        citizen.page.get_by_label("查询码").fill(code)
        citizen.page.get_by_role("button", name="查询", exact=True).click()
        assert citizen.page.locator("dd.answer").text_content() == answer

    # a station worker registers what was said at a reception day; the slip's QR code leads to the track page
    station.accept_invitation(invitation(deployed, f"zhan-{suffix}", "--role", "station", "--station", STATION))
    station.page.get_by_role("link", name="线下登记").click()
    station.axe("intake")
    station.page.get_by_label("反映内容").fill(f"村口小桥的栏杆松动，老人孩子过桥危险。（{suffix}）")
    station.page.get_by_role("button", name="登记").click()
    station.page.get_by_role("heading", name="群众意见登记回执").wait_for()
    station.axe("slip")
    slip_code = station.page.locator("#tracking-code").text_content()
    png = tmp_path / "slip.png"
    station.page.locator(".slip-qr").screenshot(path=str(png))
    assert zbar(png) == [f"{deployed.base}track/#code={slip_code}"]
    if javascript:  # the citizen's phone follows the QR code
        citizen.open(f"track/#code={slip_code}")
        status = citizen.page.locator("#track-result [data-key=status_label]")
    else:
        citizen.open("track/")
        citizen.page.get_by_label("查询码").fill(slip_code)
        citizen.page.get_by_role("button", name="查询", exact=True).click()
        status = citizen.page.locator("dt:has-text('办理状态') + dd")
    status.filter(has_text="待受理").wait_for()
    assert status.text_content() == "待受理"
    if javascript:
        assert set(office.checked + deputy.checked + station.checked) >= {
            "invitation",
            "dashboard",
            "list",
            "case",
            "intake",
            "slip",
        }


def no_inline_allowed(response) -> None:
    policy = response.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "default-src 'none'" in policy


@pytest.mark.parametrize("javascript", [True])
def test_every_console_page_passes_axe_and_a_typed_answer_survives_an_expired_session(deployed: Stack, people):
    office, deputy = people(), people()
    office.open("staff/signin")
    office.axe("sign-in")
    submit_sign_in(office.page, "nobody", "wrong-password-1")
    office.page.get_by_role("alert").wait_for()
    office.axe("sign-in, failed")
    office.open("staff/invite/not-a-real-token", 404)
    office.axe("invitation, invalid")

    office.accept_invitation(invitation(deployed, "axe-office", "--role", "office"))
    no_inline_allowed(office.open("staff/cases?status=all&channel=online&q=路灯"))
    office.axe("list, filtered")
    office.open("staff/cases/2099-999999", 404)
    office.axe("not found")

    office.open("staff/templates")
    office.page.get_by_label("标题").fill("已转职能部门")
    office.page.get_by_label("模板内容").fill("您反映的问题已转交职能部门办理，请耐心等候。")
    office.page.get_by_role("button", name="保存模板").click()
    office.page.get_by_role("status").wait_for()
    office.axe("templates")

    office.open("staff/accounts")
    office.page.get_by_label("登录名", exact=True).fill("axe-zhan")
    office.page.get_by_role("radio", name="联络站工作人员").check()
    office.page.get_by_label("所属联络站").select_option(STATION)
    office.page.get_by_role("button", name="新建账号").click()
    office.page.locator("#invitation").wait_for()
    office.axe("accounts, invitation shown")
    link = office.page.locator("#invitation .code").text_content()
    assert link.startswith(deployed.base + "staff/invite/")
    assert "联络站 禾城镇人大代表联络站" in office.page.locator(".accounts").text_content()
    office.page.get_by_label("登录名", exact=True).fill("X")
    office.page.get_by_role("radio", name="代表工作机构").check()
    office.page.get_by_role("button", name="新建账号").click()
    office.page.get_by_role("alert").wait_for()
    office.axe("accounts, refused")

    office.open("staff/intake")
    office.page.get_by_label("联络站", exact=True).select_option(STATION)  # the office's form starts on none
    office.page.get_by_label("反映内容").fill("短")
    office.page.get_by_role("button", name="登记").click()
    office.page.get_by_role("alert").wait_for()
    office.axe("intake, refused")

    # a case's page with the name shown, then an answer typed as the session expires
    body = {"target": f"deputy:{DEPUTY}", "category": "求助", "text": MESSAGE, "name": "李女士"}
    body |= {"phone": "13912345678", "consent": True}
    status, _, answer = deployed.get("/api/submissions", {"Content-Type": "application/json"}, "POST", json.dumps(body))
    assert status == 201
    ref = json.loads(answer)["reference"]
    office.open(f"staff/cases/{ref}")
    office.page.get_by_role("button", name="查看姓名和电话").click()
    office.page.get_by_text("每次查看都会记入办理经过").first.wait_for()
    office.axe("case, personal shown")
    office.open(f"staff/cases/{ref}")
    office.page.locator("#assign").get_by_role("button", name="交办").click()  # an answer follows an assignment
    office.page.get_by_role("status").filter(has_text=f"已交办 {ref}").wait_for()
    typed = "经核实，您反映的情况属实，已督促相关部门处理。"
    office.context.clear_cookies()  # the session cookie expired meanwhile
    office.page.locator("#answer-answer").fill(typed)
    office.page.get_by_role("button", name="答复", exact=True).click()
    office.page.get_by_role("alert").filter(has_text="页面已过期").wait_for()
    office.axe("sign-in, session expired")
    submit_sign_in(office.page, "axe-office", "a-good-Passwort-42")
    office.page.get_by_role("status").filter(has_text="已重新登录").wait_for()
    assert office.page.locator("#answer-answer").input_value() == typed  # kept, not yet sent
    office.axe("case, restored after signing in")

    deputy.accept_invitation(invitation(deployed, "axe-wang", "--role", "deputy", "--deputy", DEPUTY))
    deputy.open("staff/accounts", 403)
    deputy.axe("forbidden")
    assert set(office.checked) >= {"sign-in", "templates", "accounts, invitation shown", "not found"}

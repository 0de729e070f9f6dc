"""The back office end to end, as deployed: the real nginx (deploy/nginx/mashang.conf, rendered) in front of the real
gunicorn of tests/test_deploy.py, and chromium at phone size.

An office account signs in and assigns a citizen's case (sent through the site's form) to a deputy by name; the
deputy signs in on a phone and answers; the citizen reads the answer on /track/; a station worker registers an
offline case and the receipt slip's QR code decodes (zbarimg) to the track page. The same with JavaScript off.
axe-core finds no WCAG 2.1 A/AA violation on any console page, and no page breaks the Content-Security-Policy.
And nginx opens /staff/ only to the networks listed at rendering (--staff-allow), leaving the site open.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_deploy import DEPLOY, Stack, find_nginx, load_render_config, wait_for
from test_deploy import stack as stack  # noqa: F401  (the module-scoped deployment, started once here too)
from test_e2e import free_port

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

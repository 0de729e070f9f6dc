#!/usr/bin/env python3
"""Fill in deploy/nginx/mashang.conf for one server, and check that a built site satisfies its Content-Security-Policy.

    python3 deploy/render_config.py render --site /srv/mashang/site/current --server-name daibiao.example.org \\
        --listen 80 --listen '[::]:80' --site-root /srv/mashang/site --api-upstream 127.0.0.1:8001 \\
        --out /etc/nginx/sites-available/mashang.conf
    python3 deploy/render_config.py check-csp SITE_DIR /etc/nginx/sites-available/mashang.conf

`--api-upstream ADDRESS` given more than once (or several addresses in one, separated by spaces or commas): the form
service runs as several instances (docs/DEPLOY.md, "Several servers"), and the configuration gets an `upstream
mashang_api` block with every one and keepalive connections; a dead instance is skipped for 5 s. With one address,
proxy_pass names it directly, as before.

`--staff-allow NETWORK` (repeatable; default: the space- or comma-separated MASHANG_STAFF_ALLOW) opens the back office
(/staff/) to those networks only (nginx `allow` ... `deny all`: 403 for any other address); the site and /api/ stay
open to everyone. Without it /staff/ is open like the rest, behind its own sign-in.

The CSP allows inline <script> and <style> elements only by their sha256, read from the built site (`--site`, more
than one to allow an old and a new release during an upgrade of Material). Inline event handlers, style attributes
and javascript: URLs cannot be allowed by a hash: `render` and `check-csp` refuse a site that has any.
`check-csp` exits 1 when the site needs a hash the configuration lacks (deploy/rebuild.sh runs it before switching).

Standard library only: it runs before the virtualenv exists.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import ipaddress
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx" / "mashang.conf"
_PLACEHOLDER = re.compile(r"@([A-Z_]+)@")
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9_.:/\[\]*~ -]+$")  # no ; { } quotes $ or newline: nothing that ends a directive
_REPEATED = ("LISTEN", "STAFF_ALLOW", "STAFF_DENY", "UPSTREAM_BLOCK")  # a line with one: once per value (or not)
_GENERATED = ("CSP_SCRIPT_HASHES", "CSP_STYLE_HASHES", "UPSTREAM_BLOCK")  # made here from checked parts
_ADDRESS = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}$|^unix:/[A-Za-z0-9_./-]+$")
UPSTREAM_NAME = "mashang_api"
# Several instances: a dead one (connection refused or timed out) is skipped for a few seconds, its requests go to the
# next (proxy_next_upstream error timeout, nginx's default; a POST only when nothing was sent); keepalive connections
# spare a TCP handshake per request (the locations already speak HTTP/1.1 without "Connection: close").
UPSTREAM_SERVER = "    server {address} max_fails=1 fail_timeout=5s;\n"
UPSTREAM_KEEPALIVE = 16


class InlineCode(HTMLParser):
    """Collects the text of inline scripts (executable ones) and styles, and what no hash can allow."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: set[str] = set()
        self.styles: set[str] = set()
        self.problems: list[str] = []
        self._open: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f'<{tag} {name}="...">')
            elif name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f'<{tag} {name}="javascript:...">')
        script_type = (values.get("type") or "").strip().lower()
        executable = script_type in ("", "text/javascript", "module", "application/javascript")
        if tag == "script" and "src" not in values and executable:
            self._open = ("script", [])
        elif tag == "style":
            self._open = ("style", [])

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open is not None and self._open[0] == tag:
            text = "".join(self._open[1])
            (self.scripts if tag == "script" else self.styles).add(text)
            self._open = None


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def inline_hashes(sites: list[Path]) -> tuple[list[str], list[str], list[str]]:
    """The CSP hashes of every inline script and style in the sites' HTML files, and the problems found (by file)."""
    scripts, styles, problems = set(), set(), []
    for site in sites:
        pages = sorted(site.rglob("*.html"))
        if not pages:
            raise SystemExit(f"render_config: no HTML files in {site}: build the site first")
        for page in pages:
            parser = InlineCode()
            parser.feed(page.read_text(encoding="utf-8"))
            parser.close()
            scripts |= {csp_hash(text) for text in parser.scripts}
            styles |= {csp_hash(text) for text in parser.styles}
            problems += [f"{page}: {problem}" for problem in parser.problems]
    return sorted(scripts), sorted(styles), problems


def render(template: str, values: dict[str, list[str]]) -> str:
    """Replace each @NAME@; a line with @LISTEN@ (or @STAFF_ALLOW@, @STAFF_DENY@) is repeated for each value, and left
    out when there is none. SystemExit on a missing or bad value."""
    for name, items in values.items():
        for item in items:
            if name not in _GENERATED and not _SAFE_VALUE.match(item):
                raise SystemExit(f"render_config: {name.lower().replace('_', '-')} {item!r} has unsafe characters")
    lines = []
    for line in template.splitlines(keepends=True):
        repeated = next((name for name in _REPEATED if f"@{name}@" in line), None)
        if repeated is not None:
            lines += [line.replace(f"@{repeated}@", value) for value in values.get(repeated, [])]
        else:
            lines.append(line)
    text = "".join(lines)
    for name, items in values.items():
        text = text.replace(f"@{name}@", " ".join(items))
    missing = sorted({match[1] for match in _PLACEHOLDER.finditer(text)})
    if missing:
        raise SystemExit(f"render_config: no value for {', '.join(missing)}")
    return text


def upstream(given: list[str]) -> tuple[str, list[str]]:
    """What proxy_pass names and the upstream block (none for one address) for --api-upstream's addresses (each
    host:port or unix:/path; several in one value separated by spaces or commas)."""
    addresses = [part for value in given for part in value.replace(",", " ").split()]
    for address in addresses:
        if not _ADDRESS.match(address):
            raise SystemExit(f"render_config: --api-upstream {address!r} is not host:port or unix:/path")
    if not addresses:
        raise SystemExit("render_config: --api-upstream needs an address")
    if len(addresses) == 1:
        return addresses[0], []
    servers = "".join(UPSTREAM_SERVER.format(address=address) for address in addresses)
    return UPSTREAM_NAME, [f"upstream {UPSTREAM_NAME} {{\n{servers}    keepalive {UPSTREAM_KEEPALIVE};\n}}\n"]


def staff_networks(given: list[str]) -> list[str]:
    """The networks of --staff-allow (each an address or CIDR block, IPv4 or IPv6) as nginx writes them."""
    networks = []
    for item in (part for value in given for part in value.replace(",", " ").split()):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise SystemExit(f"render_config: --staff-allow {item!r} is not an address or network") from None
    return networks


def configured_hashes(conf: str) -> tuple[set[str], set[str]]:
    """The hashes in the script-src and style-src of a rendered configuration's Content-Security-Policy."""
    policy = re.search(r'add_header\s+Content-Security-Policy\s+"([^"]*)"', conf)
    if policy is None:
        raise SystemExit("render_config: no Content-Security-Policy in the configuration")
    directives = {part.split()[0]: set(part.split()[1:]) for part in policy[1].split(";") if part.strip()}
    return directives.get("script-src", set()), directives.get("style-src", set())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="render_config.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("render", help="write the nginx configuration for this server")
    make.add_argument("--site", type=Path, action="append", required=True, help="a built site (repeatable)")
    make.add_argument("--server-name", required=True, help="host name(s), e.g. daibiao.example.org")
    make.add_argument("--listen", action="append", required=True, help="address:port or port (repeatable)")
    make.add_argument("--site-root", required=True, help="the folder with the `current` symlink")
    make.add_argument(
        "--api-upstream",
        action="append",
        default=[],
        metavar="ADDRESS",
        help="gunicorn's FORMS_BIND (default 127.0.0.1:8001); repeatable: several instances, an upstream block",
    )
    make.add_argument(
        "--max-body",
        default=os.environ.get("FORMS_MAX_CONTENT_LENGTH", "32768"),
        help="FORMS_MAX_CONTENT_LENGTH in bytes (default: that variable, else 32768)",
    )
    make.add_argument(
        "--staff-allow",
        action="append",
        default=[],
        metavar="NETWORK",
        help="open /staff/ only to this network, e.g. 10.0.0.0/8 (repeatable; default: MASHANG_STAFF_ALLOW)",
    )
    make.add_argument("--log-dir", default="/var/log/nginx", help="nginx's log folder")
    make.add_argument("--template", type=Path, default=TEMPLATE)
    make.add_argument("--out", type=Path, help="the file to write (default: standard output)")
    check = commands.add_parser("check-csp", help="exit 1 if SITE needs inline code the CONF's CSP does not allow")
    check.add_argument("site", type=Path)
    check.add_argument("conf", type=Path)
    args = parser.parse_args(argv)

    if args.command == "check-csp":
        scripts, styles, problems = inline_hashes([args.site])
        allowed_scripts, allowed_styles = configured_hashes(args.conf.read_text(encoding="utf-8"))
        missing = [f"script-src {h}" for h in scripts if h not in allowed_scripts]
        missing += [f"style-src {h}" for h in styles if h not in allowed_styles]
        for line in problems + [f"{args.conf} lacks {item}" for item in missing]:
            print(f"render_config: {line}", file=sys.stderr)
        return 1 if problems or missing else 0

    scripts, styles, problems = inline_hashes(args.site)
    if problems:
        raise SystemExit("render_config: inline code no hash can allow:\n" + "\n".join(problems))
    values = {
        "SERVER_NAME": [args.server_name],
        "LISTEN": args.listen,
        "SITE_ROOT": [args.site_root.rstrip("/")],
        "API_UPSTREAM": [(api := upstream(args.api_upstream or ["127.0.0.1:8001"]))[0]],
        "UPSTREAM_BLOCK": api[1],
        "MAX_BODY": [str(int(args.max_body))],
        "LOG_DIR": [args.log_dir.rstrip("/")],
        "STAFF_ALLOW": (networks := staff_networks(args.staff_allow or [os.environ.get("MASHANG_STAFF_ALLOW", "")])),
        "STAFF_DENY": ["all"] if networks else [],
        "CSP_SCRIPT_HASHES": scripts,
        "CSP_STYLE_HASHES": styles,
    }
    text = render(args.template.read_text(encoding="utf-8"), values)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""gunicorn settings for the form service: `gunicorn -c deploy/gunicorn.conf.py` (from the project folder).

ONE worker process with threads by default: the rate limits' default store (`memory://`) lives in the process, so
with N workers every client would get N times its limit. FORMS_WORKERS=N (N > 1) therefore needs
FORMS_RATELIMIT_STORAGE_URI=redis://...; with the memory store gunicorn refuses to start and says so in its log (the
queue itself is safe with any number of processes: the folder store uses flock, PostgreSQL its own locks).

Environment: FORMS_WORKERS (1), FORMS_BIND (default 127.0.0.1:8001: nginx in front, never exposed directly),
FORMS_THREADS (8), FORMS_TIMEOUT (30 s), FORMS_ACCESS_LOG (`-` = stdout; empty = off), FORMS_ERROR_LOG (`-` =
stderr), and every FORMS_* setting of forms_api/settings.py.

The access log has no client address, no query string, no referrer or user agent, and tracking codes in paths are
masked: `[28/Nov/2026:12:00:00 +0800] "POST /api/submissions" 201 71 12ms`.
"""

import os
import re

from gunicorn.glogging import Logger

wsgi_app = "forms_api:create_app()"
bind = [os.environ.get("FORMS_BIND", "127.0.0.1:8001")]
workers = int(os.environ.get("FORMS_WORKERS", "1"))
threads = int(os.environ.get("FORMS_THREADS", "8"))
worker_class = "gthread"
timeout = int(os.environ.get("FORMS_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Requests are small: refuse long request lines and many or large headers before the app sees them.
limit_request_line = 2048
limit_request_fields = 50
limit_request_field_size = 8190

# Forwarding headers are the app's alone to believe: its ProxyFix, for as many proxies as FORMS_TRUSTED_PROXIES says.
# gunicorn's defaults believe X-Forwarded-Proto (-Ssl, -Protocol) and SCRIPT_NAME from any loopback peer, whatever
# that setting is; here it believes no header and no PROXY line from anyone.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
forwarder_headers = ""
proxy_protocol = "off"
proxy_allow_ips = ""

# No runtime control socket (gunicornc): one more thing listening, and its default path is shared by every instance.
control_socket_disable = True

accesslog = os.environ.get("FORMS_ACCESS_LOG", "-") or None
errorlog = os.environ.get("FORMS_ERROR_LOG", "-")
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

_TRACKING_PATH = re.compile(r"(/api/submissions/)[^/]+")
# As forms_api.security.escape_controls (this file is read before the app is imported).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _utf8(wsgi: str) -> str:
    """A WSGI path (UTF-8 bytes read as Latin-1) as the text it is, so that a direction mark in it is seen."""
    try:
        return wsgi.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return wsgi


def _written_out(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


class MaskingLogger(Logger):
    """Gunicorn's logger with tracking codes in paths replaced by {code} (a code is as good as a password), and
    control characters written out (`\\u001b`): a decoded path with an escape sequence must not reach a terminal.

    It makes only the atoms `access_log_format` uses, as gunicorn makes them: gunicorn's own `atoms` makes about fifty
    (every request and response header and environ entry), which with their masking cost 5-10% of a submission's CPU
    under load. A format with other atoms would log them as "-" (tests/test_deploy.py compares the lines)."""

    def atoms(self, resp, req, environ, request_time):  # noqa: ANN001, ANN201 - gunicorn's signature
        status = resp.status
        sent = getattr(resp, "sent", None)
        atoms = {
            "t": self.now(),
            "m": environ.get("REQUEST_METHOD"),
            "U": _TRACKING_PATH.sub(r"\1{code}", _utf8(environ.get("PATH_INFO") or "")),
            "s": status.split(None, 1)[0] if isinstance(status, str) else status,
            "B": sent,
            "M": request_time.seconds * 1000 + int(request_time.microseconds / 1000),
        }
        return {
            key: _CONTROL.sub(_written_out, value) if isinstance(value, str) else value for key, value in atoms.items()
        }


logger_class = MaskingLogger


def on_starting(server):  # noqa: ANN001, ANN201 - gunicorn's hook
    """Refuse several workers with per-process rate-limit counters (forms_api.settings.workers_problem)."""
    from forms_api.settings import ConfigError, workers_problem

    try:
        problem = workers_problem(server.cfg.workers)
    except ConfigError as exc:
        problem = str(exc)
    if problem:
        server.log.error(problem)
        raise SystemExit(1)

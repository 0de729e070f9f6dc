"""The settings of the form service and of every staff tool, through one loader: defaults < `FORMS_*` environment
variables < the mapping given to `create_app` (or the staff tools' options).

Every key below can be set as an environment variable with the prefix `FORMS_` (`FORMS_QUEUE_DIR=/srv/forms/queue`)
or passed to `create_app({"QUEUE_DIR": ...})`. Values from the environment are text and are parsed by type; values
passed in a mapping may be text or already typed. Every bad value is reported at start-up, all at once.

| key | type | default | what it does |
|---|---|---|---|
| `QUEUE_DIR` | path | `<project>/var/queue` | the queue folder (append-only event log); back it up |
| `QUEUE_URL` | URL, path | empty | the store: `postgresql://user@host/db` or a folder; empty = `QUEUE_DIR` (10) |
| `QUEUE_FSYNC` | bool | `true` | fsync each append before answering; off only in throw-away tests |
| `EVALUATIONS_KEY_FILE` | path | empty | the evaluations' key, never in backups; empty = beside the queue folder (11) |
| `PG_BIN_DIR` | path | empty | pg_dump and pg_restore for backups; empty = `/usr/lib/postgresql/<server's>/bin` |
| `SITE_DIR` | path | `<project>/site` | the built site, for checking targets against its open data (1) |
| `SITE_URL` | URL | empty | the site's root (`https://example.org/`) for links on the HTML pages; empty = same origin |
| `ALLOWED_ORIGINS` | list | empty | other origins (`https://example.org`) that may POST and read answers (CORS) (2) |
| `TRUSTED_PROXIES` | int | `0` | how many reverse proxies stand in front (nginx alone = 1) (3) |
| `RATE_LIMIT` | limits | `5 per minute;50 per day` | per client IP: messages; ratings; evaluations (each apart) (4) |
| `LOOKUP_RATE_LIMIT` | limits | `30 per minute;300 per day` | per client IP: status look-ups by tracking code |
| `REFERENCE_RATE_LIMIT` | limits | `10 per hour;20 per day` | per reference, any IP: missed look-ups by reference |
| `RATELIMIT_STORAGE_URI` | URI | `memory://` | where the counters live (4) |
| `RATELIMIT_ENABLED` | bool | `true` | switch rate limiting off (tests only) |
| `RETENTION_DAYS` | int | `365` | days after closing before the staff tools anonymise a submission's personal data |
| `HOLIDAYS` | path | empty | holidays file for the answer deadline a citizen sees, as the staff tools count it (7) |
| `DUPLICATE_WINDOW_SECONDS` | int | `600` | same text, target and phone within it: "already received", no code (9) |
| `MIN_TEXT` / `MAX_TEXT` | int | `5` / `2000` | a message's length in characters (6) |
| `MAX_NAME` | int | `40` | longest name in characters |
| `MAX_COMMENT` | int | `500` | longest comment on a rating or a yearly evaluation in characters |
| `MAX_CONTENT_LENGTH` | int | `32768` | largest request body in bytes, larger gets 413 (5) |
| `SECRET_KEY` | text | empty | signs the back office's session cookies; empty = a key kept with the queue (8) |
| `STAFF_IDLE_MINUTES` | int | `30` | a back-office session ends after this many minutes without a request |
| `STAFF_PERSONAL_ROLES` | list | `office,station` | roles that see a citizen's name and phone (each showing logged) |
| `SIGNIN_RATE_LIMIT` | limits | `10 per minute;100 per day` | per client IP: sign-ins and invitation pages (4) |
| `INVITATION_HOURS` | int | `72` | how long an invitation link (`users add`, `users reset`) can be used |
| `RATING_WINDOW_DAYS` | int | `7` | days a citizen has to rate an answer; closing earlier needs force and a reason |
| `STAFF_DEPUTY_REVIEW` | bool | `false` | a deputy's answer waits for the office's review (审核) until published |
| `STAFF_TOTP` | text | `optional` | second factor (二次验证): `off`, `optional` (may enrol), `office` (office must) |
| `NOTIFY_*`, `SMS_*`, `SMTP_*` | | empty | notifications: the senders and their rules (forms_api/notify/config.py) |

1. `SITE_DIR/data/deputies.json`, `stations.json` and `form.json` (the categories the site's form offers), re-read
   when one changes (their mtimes are looked at once a second); former deputies (`"current": false`) are not valid
   targets.
2. The service's own origin (scheme and Host of the request) is always allowed. Never a wildcard.
3. The client IP is taken from that many `X-Forwarded-For` entries, counted from the right (and the scheme from
   `X-Forwarded-Proto`, for the same-origin check and HSTS); with 0 both headers are ignored and the peer counts.
4. `memory://` counts per process: with several gunicorn workers each keeps its own count and a client gets N times
   the limit. deploy/gunicorn.conf.py therefore runs ONE worker with threads; for several workers or hosts point this
   at Redis (`redis://localhost:6379`).
5. Room for `MAX_TEXT` characters from the plain HTML form: a Chinese character takes 9 bytes once percent-encoded.
6. A line break counts once (CR LF too); the minimum counts visible characters only (no spaces, no invisible
   format characters such as U+200B). Of the rate limits (4), a request refused as invalid (400) does not count.
7. A YAML list of YYYY-MM-DD dates, or `holidays:` and `workdays:` (weekend days worked, 调休) lists; read at start
   (restart the service after changing it). The staff tools read the same variable (their `--holidays`).
8. At least 32 characters. Empty: a key made on first use, `console.key` (0600) in the queue folder or, with PostgreSQL,
   in the database (every instance finds the same one); never in a backup (a restore makes a new one). Set it on every
   instance or on none: different keys sign each other's sessions out. Changing it signs everybody out.
9. Whoever knows a phone number and a message's text must not get its case. Only a retry of the same request gets the
   first code again: the site's script sends a random `request_id` with every try of one form (kept as a hash), so a
   citizen whose answer was lost on the network still gets their code. A repeat without it is only told it was received.

10. One setting chooses the store (forms_api/store/): a PostgreSQL URL shares the queue, the back office's accounts and
   reply templates between every instance (create its schema first: `python -m forms_api store upgrade`); a folder
   path is the folder store, as `QUEUE_DIR` is. The password in the URL is never shown in messages or logs.

11. The secret behind the yearly evaluations' voter hashes (one evaluation per phone, deputy and year, no number kept),
   made on first use (0600). Never in a backup nor in the database: with it and a backup, the phone numbers could be
   found by trying every number. With several hosts, every one needs the same file; keep a copy of it apart from the
   backups (docs/DEPLOY.md).

Lists are comma-separated in the environment (`FORMS_ALLOWED_ORIGINS=https://a.example,https://b.example`); limits
use flask-limiter's notation, several separated by `;`; bools are `true/false`, `1/0`, `yes/no`, `on/off`. Relative
paths are resolved against the project folder, not the current directory.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from limits import parse_many

from forms_api import messages
from forms_api.accounts.access import DEFAULT_PERSONAL_ROLES
from forms_api.accounts.model import ROLES
from forms_api.accounts.totp import MODES as TOTP_MODES
from forms_api.cases.calendar import NO_HOLIDAYS, Calendar, parse_calendar
from forms_api.cases.checks import RATING_WINDOW_DAYS, Rules
from forms_api.notify import config as notify_config

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "FORMS_"
# Read by deploy/gunicorn.conf.py (BIND to TIMEOUT) or by the staff tools (STAFF), not by the app: not
# reported as unknown, since one environment file holds them all (deploy/mashang.env.example).
OTHER_VARIABLES = {f"FORMS_{n}" for n in ("BIND", "ACCESS_LOG", "ERROR_LOG", "THREADS", "TIMEOUT", "WORKERS", "STAFF")}

# Variables an earlier version read, and where their value lives now.
RETIRED_VARIABLES = {
    "FORMS_CATEGORIES": "the categories are the site's (extra.categories in mkdocs.yml, published as data/form.json)",
}
SHARED_NAMES = ("SECRET_KEY", "SITE_", "SMTP_", "HOLIDAYS", "MAX_")  # unprefixed, as likely another program's

logger = logging.getLogger("forms_api")


class ConfigError(ValueError):
    """One or more configuration values are wrong; the message lists each, one a line.

    `problems` maps each bad key to its error, for a tool that words it for its own users (the staff tools)."""

    def __init__(self, message: str, problems: Mapping[str, ValueError]) -> None:
        super().__init__(message)
        self.problems = dict(problems)


class HolidaysFileError(ValueError):
    """The holidays file cannot be read (`unreadable`) or is not one; `reason` says why (in Chinese when it is the
    file's content)."""

    def __init__(self, message: str, path: Path, reason: object, *, unreadable: bool) -> None:
        super().__init__(message)
        self.path, self.reason, self.unreadable = path, reason, unreadable


DEFAULT_QUEUE_DIR = "var/queue"


def resolve_path(value: Any) -> Path:
    """A configured folder: relative paths count from the project folder, wherever a command was started."""
    if not isinstance(value, str | os.PathLike) or not str(value).strip():
        raise ValueError("expected a folder path")
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def _optional_path(value: Any) -> Path | str:
    """A configured file, or empty for the default."""
    return "" if value is None or isinstance(value, str) and not value.strip() else resolve_path(value)


def _int(minimum: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise ValueError(f"expected a whole number >= {minimum}")
        if isinstance(value, str):
            try:
                value = int(value.strip())
            except ValueError:
                raise ValueError(f"expected a whole number >= {minimum}") from None
        if not isinstance(value, int) or value < minimum:
            raise ValueError(f"expected a whole number >= {minimum}")
        return value

    return parse


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected true or false")


def _list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, list | tuple | set | frozenset) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    raise ValueError("expected a comma-separated list")


def _origin(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path not in {"", "/"}:
        raise ValueError(f"{text!r} is not an origin like https://example.org")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"{text!r} is not an origin like https://example.org")
    return f"{parts.scheme}://{parts.netloc}".lower()


def _origins(value: Any) -> list[str]:
    return [_origin(item) for item in _list(value)]  # "*" is not an origin: no wildcard, ever


def _site_url(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a URL like https://example.org/")
    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"{value!r} is not a URL like https://example.org/")
    return value if value.endswith("/") else value + "/"


def _limits(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected rate limits like '5 per minute;50 per day'")
    try:
        parse_many(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a rate limit like '5 per minute;50 per day'") from None
    return value.strip()


def queue_url(value: Any) -> str:
    """A store: a postgresql:// URL as it is, or a folder (resolved like every path); empty for none."""
    if isinstance(value, os.PathLike):
        return str(resolve_path(value))
    if not isinstance(value, str):
        raise ValueError("expected postgresql://user@host/database or a folder path")
    value = value.strip()
    if not value:
        return ""
    if "://" in value:
        parts = urlsplit(value)
        if parts.scheme not in {"postgresql", "postgres"} or not parts.path.strip("/"):
            raise ValueError(
                f"{parts.scheme}:// is no store: expected postgresql://user@host/database or a folder path"
            )
        return value
    return str(resolve_path(value))


def _storage_uri(value: Any) -> str:
    if not isinstance(value, str) or "://" not in value:
        raise ValueError("expected a storage URI like memory:// or redis://localhost:6379")
    return value.strip()


def _holidays(value: Any) -> Calendar:
    if isinstance(value, Calendar):
        return value
    if isinstance(value, str) and not value.strip():
        return NO_HOLIDAYS
    path = resolve_path(value)
    try:
        return parse_calendar(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise HolidaysFileError(
            f"cannot read the holidays file {path}: {reason}", path, reason, unreadable=True
        ) from None
    except ValueError as exc:
        raise HolidaysFileError(f"{path} is no holidays file: {exc}", path, exc, unreadable=False) from None


def _secret(value: Any) -> str:
    if not isinstance(value, str) or (value.strip() and len(value.strip()) < 32):
        raise ValueError("expected a secret of at least 32 characters (or nothing, for the key file)")
    return value.strip()


def _totp_mode(value: Any) -> str:
    mode = str(value).strip().lower()
    if mode not in TOTP_MODES:
        raise ValueError(f"expected one of {', '.join(TOTP_MODES)}, not {value!r}")
    return mode


def _roles(value: Any) -> list[str]:
    roles = _list(value)
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise ValueError(f"unknown role {unknown[0]!r}, expected some of {', '.join(ROLES)}")
    return roles


# key -> (default, parser)
SETTINGS: dict[str, tuple[Any, Callable[[Any], Any]]] = {
    "QUEUE_DIR": (PROJECT_ROOT / DEFAULT_QUEUE_DIR, resolve_path),
    "QUEUE_URL": ("", queue_url),
    "QUEUE_FSYNC": (True, _bool),
    "EVALUATIONS_KEY_FILE": ("", _optional_path),
    "PG_BIN_DIR": ("", _optional_path),
    "SITE_DIR": (PROJECT_ROOT / "site", resolve_path),
    "SITE_URL": ("", _site_url),
    "ALLOWED_ORIGINS": ([], _origins),
    "TRUSTED_PROXIES": (0, _int(0)),
    "RATE_LIMIT": ("5 per minute;50 per day", _limits),
    "LOOKUP_RATE_LIMIT": ("30 per minute;300 per day", _limits),
    "REFERENCE_RATE_LIMIT": ("10 per hour;20 per day", _limits),
    "RATELIMIT_STORAGE_URI": ("memory://", _storage_uri),
    "RATELIMIT_ENABLED": (True, _bool),
    "RETENTION_DAYS": (365, _int(1)),
    "HOLIDAYS": (NO_HOLIDAYS, _holidays),
    "DUPLICATE_WINDOW_SECONDS": (600, _int(0)),
    "MIN_TEXT": (5, _int(1)),
    "MAX_TEXT": (2000, _int(1)),
    "MAX_NAME": (40, _int(1)),
    "MAX_COMMENT": (500, _int(1)),
    "MAX_CONTENT_LENGTH": (32 * 1024, _int(1024)),
    "SECRET_KEY": ("", _secret),
    "STAFF_IDLE_MINUTES": (30, _int(1)),
    "STAFF_PERSONAL_ROLES": (list(DEFAULT_PERSONAL_ROLES), _roles),
    "SIGNIN_RATE_LIMIT": ("10 per minute;100 per day", _limits),
    "INVITATION_HOURS": (72, _int(1)),
    "RATING_WINDOW_DAYS": (RATING_WINDOW_DAYS, _int(0)),
    "STAFF_DEPUTY_REVIEW": (False, _bool),
    "STAFF_TOTP": ("optional", _totp_mode),
    **notify_config.NOTIFY_SETTINGS,
}
# Werkzeug's own limits, not meant to be changed: multipart is refused anyway (415), so a handful of parts.
FIXED = {
    "MAX_FORM_PARTS": 20,
}


def load(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    keys: Collection[str] | None = None,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The effective configuration; raises ConfigError naming every bad value (and where it came from).

    `keys`: only these settings (a staff tool needs a few, and must not fail on the service's others), without the
    warning about unknown variables, which is the service's. `names`: how to name an override in an error (a staff
    tool's option, `--queue`), else `config['KEY']`.
    """
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    names = names or {}
    config: dict[str, Any] = dict(FIXED) if keys is None else {}
    problems: dict[str, ValueError] = {}
    errors: list[str] = []
    for key, (default, parse) in SETTINGS.items():
        if keys is not None and key not in keys:
            continue
        if key in overrides:
            source, raw = names.get(key, f"config[{key!r}]"), overrides[key]
        elif ENV_PREFIX + key in environ:
            source, raw = ENV_PREFIX + key, environ[ENV_PREFIX + key]
        else:
            config[key] = default
            continue
        try:
            config[key] = parse(raw)
        except ValueError as error:
            problems[key] = error
            errors.append(f"{source}: {error} (got {raw!r})")
    if not errors and keys is None and config["MIN_TEXT"] > config["MAX_TEXT"]:
        errors.append(f"MIN_TEXT ({config['MIN_TEXT']}) is larger than MAX_TEXT ({config['MAX_TEXT']})")
    if not errors and keys is None:
        errors += notify_config.problems(config)
    if errors:
        raise ConfigError("invalid form service configuration:\n" + "\n".join(errors), problems)
    if keys is not None:
        return config
    config |= {key: value for key, value in overrides.items() if key not in SETTINGS}  # Flask's own (TESTING, ...)
    ours = {ENV_PREFIX + key for key in SETTINGS} | set(OTHER_VARIABLES) | set(RETIRED_VARIABLES)
    unknown = sorted(name for name in environ if name.startswith(ENV_PREFIX) and name not in ours)
    for name in sorted(RETIRED_VARIABLES.keys() & environ.keys()):
        logger.warning("ignoring %s: %s", name, RETIRED_VARIABLES[name])
    if unknown:
        logger.warning("ignoring unknown environment variables: %s", ", ".join(unknown))
    warn_unprefixed(environ)
    return config


def warn_unprefixed(environ: Mapping[str, str] | None = None) -> None:
    """Log each setting set without its prefix (`NOTIFY_SMS=log`, read by nothing), in Chinese, never its value; not
    one whose FORMS_ form is set too, nor names other software may use (SECRET_KEY, SITE_URL, SMTP_HOST ...)."""
    environ = os.environ if environ is None else environ
    ours = (n for n in environ if n in SETTINGS and ENV_PREFIX + n not in environ and not n.startswith(SHARED_NAMES))
    for name in sorted(ours):
        logger.warning(messages.UNPREFIXED_SETTING.format(name=name, right=ENV_PREFIX + name))


def rules(config: Mapping[str, Any]) -> Rules:
    """The workflow's rules (forms_api/cases/checks.py) from loaded settings: the service's and the staff tools'."""
    return Rules(config["RATING_WINDOW_DAYS"], config["STAFF_DEPUTY_REVIEW"])


def workers_problem(workers: int, environ: Mapping[str, str] | None = None) -> str | None:
    """Why `workers` gunicorn processes must not start with these settings (a message in Chinese and English for
    the log), or None: with several processes the rate limits' counters must be shared (Redis), or each process
    would grant a client the whole limit again (and a phone its 短信验证码 sends and tries)."""
    if workers <= 1:
        return None
    config = load(environ=environ, keys=("RATELIMIT_STORAGE_URI", "RATELIMIT_ENABLED", "NOTIFY_SMS_VERIFY"))
    counted = config["RATELIMIT_ENABLED"] or config["NOTIFY_SMS_VERIFY"]  # 短信验证码: sends and tries per phone
    if not counted or not config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        return None
    return messages.WORKERS_NEED_SHARED_LIMITS.format(workers=workers)


def given(key: str, overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> bool:
    """Whether `key` was set (an override or its variable) rather than left at its default."""
    environ = os.environ if environ is None else environ
    return key in (overrides or {}) or ENV_PREFIX + key in environ

"""What the public endpoints share within one app: the store (opened on first use), the site's targets, the limits,
and the blueprint they hang on."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app

from forms_api import messages, settings
from forms_api.cases import NO_HOLIDAYS, RULES, TZ, Calendar, Rules, parse_at
from forms_api.notify.verify import Verifier
from forms_api.public.schema import Limits
from forms_api.public.sitedata import Targets
from forms_api.store import QueueUnavailable, Store, open_store

bp = Blueprint("api", __name__, url_prefix="/api")
FREEZE_GC_EVERY = 1000  # folded events between two gc.freeze() (see the folder store): full collections stay a few ms


@dataclass
class Service:
    """One app's store settings, the site's targets, the limits and the calendar of the deadlines citizens see."""

    settings: Mapping[str, Any]
    targets: Targets
    limits: Limits
    duplicate_window: timedelta
    site_url: str
    calendar: Calendar = NO_HOLIDAYS  # for the deadline a citizen sees, as the staff tools count it
    rules: Rules = RULES  # the workflow's settings (rating window, review of deputies' answers)
    _store: Store | None = None
    _verifier: Verifier | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Service:
        """The service of an app, from its loaded settings."""
        return cls(
            settings=config,
            targets=Targets(Path(config["SITE_DIR"])),
            limits=Limits.from_config(config),
            duplicate_window=timedelta(seconds=config["DUPLICATE_WINDOW_SECONDS"]),
            site_url=config["SITE_URL"],
            calendar=config["HOLIDAYS"],
            rules=settings.rules(config),
        )

    @property
    def store(self) -> Store:
        """The event log; QueueUnavailable (503) while it cannot be opened, retried on the next request."""
        with self._lock:
            if self._store is None:
                self._store = open_store(self.settings, freeze_gc_every=FREEZE_GC_EVERY)
            return self._store

    @property
    def verifier(self) -> Verifier:
        """The 短信验证码 (NOTIFY_SMS_VERIFY on): made on first use, its key the store's evaluations key."""
        with self._lock:
            if self._verifier is None:
                self._verifier = Verifier(self.settings, lambda: bytes.fromhex(self.store.evaluations_key() or ""))
            return self._verifier

    def healthy(self) -> bool:
        """The store can take a submission now (see Store.healthy), and could be opened at all."""
        try:
            return self.store.healthy()
        except QueueUnavailable:
            return False


def service() -> Service:
    """The current app's Service."""
    return current_app.extensions["forms_api"]


def page_link(path: str = "") -> str:
    """A link into the static site: SITE_URL + path, or a root-relative path when the site shares our origin."""
    base = service().site_url or "/"
    return base + path


def local_time(value: str | None, with_time: bool = True) -> str:
    """An ISO date or timestamp as Chinese readers write it, in China Standard Time."""
    if not value:
        return ""
    if len(value) == 10:
        day = datetime.fromisoformat(value)
        return messages.DATE_FORMAT.format(year=day.year, month=day.month, day=day.day)
    moment = parse_at(value).astimezone(TZ)
    text = messages.DATETIME_FORMAT if with_time else messages.DATE_FORMAT
    return text.format(year=moment.year, month=moment.month, day=moment.day, hour=moment.hour, minute=moment.minute)

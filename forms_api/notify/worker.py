"""The worker: sends the outbox's due notices and records each try as an event (forms_api/cases/outbox.py).

Notices go in batches of up to BATCH: the batch's tries are appended as one `notice_attempt` (with the previous batch's
results) before the provider is called for the first of them, and the notices are then sent one after another; their
results go with the next batch's tries (the ones sent as one `notice_sent`), or at the end of the run. A worker that
dies between the two leaves its batch's unrecorded notices in flight; the next run sends them again (at least once). So
a notification is sent twice only if the worker died after its provider accepted it and before its result was written:
the window is the batch's sends (at most BATCH times the SDK's timeout) and the moment to the next append, and only the
notices then in flight.

The appends within a run are not waited for on disk (`durable=False`: written, so a dying worker keeps them, but not
fsynced, so they don't hold the log's lock for a disk flush against the service's submissions); the run's last append
is durable and flushes them all. A power cut during a run may thus lose that run's records (those no submission's
fsync has flushed meanwhile): its notices are sent again, none is lost.

Rules: no SMS in the quiet hours (held until they end); at most NOTIFY_SMS_DAILY_CAP SMS to one phone a Beijing day
(more wait for the next day); nothing to a phone that asked for no more (退订); NOTIFY_MAX_TRIES tries with backoff,
then `notice_failed`.

Several workers may run (one a server): each run claims a notice through the store before it sends it
(`Store.claims`: the folder lets one run at a time, PostgreSQL locks each notice), keeps the claim until the notice's
result is stored, and appends its attempt only if the notice is still where the run found it (no other worker tried it
meanwhile). So no two live workers send one notice; a dead worker's claim ends with it, and the in-flight notice is
sent again by whichever worker comes next.
"""

from __future__ import annotations

import functools
import logging
import time as systime
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import yaml

from forms_api import messages_notify as mn
from forms_api.cases import State, now
from forms_api.cases import outbox as ob
from forms_api.cases.retention import mask_numbers
from forms_api.notify.senders import LogSender, Message, Sender, SendError, SmtpSender
from forms_api.notify.sms import AliyunSender, TencentSender
from forms_api.store import Store

log = logging.getLogger("forms_api.notify")
Clock = Callable[[], datetime]
BATCH = 20  # notices whose attempts go in one append before they are sent one after another


@dataclass(frozen=True)
class Send:
    """A claimed notice to send: its message, its `notice_attempt` event, and the time of the run (for backoff)."""

    notice: ob.Notice
    sender: Sender
    message: Message
    attempt: int
    at: datetime


@dataclass(frozen=True)
class Rules:
    quiet: tuple[time, time]
    cap: int
    max_tries: int
    retry_seconds: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Rules:
        return cls(
            config["NOTIFY_QUIET_HOURS"],
            config["NOTIFY_SMS_DAILY_CAP"],
            config["NOTIFY_MAX_TRIES"],
            config["NOTIFY_RETRY_SECONDS"],
        )


def senders(config: Mapping[str, Any]) -> dict[str, Sender]:
    """The configured sender of each channel."""
    sms = {"log": LogSender, "aliyun": AliyunSender, "tencent": TencentSender}
    result: dict[str, Sender] = {}
    if config.get("NOTIFY_SMS"):
        kind = sms[config["NOTIFY_SMS"]]
        result[ob.SMS] = kind() if kind is LogSender else kind(config)  # type: ignore[call-arg]
    if config.get("NOTIFY_EMAIL"):
        result[ob.EMAIL] = LogSender() if config["NOTIFY_EMAIL"] == "log" else SmtpSender(config)
    return result


class Contacts:
    """Staff e-mail addresses by address (`office`, `station:<id>`, `deputy:<id>`, `handler:<name>`) from the YAML
    file NOTIFY_CONTACTS (never in git), re-read when it changes."""

    def __init__(self, path: str) -> None:
        self.path = Path(path) if path else None
        self._stamp: int | None = None
        self._data: dict[str, list[str]] = {}

    def __call__(self, address: str) -> list[str]:
        if self.path is None:
            return []
        try:
            stamp = self.path.stat().st_mtime_ns
            if stamp != self._stamp:
                data = yaml.safe_load(self.path.read_text(encoding="utf-8")) or {}
                self._data = {str(k): [v] if isinstance(v, str) else list(v or []) for k, v in data.items()}
                self._stamp = stamp
        except (OSError, ValueError, yaml.YAMLError, AttributeError) as exc:
            log.error("contacts file %s unusable: %s", self.path, type(exc).__name__)
        return [str(item) for item in self._data.get(address, [])]


class Worker:
    """Sends what is due in `store`'s outbox with `senders`, under `rules`, at `clock`'s time."""

    def __init__(
        self,
        store: Store,
        senders: Mapping[str, Sender],
        rules: Rules,
        *,
        site_url: str = "",
        contacts: Callable[[str], list[str]] = lambda address: [],
        clock: Clock = now,
    ) -> None:
        self.store, self.senders, self.rules = store, dict(senders), rules
        self.site_url, self.contacts, self.clock = site_url or "/", contacts, clock
        # Results not written yet: they go with the next batch's attempts (one append a batch) or at the end of a run.
        # A result lost with a dying worker is what the documented window already allows for: its attempt is written.
        self._results: list[dict] = []
        self._sent: list[str] = []  # the notices sent since the last append: one `notice_sent` names them all

    def run_once(self) -> Counter[str]:
        """Send every notice due now that no other worker holds; how many were sent, retried, failed, skipped and
        held (and taken: found sent or tried by another worker meanwhile). The run's claims end with it, once every
        result is stored."""
        with self.store.claims() as claim:
            state = self.store.state()
            at = self.clock()
            counts: Counter[str] = Counter()
            secret = bytes.fromhex(self.store.evaluations_key() or "")
            sms_today: Counter[str] | None = None
            batch: list[Send] = []
            for notice in state.outbox.due(at):
                if notice.channel == ob.SMS and sms_today is None:
                    sms_today = self._sms_sent(state, ob.beijing_day(at))
                mine = functools.partial(claim, notice.id)  # claimed before anything is written of it, not to hold it
                outcome = self._prepare(state, notice, at, secret, sms_today, mine)
                if isinstance(outcome, Send):
                    batch.append(outcome)
                    if len(batch) == BATCH:
                        counts += self._send(batch, sms_today)
                        batch = []
                else:
                    counts[outcome] += 1
            counts += self._send(batch, sms_today)
            self._flush()
        return counts

    def _sms_sent(self, state: State, day: date) -> Counter[str]:
        """SMS sent to each phone on `day` (Beijing)."""
        sent: Counter[str] = Counter()
        for notice in state.outbox.sms_sent_on.get(day, ()):
            sub = state.submissions.get(notice.ref or "")
            if sub is not None:
                sent[sub.phone] += 1
        return sent

    def _prepare(
        self,
        state: State,
        notice: ob.Notice,
        at: datetime,
        secret: bytes,
        sms_today: Counter | None,
        mine: Callable[[], bool],
    ) -> Send | str:
        """Skip or hold `notice` (what was done; "taken": another worker holds or has done it), or claim it and say
        what to send. An SMS to send counts against its phone's daily cap from here (given back if it fails)."""
        sender = self.senders.get(notice.channel)
        if sender is None:
            return "held"  # the channel was switched off: kept until it is on again
        if notice.to == ob.CITIZEN_TO:
            sub = state.submissions.get(notice.ref or "")
            phone = sub.phone if sub is not None else ""
            if not ob.MOBILE_RE.match(phone):
                return self._record(ob.SKIPPED, notice, reason="no_phone") if mine() else "taken"
            if ob.optout_key(secret, phone) in state.outbox.optouts:
                return self._record(ob.SKIPPED, notice, reason="unsubscribed") if mine() else "taken"
            to = [phone]
        else:
            to = self.contacts(notice.to)
            if not to:
                return self._record(ob.SKIPPED, notice, reason="no_contact") if mine() else "taken"
        if notice.channel == ob.SMS:
            if ob.quiet(at, *self.rules.quiet):
                return "held"
            assert sms_today is not None
            if sms_today[to[0]] >= self.rules.cap:
                return "held"
        if not mine():
            return "taken"
        if notice.channel == ob.SMS and sms_today is not None:
            sms_today[to[0]] += 1
        return Send(notice, sender, self._message(notice, to), notice.attempts + 1, at)

    def _send(self, batch: list[Send], sms_today: Counter | None) -> Counter[str]:
        """Store the batch's attempts (with the results not written yet), then send each notice whose attempt was
        stored, one after another; the window starts with that append."""
        counts: Counter[str] = Counter()
        stored = self._flush(batch) if batch else set()
        for item in batch:
            done = self._deliver(item) if item.notice.id in stored else "taken"
            if done != "sent" and item.notice.channel == ob.SMS and sms_today is not None:
                sms_today[item.message.to[0]] -= 1  # not sent: it does not count against the cap
            counts[done] += 1
        return counts

    def _deliver(self, item: Send) -> str:
        notice, attempt = item.notice, item.attempt
        try:
            item.sender.send(item.message)
        except Exception as exc:  # noqa: BLE001 - a sender's bug must not crash the worker into resending forever
            error = mask_numbers(str(exc) if isinstance(exc, SendError) else f"{type(exc).__name__}")[:300]
            log.warning("notice %s try %d failed: %s", notice.id, attempt, error)
            if attempt >= self.rules.max_tries:
                return self._record(ob.FAILED, notice, attempt=attempt, error=error)
            later = item.at + ob.backoff(attempt, self.rules.retry_seconds)
            return self._record(ob.RETRY, notice, attempt=attempt, error=error, next_at=later.isoformat())
        self._sent.append(notice.id)
        return "sent"

    def _record(self, kind: str, notice: ob.Notice, **fields: Any) -> str:
        self._results.append(ob.outbox_event(kind, ob.WORKER, self.clock(), id=notice.id, **fields))
        return {ob.RETRY: "retry", ob.FAILED: "failed", ob.SKIPPED: "skipped"}[kind]

    def _flush(self, batch: list[Send] | None = None) -> set[str]:
        """Store the results not written yet and the tries of `batch`'s notices that no other worker tried or settled
        since this run read them; the ids of the notices whose tries were stored. Durable only when no try goes with
        it (the end of a run)."""
        events, self._results = self._results, []
        if self._sent:
            events.append(ob.outbox_event(ob.SENT, ob.WORKER, self.clock(), ids=self._sent))
            self._sent = []

        def decide(state: State) -> list[dict]:
            tries = {}
            for item in batch or ():
                current = state.outbox.pending.get(item.notice.id)
                if current is not None and current.attempts == item.notice.attempts:
                    tries[item.notice.id] = item.attempt  # else another worker tried or settled it since we read it
            return [*events, ob.outbox_event(ob.ATTEMPT, ob.WORKER, self.clock(), tries=tries)] if tries else events

        if not events and not batch:
            return set()
        stored = self.store.append(decide, durable=not batch)
        return {ident for event in stored if event["type"] == ob.ATTEMPT for ident in ob.notice_ids(event)}

    def _message(self, notice: ob.Notice, to: list[str]) -> Message:
        params = {key: str(value) for key, value in notice.params.items() if value is not None}
        if notice.channel == ob.SMS:
            params["link"] = self.site_url + "track/"
            text = mn.SMS_TEXTS[notice.template].format(**params)
            return Message(notice.channel, notice.template, params, to, notice.to, text)
        if notice.template == "digest":
            for key in ("new", "due_tomorrow", "overdue"):
                refs = list(notice.params.get(key) or [])
                params[key] = str(len(refs))
                params[key.replace("_tomorrow", "") + "_refs"] = (
                    mn.REFS_LINE.format(refs="、".join(refs[:50])) if refs else ""
                )
        params.setdefault("ref", "")
        params["link"] = self.site_url + f"staff/cases/{params['ref']}"
        params["console"] = self.site_url + "staff/"
        deadline = params.get("deadline")
        params["deadline_line"] = mn.DEADLINE_LINE.format(deadline=deadline) if deadline else ""
        subject, body = mn.EMAIL_TEXTS[notice.template]
        return Message(
            notice.channel,
            notice.template,
            params,
            to,
            notice.to,
            body.format(**params) + mn.EMAIL_FOOTER,
            subject.format(**params),
        )


def follow(worker: Worker, *, poll: float = 1.0, stop: Callable[[], bool] = lambda: False) -> None:
    """Run `worker` every `poll` seconds until `stop()`."""
    while not stop():
        counts = worker.run_once()
        if counts.get("sent") or counts.get("failed"):
            log.info("notify: %s", dict(counts))
        systime.sleep(poll)

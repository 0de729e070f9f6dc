"""The outbox, pure: which notifications an event causes, the events that record them and their sending, and their
state as the fold leaves it. No I/O, no message text: the worker (forms_api/notify/) words and sends them.

A notification is a `notice` event appended in the SAME append as the event that causes it (`with_notices` wraps a
store's `decide`), so a crash can never keep one without the other. Its body names who (`to`: `citizen`, the case's
own phone; `deputy:<id>`, `station:<id>`, `handler:<name>` or `office`, staff whose e-mail addresses the contacts file
holds), how (`channel`: sms | email), what (`template`) and `params` (the reference, a deadline, a handler's name):
never a phone number, an e-mail address, a name or the citizen's text. The phone stays in the case's `submitted` event,
where retention anonymises it like the rest.

The worker records each try: `notice_attempt` (appended before the provider is called), then `notice_sent`,
`notice_retry` (with `next_at`) or `notice_failed` (after the last try); `notice_skipped` when there is nobody to send
it to (no contact, 退订, no phone any more). One event names one notice (`id`, and `attempt` for a try), except the
worker's batches: one `notice_attempt` for a batch's tries (`tries`: {id: attempt}) and one `notice_sent` for the
notices a flush found sent (`ids`; its `at` is when it was written, at most a batch's sends after them), so that a
notice costs the log, and every process that reads it, a fraction of a line rather than two (`notice_ids` reads either
form). `optout` keeps a keyed hash of a phone number that asked for no more messages (退订), never the number itself.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from forms_api.cases.events import TZ, parse_at, timestamp

NOTICE = "notice"
ATTEMPT, SENT, RETRY, FAILED, SKIPPED = (
    "notice_attempt",
    "notice_sent",
    "notice_retry",
    "notice_failed",
    "notice_skipped",
)
OPTOUT = "optout"
SUBSCRIBED = "subscribed"  # a citizen asked for SMS after sending (the receipt page without JavaScript): ref only
OUTBOX_EVENTS = (NOTICE, ATTEMPT, SENT, RETRY, FAILED, SKIPPED, OPTOUT, SUBSCRIBED)
SMS, EMAIL = "sms", "email"
CITIZEN_TO = "citizen"
WORKER = "notify"  # the `by` of the worker's events
# What a citizen who asked for it is told (by SMS), and what staff are told (by e-mail).
CITIZEN_TEMPLATES = {"assigned": "assigned", "replied": "replied", "closed": "closed", "reopened": "reopened"}
STAFF_TEMPLATES = ("new_case", "urged", "digest", "answered_by_other")
TEMPLATES = (*CITIZEN_TEMPLATES.values(), *STAFF_TEMPLATES)
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
KEY_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Channels:
    """Which channels have a sender (settings): none at all means notifications are off."""

    sms: bool = False
    email: bool = False

    @property
    def on(self) -> bool:
        return self.sms or self.email


@dataclass
class Notice:
    """One notification as the fold leaves it; `state` is pending, sent, failed or skipped."""

    id: str
    ref: str | None
    to: str
    channel: str
    template: str
    params: dict[str, Any]
    created: datetime
    state: str = "pending"
    attempts: int = 0
    in_flight: bool = False  # an attempt was recorded and no result yet: the worker died mid-send
    next_at: datetime | None = None
    error: str | None = None
    sent_at: datetime | None = None


class Outbox:
    """Every notice, the pending ones in order, and the keyed hashes of phones that asked for no messages."""

    def __init__(self) -> None:
        self.notices: dict[str, Notice] = {}
        self.pending: dict[str, Notice] = {}  # insertion order: the order they were caused
        self.optouts: set[str] = set()
        self.subscribed: set[str] = set()  # refs whose citizen asked for SMS after sending
        self.by_ref: dict[str, list[Notice]] = {}  # a case's notices, in order (the back office's case page)
        self.sms_sent_on: dict[date, list[Notice]] = {}  # by Beijing day: the daily cap reads one day, not them all

    def due(self, now: datetime) -> list[Notice]:
        """The pending notices whose next try is now or earlier, oldest first."""
        return [n for n in self.pending.values() if n.next_at is None or n.next_at <= now]

    def by_state(self, *states: str) -> list[Notice]:
        return [n for n in self.notices.values() if n.state in states]

    def apply(self, event: dict) -> bool:
        """Fold one outbox event; False for a malformed one or an unknown notice."""
        kind = event["type"]
        if kind == OPTOUT:
            if not isinstance(event.get("key"), str) or not KEY_RE.fullmatch(event["key"]):
                return False
            self.optouts.add(event["key"])
            return True
        if kind == NOTICE:
            return self._notice(event)
        if kind == SUBSCRIBED:
            self.subscribed.add(str(event["ref"]))
            return True
        if kind == ATTEMPT and "tries" in event:
            tries = event["tries"]
            return isinstance(tries, dict) and all([self._result(kind, i, event, n) for i, n in tries.items()])
        if kind == SENT and "ids" in event:
            ids = event["ids"]
            return isinstance(ids, list) and all([self._result(kind, i, event) for i in ids])
        return self._result(kind, event.get("id"), event, event.get("attempt"))

    def _result(self, kind: str, ident: Any, event: dict, attempt: Any = None) -> bool:
        """Fold what `event` (a try or a result) says of the notice `ident`."""
        notice = self.notices.get(ident) if isinstance(ident, str) else None
        if notice is None or notice.state != "pending":
            return False
        if kind == ATTEMPT:
            notice.attempts, notice.in_flight = int(attempt), True
            return True
        at = parse_at(event["next_at" if kind == RETRY else "at"])  # read before anything changes: a bad one fails
        notice.in_flight = False
        if kind == SENT:  # `at`: when the send was recorded (at most a batch's sends after it)
            notice.state, notice.sent_at = "sent", at
            if notice.channel == SMS:
                self.sms_sent_on.setdefault(beijing_day(at), []).append(notice)
        elif kind == RETRY:
            notice.next_at, notice.error = at, str(event.get("error") or "")
            return True
        elif kind in (FAILED, SKIPPED):
            notice.state = "failed" if kind == FAILED else "skipped"
            notice.error = str(event.get("error") or event.get("reason") or "")
        self.pending.pop(notice.id, None)
        return True

    def _notice(self, event: dict) -> bool:
        ident, ref = event["id"], event.get("ref")
        if not isinstance(ident, str) or ident in self.notices or event["channel"] not in (SMS, EMAIL):
            return False
        if event["template"] not in TEMPLATES or not isinstance(event["params"], dict):
            return False
        notice = Notice(
            ident,
            ref,
            str(event["to"]),
            event["channel"],
            event["template"],
            dict(event["params"]),
            parse_at(event["at"]),
        )
        self.notices[ident] = self.pending[ident] = notice
        if isinstance(ref, str):
            self.by_ref.setdefault(ref, []).append(notice)
        return True


# --- making outbox events ---------------------------------------------------------------------------------------------


def outbox_event(kind: str, by: str, at: datetime | str | None = None, **fields: Any) -> dict:
    """One outbox event (no `ref` unless given: a digest belongs to no case)."""
    if kind not in OUTBOX_EVENTS:
        raise ValueError(f"unknown outbox event {kind!r}")
    event: dict[str, Any] = {"type": kind, "by": by, "at": at if isinstance(at, str) else timestamp(at)}
    event.update(fields)
    return event


def notice_ids(event: dict) -> list[str]:
    """The notices an outbox event is about: its `id`, or a batch's `tries` or `ids`."""
    if "tries" in event:
        return list(event["tries"])
    if "ids" in event:
        return list(event["ids"])
    return [event["id"]] if "id" in event else []


def notice(ref: str | None, to: str, channel: str, template: str, params: dict, by: str, at: str | None) -> dict:
    """A `notice` event with a fresh random id."""
    if template not in TEMPLATES or channel not in (SMS, EMAIL):
        raise ValueError(f"bad notice {channel}/{template}")
    fields: dict[str, Any] = {"id": secrets.token_hex(8)}
    if ref is not None:
        fields["ref"] = ref
    return outbox_event(NOTICE, by, at, **fields, to=to, channel=channel, template=template, params=params)


def optout_key(secret: bytes, phone: str) -> str:
    """The keyed hash standing for a phone number that asked for no messages (退订)."""
    return hmac.new(secret, "\x1f".join(("optout", phone)).encode("utf-8"), hashlib.sha256).hexdigest()


def handler_of(sub: Any) -> str | None:
    """Who handles a case now, as a notice addresses staff: the deputy by id, a department or the hotline by its
    name, else (not assigned yet) the deputy or station it was addressed to."""
    if sub.assignee_kind == "deputy":
        return f"deputy:{sub.assignee_deputy}" if sub.assignee_deputy else None
    if sub.assignee_kind in ("department", "hotline"):
        return f"handler:{sub.assignee}"
    return sub.target


def answered_by_handler(sub: Any, event: dict) -> bool:
    """Whether the answer `event` is the handler's own: the deputy the case is assigned to, named on it (forms_api/
    cases/actions.answering). A department or the hotline never answers (the office does, from their 办理结果), so
    every answer to a case handed to them is somebody else's."""
    return sub.assignee_kind == "deputy" and event.get("deputy") == sub.assignee_deputy


def asked_for_sms(state: Any, sub: Any) -> bool:
    """Whether the citizen asked to be told of their case by SMS: on the form (`notify`) or later (`subscribed`)."""
    first = sub.history[0] if sub.history else {}
    return first.get("notify") is True or sub.ref in state.outbox.subscribed


def notices_for(state: Any, event: dict, channels: Channels) -> list[dict]:
    """The notices `event` causes, decided against `state` as it was before the event (see the module's docstring)."""
    kind, ref, by, at = event.get("type"), event.get("ref"), event.get("by", WORKER), event.get("at")
    result: list[dict] = []
    if kind == "submitted":
        if channels.email:
            result.append(notice(ref, event["target"], EMAIL, "new_case", {"ref": ref}, by, at))
        return result
    sub = state.submissions.get(ref) if isinstance(ref, str) else None
    if sub is None:
        return result
    if channels.sms and kind in CITIZEN_TEMPLATES and asked_for_sms(state, sub) and MOBILE_RE.match(sub.phone):
        params: dict[str, Any] = {"ref": ref}
        if kind == "assigned":
            params |= {"handler": str(event["to"]), "deadline": str(event["deadline"])}
        result.append(notice(ref, CITIZEN_TO, SMS, CITIZEN_TEMPLATES[kind], params, by, at))
    if channels.email and kind == "assigned":
        to = f"deputy:{event['deputy']}" if event.get("deputy") else None
        if event["to_kind"] in ("department", "hotline"):
            to = f"handler:{event['to']}"
        told = sub.assignee_kind is None and to == sub.target  # the addressee had "new case" when it came in
        if to is not None and not told:
            result.append(notice(ref, to, EMAIL, "new_case", {"ref": ref, "deadline": str(event["deadline"])}, by, at))
    if channels.email and kind == "urged":
        to = handler_of(sub)
        if to is not None:
            result.append(notice(ref, to, EMAIL, "urged", {"ref": ref, "deadline": event.get("deadline")}, by, at))
    if channels.email and kind == "replied" and sub.assignee_kind is not None and not answered_by_handler(sub, event):
        to = handler_of(sub)  # answered over the handler's head (仍由我答复, the office): they stop working on it
        if to is not None:
            result.append(notice(ref, to, EMAIL, "answered_by_other", {"ref": ref}, by, at))
    return result


def with_notices(decide: Callable[[Any], Any], channels: Channels) -> Callable[[Any], Any]:
    """`decide` with the notices its events cause appended after each of them, in the same append."""
    if not channels.on:
        return decide

    def decide_and_notify(state: Any) -> Any:
        decided = decide(state)
        if not decided:
            return decided
        events = [decided] if isinstance(decided, dict) else list(decided)
        result: list[dict] = []
        for event in events:
            result.append(event)
            result.extend(notices_for(state, event, channels))
        return result if len(result) > len(events) or not isinstance(decided, dict) else decided

    return decide_and_notify


# --- the rules of sending ---------------------------------------------------------------------------------------------


def quiet(moment: datetime, start: time, end: time) -> bool:
    """Whether `moment` (any zone) falls in the quiet hours [start, end) in Beijing time (they may span midnight)."""
    local = moment.astimezone(TZ).time()
    return start <= local < end if start <= end else local >= start or local < end


def backoff(attempt: int, base_seconds: int) -> timedelta:
    """The wait before try `attempt + 1`: base, 2 x base, 4 x base ..., at most an hour (or base, when larger)."""
    return timedelta(seconds=min(base_seconds * 2 ** max(attempt - 1, 0), max(3600, base_seconds)))


def beijing_day(moment: datetime) -> date:
    return moment.astimezone(TZ).date()

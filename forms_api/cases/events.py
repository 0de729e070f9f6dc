"""A submission's events: their types and required fields, timestamps, tracking codes, and making them checked.

Pure: no I/O. Events (one JSON object each; every one has `type`, `ref`, `at`, `by`):

- submitted: code, target, category, text, name (optional), phone, anonymous, complex (false); channel (optional:
  online when absent, as in every event written before offline intake) and, for a case staff registered (线下登记),
  said_on (YYYY-MM-DD, the day the citizen said it) and consent (true when a phone was given with consent recorded)
- assigned: to_kind (deputy | department | hotline), to, deadline (YYYY-MM-DD), complex
- replied: answer (public)        - closed: reason (optional)        - reopened: reason
- replied, drafted: also deputy (optional): the id of the deputy who answered (their account, `reply --deputy`), kept
  by a draft's approval; none when the office or a station worker answered
- assigned (to a deputy): also deputy, the deputy's id (optional: older events and names typed by hand lack it)
- rated: rating (满意 | 基本满意 | 不满意), comment (optional)
- noted: note (internal); result: true for a handler's 办理结果 (internal too: what the citizen reads is the answer);
  one imported from a handler's results file also ticket (工单号), result_date, handler and import_key
  (forms_api/cases/handover.py)
- viewed: nothing more: `by` saw the citizen's name and phone (the console, `show --personal`); internal, like noted
- urged: deadline (optional): 催办, `by` urged a case overdue since that deadline; internal, like noted
- assigned: also handover (optional, true): 转办, handed on to another handler (also after an answer)
- closed: also forced (optional, true): closed inside the rating window, with a reason (强制办结); told (optional,
  a key of messages.CLOSED_TOLD): why, as the citizen reads it, when there is no answer
- followed_up: satisfaction (满意 | 基本满意 | 不满意), note (optional, internal): 回访, the citizen's satisfaction
  staff recorded on a follow-up call; the citizen's timeline shows that it happened, not what was said
- drafted: answer: a deputy's answer waiting for the office's review (审核, setting STAFF_DEPUTY_REVIEW); internal
  until approved, which appends a `replied` event with the draft's answer, approved: true and drafted_by
- returned: note: the office sent a draft back to its author (internal)
- return_asked: reason: 申请退回, the handler (a department's or the hotline's account, or the deputy) holding the case
  says it is not theirs; internal. The next `assigned` (转办), a `return_declined` (reason: why they keep it), an
  answer or a close settles it (`checks.pending_return`)

A 不满意 rating reopens the submission in the fold itself (forms_api/cases/fold.py): the API appends one `rated`
event, never a second `reopened` one, so a rating and its consequence can never be split by a crash. Only the first
不满意 reopens, and only while the case was reopened fewer than MAX_REOPENS times; any other puts the case under
督办 (supervised by the office) instead.

One more event type in the same log belongs to no submission (no `ref`; `by` is always citizen):

- evaluated: target (deputy:<id>), year, rating (满意 | 基本满意 | 不满意), comment (optional, never published),
  voter: the keyed hash of phone + deputy + year (`voter` below), never the phone number itself; one evaluation per
  voter, so a second one with the same voter is refused by the API and ignored by the fold.
  Retention sets comment and (once its year is over) voter to null.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

from forms_api import messages
from forms_api.cases.codes import is_new_form

EVENT_TYPES = (
    *("submitted", "assigned", "replied", "closed", "reopened", "rated", "noted", "viewed", "urged"),
    *("followed_up", "drafted", "returned"),
    *("return_asked", "return_declined"),
)
# Events a citizen never sees on the tracking page: staff notes, who looked at their name and phone, urges, and a
# deputy's draft answer with its review.
INTERNAL_EVENTS = frozenset({"noted", "viewed", "urged", "drafted", "returned", "return_asked", "return_declined"})
MAX_REOPENS = 2  # a case reopened this often is not reopened again: the office supervises it (督办)
STATUSES = ("submitted", "assigned", "replied", "closed", "reopened")
AWAITING_ANSWER = frozenset({"submitted", "assigned", "reopened"})
ASSIGNEE_KINDS = ("deputy", "department", "hotline")
RATINGS = messages.RATINGS
CITIZEN = "citizen"
ONLINE = "online"  # the site's own channel: every `submitted` event without `channel`
CHANNELS = (ONLINE, "reception", "mobile", "meeting", "phone", "letter")  # labels: messages_console.CHANNEL_LABELS


# Timestamps without an offset (never written by this code) are read as China Standard Time.
TZ = timezone(timedelta(hours=8), "CST")

REF_RE = re.compile(r"^(\d{4})-(\d{6,})$")
TARGET_RE = re.compile(r"^(deputy|station):[a-z0-9-]{1,64}$")
EVALUATED = "evaluated"  # a constituent's yearly evaluation of a deputy: an event of no submission
VOTER_RE = re.compile(r"^[0-9a-f]{64}$")
MIN_CODE_LENGTH = 22  # codes of the old form: 22 URL-safe base64 characters carry 132 bits

# Fields each event type must carry besides type, ref, at and by (see make_event).
REQUIRED_FIELDS = {
    "submitted": ("code", "target", "category", "text", "phone", "anonymous"),
    "assigned": ("to_kind", "to", "deadline"),
    "replied": ("answer",),
    "closed": (),
    "reopened": ("reason",),
    "rated": ("rating",),
    "noted": ("note",),
    "viewed": (),
    "urged": (),
    "followed_up": ("satisfaction",),
    "drafted": ("answer",),
    "returned": ("note",),
    "return_asked": ("reason",),
    "return_declined": ("reason",),
}


# --- time -------------------------------------------------------------------------------------------------------------


def now() -> datetime:
    """The current time in China Standard Time, to the second."""
    return datetime.now(TZ).replace(microsecond=0)


def timestamp(moment: datetime | None = None) -> str:
    """An event's `at`: ISO 8601 with its offset, e.g. 2026-11-28T12:00:00+08:00."""
    moment = moment or now()
    if moment.tzinfo is None:
        raise ValueError("timestamps must carry a timezone")
    return moment.isoformat(timespec="seconds")


def parse_at(value: str) -> datetime:
    """Read an event's `at`; a value without an offset is taken as China Standard Time."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=TZ)


# --- making events ----------------------------------------------------------------------------------------------------


def make_event(event_type: str, ref: str, by: str, at: datetime | str | None = None, **fields: Any) -> dict:
    """Build one event with its required fields checked (ValueError names the problem, for programmers).

    Defaults: submitted gets name None and complex False; assigned gets complex False; a `deadline` may be a date.
    """
    if event_type not in REQUIRED_FIELDS:
        raise ValueError(f"unknown event type {event_type!r}")
    if not isinstance(ref, str) or not REF_RE.match(ref):
        raise ValueError(f"bad reference {ref!r}")
    if not isinstance(by, str) or not by.strip():
        raise ValueError("`by` must name the actor")
    missing = [name for name in REQUIRED_FIELDS[event_type] if name not in fields]
    if missing:
        raise ValueError(f"{event_type} event lacks {', '.join(missing)}")
    event: dict[str, Any] = {"type": event_type, "ref": ref, "by": by}
    event["at"] = at if isinstance(at, str) else timestamp(at)
    parse_at(event["at"])
    if event_type == "submitted":
        fields.setdefault("name", None)
        fields.setdefault("complex", False)
        code = fields["code"]
        if not isinstance(code, str) or not (is_new_form(code) or len(code) >= MIN_CODE_LENGTH):
            raise ValueError("the tracking code must be one new_code() made (or of the old form, 128 bits or more)")
        if not isinstance(fields["target"], str) or not TARGET_RE.match(fields["target"]):
            raise ValueError(f"bad target {fields['target']!r}")
        if not isinstance(fields["anonymous"], bool):
            raise ValueError("anonymous must be a bool")
        if fields.get("channel", ONLINE) not in CHANNELS:
            raise ValueError(f"channel must be one of {', '.join(CHANNELS)}")
    elif event_type == "assigned":
        fields.setdefault("complex", False)
        if fields["to_kind"] not in ASSIGNEE_KINDS:
            raise ValueError(f"to_kind must be one of {', '.join(ASSIGNEE_KINDS)}")
        if isinstance(fields["deadline"], date):
            fields["deadline"] = fields["deadline"].isoformat()
        date.fromisoformat(fields["deadline"])
        deputy = fields.get("deputy")
        if deputy is not None and (fields["to_kind"] != "deputy" or not TARGET_RE.fullmatch(f"deputy:{deputy}")):
            raise ValueError(f"bad deputy id {fields['deputy']!r}")
    elif event_type == "rated" and fields["rating"] not in RATINGS:
        raise ValueError(f"rating must be one of {', '.join(RATINGS)}")
    elif event_type == "followed_up" and fields["satisfaction"] not in RATINGS:
        raise ValueError(f"satisfaction must be one of {', '.join(RATINGS)}")
    event.update(fields)
    return event


def make_evaluation(
    target: str, year: int, rating: str, voter: str, at: datetime | str | None = None, comment: str | None = None
) -> dict:
    """An `evaluated` event (ValueError names the problem): `voter` is the keyed hash from `voter` below."""
    if not isinstance(target, str) or not TARGET_RE.fullmatch(target) or not target.startswith("deputy:"):
        raise ValueError(f"bad deputy target {target!r}")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 9999:
        raise ValueError(f"bad year {year!r}")
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {', '.join(RATINGS)}")
    if not isinstance(voter, str) or not VOTER_RE.fullmatch(voter):
        raise ValueError("voter must be a keyed hash (64 lowercase hex digits)")
    event = {"type": EVALUATED, "by": CITIZEN, "at": at if isinstance(at, str) else timestamp(at)}
    parse_at(event["at"])
    event |= {"target": target, "year": year, "rating": rating, "comment": comment or None, "voter": voter}
    return event


def voter(secret: bytes, phone: str, target: str, year: int) -> str:
    """The keyed hash standing for one phone number evaluating one deputy in one year (64 hex digits): the log
    can refuse a second evaluation without keeping the number, and without the key nobody can test numbers."""
    message = "\x1f".join(("evaluation", phone, target, str(year))).encode("utf-8")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()

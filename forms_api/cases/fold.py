"""The state of every submission and evaluation: the fold of the log's events in order.

Pure: no I/O. A store folds its events with `State.apply`; `fold` does it for a list in hand. Tolerant: a malformed
event is counted, never fatal. Every event on an existing submission goes through one frame (`_on_submission`):
find it by `ref`, read `at`, let the event's handler change it, keep the event in its history.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

from forms_api import messages
from forms_api.cases.codes import canonical
from forms_api.cases.events import CHANNELS, EVALUATED, ONLINE, RATINGS, REF_RE, TARGET_RE, parse_at
from forms_api.cases.outbox import OUTBOX_EVENTS, Outbox
from forms_api.cases.submission import Evaluation, Submission


def normalise_text(text: str) -> str:
    """For duplicate detection: NFKC (full-width -> half-width), all whitespace removed (it carries no meaning between
    Chinese characters), case folded."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()


@lru_cache(maxsize=16)
def _text_key(text: str) -> bytes:
    """The duplicate-detection key of a text. Cached (a few entries): the API keys a text when it looks for a
    duplicate and again when the new submission is folded."""
    return _digest(normalise_text(text))


class State:
    """All submissions and evaluations, folded from the log's events in order. Tolerant: a malformed event is
    counted, never fatal."""

    def __init__(self) -> None:
        self.submissions: dict[str, Submission] = {}
        self.evaluations: list[Evaluation] = []
        self._voters: set[str] = set()
        self.events = 0  # events applied
        self.ignored_events = 0  # unknown types, unknown refs, malformed fields
        self.skipped_lines = 0  # unparsable lines in the log (counted by the store)
        self._by_code: dict[bytes, str] = {}  # sha256(code) -> ref
        self._by_text: dict[tuple[str, bytes], list[str]] = {}  # (target, sha256(normalised text)) -> refs
        # folded, not in _by_text yet: keyed when a duplicate is next looked for, if recent enough to match one
        self._unkeyed: list[str] = []
        self._last_seq: dict[int, int] = {}
        self.outbox = Outbox()  # notifications and their sending (forms_api/cases/outbox.py)

    def next_ref(self, year: int) -> str:
        """The next reference of `year`: 2026-000001, 2026-000002, ..."""
        return f"{year:04d}-{self._last_seq.get(year, 0) + 1:06d}"

    def by_code(self, code: object) -> Submission | None:
        """Look a submission up by its tracking code as a person typed it (`codes.canonical`: any case and grouping,
        look-alikes), or as issued in the old form; through its sha256, so no comparison leaks the code."""
        if not isinstance(code, str):
            return None
        ref = None
        if (typed := canonical(code)) is not None:
            ref = self._by_code.get(_digest(typed))
        if ref is None:
            ref = self._by_code.get(_digest(code))
        return self.submissions.get(ref) if ref is not None else None

    def find_duplicate(
        self, target: str, text: str, now: datetime, window: timedelta, *, phone: str | None = None
    ) -> Submission | None:
        """The latest submission to `target` with the same normalised text submitted within `window` before `now`.

        Pass `phone` to match only the same citizen: otherwise two people sending the same letter would share one
        tracking code, and each could read and rate the other's case.
        """
        for ref in self._unkeyed:  # NFKC of every text is most of a submission's fold: only where it is used,
            sub = self.submissions[ref]
            if sub.submitted_at >= now - window:  # and only for texts this look-up (or a later one) can match
                self._by_text.setdefault((sub.target, _text_key(sub.text)), []).append(ref)
        self._unkeyed.clear()
        for ref in reversed(self._by_text.get((target, _text_key(text)), ())):
            sub = self.submissions[ref]
            if sub.submitted_at >= now - window and (phone is None or sub.phone == phone):
                return sub
        return None

    def has_evaluated(self, voter: str) -> bool:
        """Whether an evaluation with this keyed hash (one phone, one deputy, one year) is in the log."""
        return voter in self._voters

    def apply(self, event: dict) -> bool:
        """Fold one event; False (and counted in ignored_events) for unknown types, unknown refs or bad fields."""
        handler = _HANDLERS.get(event.get("type")) if isinstance(event, dict) else None
        try:
            applied = handler is not None and handler(self, event)
        except (KeyError, TypeError, ValueError, AttributeError):
            applied = False
        if applied:
            self.events += 1
        else:
            self.ignored_events += 1
        return applied


def _reopen(sub: Submission, at: datetime) -> None:
    sub.status = "reopened"
    sub.reopens += 1
    sub.reopened_at = at
    sub.deadline = None  # a new answer is due FIRST_ANSWER_DAYS after reopening, unless assigned with a deadline
    sub.closed_at = None
    sub.close_reason = sub.close_told = None


Handler = Callable[["State", dict], bool]


def _on_submission(change: Callable[[Submission, datetime, dict], None]) -> Handler:
    """The frame of every event on an existing submission: find it by `ref` (unknown: ignored), read `at`, let
    `change` apply the event's fields (reading each before changing anything it can fail on), keep it in history."""

    def apply(state: State, event: dict) -> bool:
        sub = state.submissions.get(event["ref"]) if isinstance(event.get("ref"), str) else None
        if sub is None:
            return False
        change(sub, parse_at(event["at"]), event)
        sub.history.append(event)
        return True

    return apply


def _submitted(state: State, event: dict) -> bool:
    ref, code, at = event["ref"], event["code"], parse_at(event["at"])
    match = REF_RE.match(ref) if isinstance(ref, str) else None
    if match is None or ref in state.submissions or not isinstance(code, str):
        return False
    code_key = _digest(code)
    if code_key in state._by_code:
        return False
    channel = event.get("channel", ONLINE)  # events from before offline intake carry none: online
    if channel not in CHANNELS:
        return False
    said_on = date.fromisoformat(event["said_on"]) if event.get("said_on") else None
    sub = Submission(
        ref=ref,
        code=code,
        target=str(event["target"]),
        category=str(event["category"]),
        text=str(event["text"]),
        submitted_at=at,
        name=event.get("name"),
        phone=str(event.get("phone") or ""),
        anonymous=bool(event.get("anonymous", False)),
        complex=bool(event.get("complex", False)),
        channel=channel,
        said_on=said_on,
    )
    sub.history.append(event)
    state.submissions[ref] = sub
    state._by_code[code_key] = ref
    state._unkeyed.append(ref)  # its text's duplicate key is made when find_duplicate first needs it
    year, seq = int(match[1]), int(match[2])
    state._last_seq[year] = max(state._last_seq.get(year, 0), seq)
    return True


def _assigned(sub: Submission, at: datetime, event: dict) -> None:
    deadline = event.get("deadline")
    deadline = date.fromisoformat(deadline) if deadline is not None else None
    sub.status = "assigned"
    sub.assignee_kind, sub.assignee = str(event["to_kind"]), str(event["to"])
    deputy = event.get("deputy") if sub.assignee_kind == "deputy" else None
    sub.assignee_deputy = str(deputy) if deputy else None
    sub.deadline = deadline
    sub.complex = bool(event.get("complex", False))


def _replied(sub: Submission, at: datetime, event: dict) -> None:
    answer = event["answer"]
    sub.status = "replied"
    sub.answer, sub.replied_at = str(answer), at
    sub.draft = None  # published (approved), or overtaken by the office's own answer
    sub.rating = sub.rating_comment = sub.rated_at = None  # a rating belongs to one answer


def _closed(sub: Submission, at: datetime, event: dict) -> None:
    sub.status = "closed"
    sub.closed_at, sub.close_reason = at, event.get("reason")
    told = event.get("told")
    sub.close_told = told if isinstance(told, str) and told in messages.CLOSED_TOLD else None


def _reopened(sub: Submission, at: datetime, event: dict) -> None:
    _reopen(sub, at)


def _rated(sub: Submission, at: datetime, event: dict) -> None:
    rating = str(event["rating"])
    sub.rating, sub.rating_comment, sub.rated_at = rating, event.get("comment"), at
    if rating != messages.RATING_REOPENS:
        return
    reopens = sub.unsatisfied_reopens
    sub.unsatisfied += 1
    if reopens:
        sub.reopening_steps.append(len(sub.history))
        _reopen(sub, at)
    elif not sub.supervised:  # the second 不满意, or one that would reopen it once too often: 督办
        sub.supervised, sub.supervised_step = True, len(sub.history)


def _noted(sub: Submission, at: datetime, event: dict) -> None:
    note = str(event["note"])
    entry = {"at": event["at"], "by": event.get("by"), "note": note}
    sub.notes.append(entry | {"result": True} if event.get("result") is True else entry)


def _viewed(sub: Submission, at: datetime, event: dict) -> None:
    """Nothing changes: the showing of personal data is kept in the history only, for the audit."""


def _urged(sub: Submission, at: datetime, event: dict) -> None:
    """Nothing changes: an urge is kept in the history, for the staff's timeline and the audit."""


def _followed_up(sub: Submission, at: datetime, event: dict) -> None:
    if event["satisfaction"] not in RATINGS:
        raise ValueError("satisfaction")
    sub.followed_up_at = at


def _drafted(sub: Submission, at: datetime, event: dict) -> None:
    sub.draft = {"answer": str(event["answer"]), "at": event["at"], "by": event.get("by")}
    if event.get("deputy"):  # the deputy who wrote it (`answering`), carried to the `replied` that approves it
        sub.draft["deputy"] = str(event["deputy"])


def _returned(sub: Submission, at: datetime, event: dict) -> None:
    note = str(event["note"])
    sub.draft = None
    sub.notes.append({"at": event["at"], "by": event.get("by"), "note": note, "returned": True})


def _return_step(sub: Submission, at: datetime, event: dict) -> None:
    """申请退回 and its decline: nothing changes but the history, which says whether one is pending
    (checks.pending_return)."""
    str(event["reason"])


def _evaluated(state: State, event: dict) -> bool:
    target, year, rating, voter = event["target"], event["year"], event["rating"], event.get("voter")
    if not isinstance(target, str) or not TARGET_RE.fullmatch(target) or not target.startswith("deputy:"):
        return False
    if isinstance(year, bool) or not isinstance(year, int) or rating not in RATINGS:
        return False
    if voter is not None and (not isinstance(voter, str) or voter in state._voters):
        return False  # a second evaluation by the same voter (the API refuses it; a hand-made log might not)
    comment = event.get("comment")
    at = parse_at(event["at"])
    state.evaluations.append(Evaluation(target, year, rating, at, comment if isinstance(comment, str) else None, voter))
    if voter is not None:
        state._voters.add(voter)
    return True


_HANDLERS: dict[str, Handler] = {
    "submitted": _submitted,
    "assigned": _on_submission(_assigned),
    "replied": _on_submission(_replied),
    "closed": _on_submission(_closed),
    "reopened": _on_submission(_reopened),
    "rated": _on_submission(_rated),
    "noted": _on_submission(_noted),
    "viewed": _on_submission(_viewed),
    "urged": _on_submission(_urged),
    "followed_up": _on_submission(_followed_up),
    "drafted": _on_submission(_drafted),
    "returned": _on_submission(_returned),
    "return_asked": _on_submission(_return_step),
    "return_declined": _on_submission(_return_step),
    EVALUATED: _evaluated,
    **dict.fromkeys(OUTBOX_EVENTS, lambda state, event: state.outbox.apply(event)),
}


def fold(events: Iterable[dict]) -> State:
    """The state of `events` folded in order (a backup, a rewrite's events, a lock-free read of a log)."""
    state = State()
    for event in events:
        state.apply(event)
    return state

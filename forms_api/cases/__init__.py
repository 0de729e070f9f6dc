"""The closed loop of a submission, pure (no Flask, no I/O): events, the fold into state, the checks, deadlines.

A store (forms_api/store/) keeps the events and folds them with `State.apply`; callers decide what to append by
calling `check` against the current state, inside the store's `decide`, under its lock.
"""

from forms_api.cases.calendar import (
    COMPLEX_DAYS,
    FIRST_ANSWER_DAYS,
    NO_HOLIDAYS,
    Calendar,
    add_working_days,
    deadline_for,
    is_working_day,
    parse_calendar,
)
from forms_api.cases.checks import RATING_WINDOW_DAYS, RULES, Rules, WorkflowError, check
from forms_api.cases.codes import new_code
from forms_api.cases.events import (
    ASSIGNEE_KINDS,
    AWAITING_ANSWER,
    CHANNELS,
    CITIZEN,
    EVALUATED,
    EVENT_TYPES,
    INTERNAL_EVENTS,
    MAX_REOPENS,
    ONLINE,
    RATINGS,
    REF_RE,
    REQUIRED_FIELDS,
    STATUSES,
    TARGET_RE,
    TZ,
    make_evaluation,
    make_event,
    now,
    parse_at,
    timestamp,
    voter,
)
from forms_api.cases.fold import State, fold, normalise_text
from forms_api.cases.submission import Evaluation, Submission, first_answer

__all__ = [
    "ASSIGNEE_KINDS",
    "AWAITING_ANSWER",
    "CHANNELS",
    "CITIZEN",
    "COMPLEX_DAYS",
    "EVALUATED",
    "EVENT_TYPES",
    "INTERNAL_EVENTS",
    "FIRST_ANSWER_DAYS",
    "MAX_REOPENS",
    "NO_HOLIDAYS",
    "ONLINE",
    "RATINGS",
    "RATING_WINDOW_DAYS",
    "RULES",
    "REF_RE",
    "REQUIRED_FIELDS",
    "STATUSES",
    "TARGET_RE",
    "TZ",
    "Calendar",
    "Evaluation",
    "Rules",
    "State",
    "Submission",
    "WorkflowError",
    "add_working_days",
    "check",
    "deadline_for",
    "first_answer",
    "fold",
    "is_working_day",
    "make_evaluation",
    "make_event",
    "new_code",
    "normalise_text",
    "now",
    "parse_at",
    "parse_calendar",
    "timestamp",
    "voter",
]

"""The case actions of the console: assign (交办), hand over (转办), answer, close (forced inside the rating window),
reopen, note, urge (催办), a handler's result (办理结果), a follow-up call (回访), the review of a deputy's answer
(审核: approve, send back) and 申请退回 with its decline, each a small POST form on the case's page.

Every action is ONE event appended through `cases.actions.decision`, the same `decide` the staff tools use: the
workflow's check runs under the log's exclusive lock, and so does the scope rule (a case handed elsewhere meanwhile
is refused). A refusal writes nothing and redirects back to the case's page (303), which shows the workflow's Chinese
message with what was typed (forms_api/console/refusals.py); success redirects back to it with a confirmation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Response, abort, flash, redirect, request, url_for

from forms_api import cases, messages
from forms_api.accounts.access import may_see, targets_of
from forms_api.cases import Calendar, State, Submission, WorkflowError
from forms_api.cases.actions import (
    Fields,
    TextProblem,
    answer_event,
    answering,
    approval,
    assignment,
    clean_text,
    closing,
    deadline_problem,
    decision,
    handover,
    held_elsewhere,
    return_request,
    urge,
)
from forms_api.console.case import EVENTS, case_page, find_case
from forms_api.console.deputies import resolve
from forms_api.console.people import handler_of
from forms_api.console.refusals import refused
from forms_api.console.service import account, bp, require
from forms_api.console.units import CONFIRM, account_units, unit_name
from forms_api.messages_cases import CASE_TEXTS, UNIT_TEXTS
from forms_api.messages_console import STAFF_TEXTS
from forms_api.public.service import service
from forms_api.staff.text import is_result

ANSWER_ANYWAY = "answer_anyway"  # the answer form's checkbox, on a case someone else handles (仍由我答复)

A = messages.ACTION_TEXTS
Decide = Callable[[State], list[dict]]


def _text(name: str, what: str, *, required: bool = True) -> str | None:
    return clean_text(request.form.get(name), what, required=required)


def _deadline(today: date) -> date | None:
    value = request.form.get("deadline", "").strip()
    if not value:
        return None
    try:
        deadline = date.fromisoformat(value)
    except ValueError:
        raise TextProblem(A["bad_deadline"]) from None
    problem = deadline_problem(deadline, today)
    if problem:
        raise TextProblem(problem)
    return deadline


def _assignee(sub: Submission, action: str) -> tuple[str, str | None, str | None]:
    """(to_kind, name, deputy id) from the form; a deputy typed by name or id wins over the one picked from the list,
    which for 交办 (never for 转办, which goes to someone else) defaults to the case's own deputy; each resolved to
    one current deputy, named from the site."""
    to_kind = request.form.get("to_kind", "")
    if to_kind not in cases.ASSIGNEE_KINDS:
        raise TextProblem(A["bad_to_kind"])
    if to_kind == "deputy":
        if typed_unit := request.form.get("name", "").strip():  # the choice left on 人大代表: never drop the name
            raise TextProblem(UNIT_TEXTS["unit_with_deputy"].format(name=typed_unit[:40]))
        default = sub.target.removeprefix("deputy:") if sub.target.startswith("deputy:") and action == "assign" else ""
        typed = request.form.get("deputy_other", "").strip() or request.form.get("deputy", "").strip() or default
        if not typed:
            raise TextProblem(STAFF_TEXTS["deputy_missing"])
        deputy, name = resolve(typed)
        return to_kind, name, deputy
    name = _text("name", "name", required=to_kind == "department")
    if to_kind == "department" and name:  # as a handler account names it, else confirmed as a unit without one
        name = unit_name(name, account_units(), confirmed=request.form.get(CONFIRM) == "1")
    return to_kind, name, None


def _fields(action: str, sub: Submission, today: date, cal: Calendar) -> Fields:
    """The event's fields from the posted form (TextProblem: a form staff must correct)."""
    if action == "assign":
        to_kind, name, deputy = _assignee(sub, action)
        complex_case, deadline = request.form.get("complex") == "1", _deadline(today)
        chosen = {"complex_case": complex_case, "deadline": deadline, "today": today, "cal": cal}
        return assignment(to_kind=to_kind, name=name, deputy=deputy, **chosen)
    if action == "handover":
        to_kind, name, deputy = _assignee(sub, action)
        return handover(to_kind=to_kind, name=name, deputy=deputy, today=today, cal=cal)
    if action == "urge":
        return urge(today, cal)
    if action == "approve":
        return approval
    if action == "close":
        reason, told = _text("reason", "reason"), request.form.get("told", "")
        if sub.answer is None and sub.status != "closed" and told not in messages.CLOSED_TOLD:
            raise TextProblem(A["told_missing"])  # no bare 已办结 for the citizen (closed again: refused anyway)
        known = told if told in messages.CLOSED_TOLD else None
        return closing(reason, force=request.form.get("force") == "1", told=known)
    if action == "followup":
        satisfaction = request.form.get("satisfaction", "")
        if satisfaction not in cases.RATINGS:
            raise TextProblem(A["bad_satisfaction"])
        note = _text("note", "note", required=False)
        return lambda current: {"satisfaction": satisfaction} | ({"note": note} if note else {})
    if action == "answer":
        return _answer(str(_text("answer", "answer")))
    if action == "return_ask":  # 申请退回: a deputy only for a case assigned to them
        return return_request(str(_text("reason", "reason")), deputy=account().deputy)
    field, what, required = {
        "reopen": ("reason", "reason", True),
        "note": ("note", "note", True),
        "result": ("note", "result", True),
        "send_back": ("note", "note", True),
        "return_decline": ("reason", "reason", True),
    }[action]
    text = _text(field, what, required=required)
    extra = {"result": True} if action == "result" else {}
    return lambda current: {field: text, **extra}


def _answer(text: str) -> Fields:
    """An answer; on a case someone else handles (`held_elsewhere`, as it is under the lock) only when staff ticked
    that they answer anyway: the answer goes public at once, over the handler's head."""
    who, confirmed = account(), request.form.get(ANSWER_ANYWAY) == "1"

    def fields(sub: Submission) -> dict:
        if held_elsewhere(sub, who.role, who.deputy) and not confirmed:
            result = CASE_TEXTS["has_result" if any(map(is_result, sub.history)) else "no_result"]
            raise TextProblem(CASE_TEXTS["answer_elsewhere"].format(holder=handler_of(sub), result=result))
        return {"answer": text}

    return fields


def _in_scope(fields: Fields) -> Fields:
    """`fields` after the scope rule, against the case as it is under the lock."""
    who, targets = account(), targets_of(account(), service().targets.deputies_of)

    def scoped(sub: Submission) -> dict:
        if not may_see(who, sub, targets):
            abort(403)
        return fields(sub)

    return scoped


def _answering(ref: str, event_type: str, fields: Fields, today: date, cal: Calendar) -> Decide:
    """A deputy's answer: on a case addressed to them that nobody handles yet, they take it on (an `assigned` event
    to themselves, the deadline counted from today as any assignment's) in the same append."""
    deputy = account().deputy
    name = service().targets.name(f"deputy:{deputy}") or deputy
    take_on = assignment(
        to_kind="deputy", name=name, deputy=deputy, complex_case=None, deadline=None, today=today, cal=cal
    )
    rules = service().rules
    return answering(ref, event_type, account().login, fields, deputy=deputy, take_on=_in_scope(take_on), rules=rules)


def _done(action: str, sub: Submission, cal: Calendar) -> str:
    deadline = sub.due(*cal) or sub.deadline
    values = {"ref": sub.ref, "assignee": handler_of(sub), "deadline": deadline}
    if action in ("handover", "urge", "result", "followup", "approve", "send_back"):
        return A[f"done_{action}"].format(**values)
    if action in ("return_ask", "return_decline"):
        return CASE_TEXTS[f"done_{action}"].format(**values)
    if action == "answer" and sub.draft is not None:
        return A["done_drafted"].format(**values)
    return messages.STAFF_DONE[EVENTS[action]].format(**values)


@bp.post("/cases/<ref>/<action>")
def act(ref: str, action: str) -> Response:
    """Take `action` on the case `ref`: the permission table, the scope rule, the workflow's check, ONE event."""
    if action not in EVENTS:
        abort(404)
    denied = require(action)(lambda: None)()  # sign-in, then the permission table, for an action named by the URL
    if denied is not None:
        return denied
    sub = find_case(ref)
    today, cal, rules = cases.now().date(), service().calendar, service().rules
    event_type = answer_event(account().role, rules) if action == "answer" else EVENTS[action]
    try:
        fields = _in_scope(_fields(action, sub, today, cal))
        if action == "answer" and account().role == "deputy":
            service().store.append(_answering(ref, event_type, fields, today, cal))
        else:
            service().store.append(decision(ref, event_type, account().login, fields, rules=rules))
    except (TextProblem, WorkflowError) as exc:
        status, error = 409 if isinstance(exc, WorkflowError) else 400, str(exc)

        def answer() -> Response:
            return case_page(find_case(ref), status=status, error=error, form=request.form, failed=action)

        return refused(url_for("staff.case", ref=ref), error, failed=action, answer=answer)
    flash(_done(action, find_case(ref), cal))
    return redirect(url_for("staff.case", ref=ref), 303)

"""A case's page: the citizen's message, the timeline of every event with who and when, the handlers' results apart
from the internal notes, the forms of the actions the account may take (forms_api/console/actions.py) with a reply
template added to the answer being typed (填入答复框, nothing stored), and the showing of a citizen's name and phone (a
POST: it appends a `viewed` event naming the account before anything is shown).

Every case passes the scope rule (forms_api/accounts/access.py) before it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask import Response, abort, redirect, request, session, url_for

from forms_api import cases, messages
from forms_api import messages_notify as mn
from forms_api.accounts.access import may_see, targets_of
from forms_api.cases import AWAITING_ANSWER, MAX_REOPENS, RATINGS, REF_RE, Calendar, Submission
from forms_api.cases.actions import decision, held_elsewhere, takes_on
from forms_api.cases.checks import pending_return
from forms_api.cases.outbox import CITIZEN_TO, Notice
from forms_api.console.deputies import choices
from forms_api.console.people import actor_label, case_targets, deputies_told, handler_of, result_source
from forms_api.console.refusals import given_back, taken
from forms_api.console.service import account, bp, console, may, page, require
from forms_api.console.units import suggestions
from forms_api.messages_cases import CASE_TEXTS, UNIT_TEXTS
from forms_api.messages_console import HANDOVER_TEXTS as HO
from forms_api.public.service import service
from forms_api.staff.text import (
    channel_text,
    deadline_label,
    deadline_text,
    history_entry,
    holders,
    is_result,
    moment_text,
    submitted_text,
)

SHOWN = "personal_shown"  # session: the page whose next GET shows a citizen's name and phone (show_personal_once)
# action -> the event it appends (the permission table names the same actions: forms_api/accounts/access.py)
EVENTS = {
    "assign": "assigned",
    "handover": "assigned",
    "answer": "replied",
    "close": "closed",
    "reopen": "reopened",
    "note": "noted",
    "urge": "urged",
    "result": "noted",
    "followup": "followed_up",
    "approve": "replied",
    "send_back": "returned",
    "return_ask": "return_asked",
    "return_decline": "return_declined",
}


def find_case(ref: str) -> Submission:
    """The case `ref` if the account may see it: 404 when there is none, 403 when it is out of scope."""
    if not REF_RE.fullmatch(ref):
        abort(404)
    svc = service()
    sub = svc.store.query(lambda state: state.submissions.get(ref))
    if sub is None:
        abort(404)
    if not may_see(account(), sub, targets_of(account(), svc.targets.deputies_of)):
        abort(403)
    return sub


def offered(sub: Submission, today: date, cal: Calendar) -> list[str]:
    """The actions whose forms the case's page shows: those the role may take that make sense in the case's state
    (the workflow's check still decides, under the lock, when a form is posted)."""
    handled = sub.assignee_kind is not None
    pending, deputy = pending_return(sub), account().deputy
    holds_it = deputy is None or (sub.assignee_kind == "deputy" and sub.assignee_deputy == deputy)
    answerable = handled or takes_on(sub, account().deputy if account().role == "deputy" else None)
    fits = {
        "assign": sub.status in AWAITING_ANSWER and not handled,  # a handled one (reopened too) is handed on: 转办
        "handover": handled and sub.status != "closed" and sub.status != "submitted",
        "answer": sub.status in AWAITING_ANSWER and answerable and sub.draft is None,
        "close": sub.status != "closed",
        "reopen": sub.status in ("replied", "closed") and sub.reopens < MAX_REOPENS,
        "note": True,
        "urge": handled and sub.overdue(today, *cal),  # an unassigned case has nobody to urge: 交办 it
        "result": True,
        "followup": sub.answer is not None and sub.status in ("replied", "closed"),
        "approve": sub.draft is not None,
        "send_back": sub.draft is not None,
        "return_ask": sub.status in AWAITING_ANSWER and handled and pending is None and holds_it,
        "return_decline": pending is not None,
    }
    return [action for action in EVENTS if fits[action] and may(action)]


def notice_lines(notices: list[Notice]) -> list[str]:
    """A case's notifications as staff read them: when, how, what, to whom, and how it went (no phone, no address)."""
    texts = mn.CASE_NOTICES
    lines = []
    for n in notices:
        tries = texts["tries"].format(n=n.attempts) if n.attempts > 1 else ""
        error = texts["error"].format(error=n.error) if n.error and n.state in ("pending", "failed") else ""
        if n.state == "skipped" and n.error:  # not a failure: nobody to send it to, or unsubscribed
            error = texts["skipped"].format(reason=mn.SKIP_REASONS.get(n.error, n.error))
        to = mn.CITIZEN_NAME if n.to == CITIZEN_TO else n.to
        line = texts["line"].format(
            at=moment_text(n.created),
            channel=mn.CHANNEL_NAMES[n.channel],
            template=mn.TEMPLATE_NAMES[n.template],
            to=to,
            state=mn.STATE_LABELS[n.state],
            tries=tries,
            error=error,
        )
        lines.append(line)
    return lines


def return_line(sub: Submission) -> str:
    """The pending 申请退回 as staff read it (who, when, why), "" when there is none."""
    event = pending_return(sub)
    if event is None:
        return ""
    at, who = moment_text(cases.parse_at(event["at"])), actor_label(event.get("by") or "")
    return CASE_TEXTS["return_pending"].format(at=at, who=who, reason=event["reason"])


def declined_line(sub: Submission) -> str:
    """The office's decline of the last 申请退回 while nothing has happened since (the handler would otherwise find
    its 申请退回 form back without a word), "" otherwise."""
    for event in reversed(sub.history):
        if event["type"] == "return_declined":
            at, who = moment_text(cases.parse_at(event["at"])), actor_label(event.get("by") or "")
            return CASE_TEXTS["return_declined"].format(at=at, who=who, reason=event["reason"])
        if event["type"] in ("assigned", "return_asked", "replied", "closed"):
            return ""
    return ""
    return None


def no_answer_reason(sub: Submission, actions: list[str]) -> str:
    """Why the page shows no answer form to an account that may answer, while the case awaits one ("" otherwise)."""
    if "answer" in actions or not may("answer") or sub.status not in AWAITING_ANSWER:
        return ""
    if sub.draft is not None:
        return messages.WORKFLOW_ERRORS["draft_pending"]
    return messages.ACTION_TEXTS["answer_needs_assignment" if may("assign") else "answer_not_yours"]


def timeline_of(sub: Submission) -> list[tuple[str, str, str]]:
    """The case's history as (when, who, what): an account's login shown as its role and scope, a handler's result as
    the handler's, with who put it in (forms_api/console/people.py)."""
    lines = []
    namesakes = deputies_told(event.get("deputy") for event in sub.history if event["type"] == "assigned")
    for index, (event, holder) in enumerate(zip(sub.history, holders(sub), strict=True)):
        at, who, what = history_entry(event, sub, index, namesakes)
        if is_result(event):
            who, how = result_source(event, holder)
            what = HO["result_in_timeline"].format(what=what, how=how) if how else what
        elif event.get("by") != cases.CITIZEN:
            who = actor_label(event.get("by") or "")
        lines.append((at, who, what))
    return lines


def results_of(sub: Submission) -> list[tuple[str, str, str, str]]:
    """The handlers' results (办理结果) of a case as (when, whose, the text, its ticket, date and who put it in), apart
    from the internal notes."""
    results = []
    for event, holder in zip(sub.history, holders(sub), strict=True):
        if not is_result(event):
            continue
        who, how = result_source(event, holder)
        details = [HO["result_ticket"].format(ticket=event["ticket"])] if event.get("ticket") else []
        details += [HO["result_day"].format(day=event["result_date"])] if event.get("result_date") else []
        details += [how] if how else []
        results.append(
            (moment_text(cases.parse_at(event["at"])), who, str(event["note"]), HO["result_details"].join(details))
        )
    return results


def case_page(
    sub: Submission,
    *,
    personal: bool = False,
    status: int = 200,
    error: str | None = None,
    form: Mapping[str, str] | None = None,
    failed: str | None = None,
    notice: str | None = None,
) -> Response:
    """The case's page; after a refused action (`failed`), with the workflow's message at the top and beside that
    action's form, and what was typed (`form`) kept in that form; or a `notice` there (a form restored after the
    session ended: forms_api/console/drafts.py)."""
    today, cal = cases.now().date(), service().calendar
    notes = [
        (moment_text(cases.parse_at(note["at"])), actor_label(note.get("by") or ""), note["note"])
        for note in sub.notes
        if not note.get("result")  # the handlers' results have their own list
    ]
    actions = offered(sub, today, cal)
    templates = console().templates.all() if "answer" in actions else []
    form = dict(form or {})
    chosen = request.args.get("template", "")
    if "answer" not in form and chosen.isdigit() and int(chosen) < len(templates):
        form["answer"] = templates[int(chosen)].text  # "填入答复框" without JavaScript: the page comes back filled
    return page(
        "staff/case.html",
        status,
        notices=service().store.query(lambda state: notice_lines(state.outbox.by_ref.get(sub.ref, []))),
        notices_title=mn.CASE_NOTICES["title"],
        sub=sub,
        target=case_targets([sub.target])[sub.target],
        target_deputy=sub.target.removeprefix("deputy:") if sub.target.startswith("deputy:") else "",
        submitted=submitted_text(sub),
        channel=channel_text(sub),  # for a case registered offline, also when it was said and registered
        assignee=handler_of(sub),
        deadline=deadline_text(sub, today, cal),
        deadline_label=deadline_label(sub),
        overdue=sub.overdue(today, *cal),
        window_ends=sub.rating_window_ends(service().rules.rating_window_days),
        reviewed=account().role == "deputy" and service().rules.deputy_review,
        draft_at=moment_text(cases.parse_at(sub.draft["at"])) if sub.draft else "",
        ratings=RATINGS,
        timeline=timeline_of(sub),
        results=results_of(sub),
        notes=notes,
        personal=personal,
        actions=actions,
        templates=templates,
        no_answer=no_answer_reason(sub, actions),
        deputy_choices=choices(sub, account()) if {"assign", "handover"} & set(actions) else [],
        units=suggestions() if {"assign", "handover"} & set(actions) else [],
        ut=UNIT_TEXTS,
        held_elsewhere=held_elsewhere(sub, account().role, account().deputy),
        ct=CASE_TEXTS,
        pending_return=return_line(sub),
        declined_return=declined_line(sub),
        chosen=chosen,
        error=error,
        failed=failed,
        notice=notice,
        form=form,
        a=messages.ACTION_TEXTS,
    )


def show_personal_once(ref: str, page_path: str) -> Response:
    """Append the `viewed` event naming the account, then send the browser (303) to `page_path`, whose next GET (and
    only that one) shows the citizen's name and phone: a showing is one event, and no page is a POST's answer that
    Back would have to post again."""
    service().store.append(decision(ref, "viewed", account().login, lambda sub: {}, rules=service().rules))
    session[SHOWN] = page_path
    return redirect(page_path, 303)


def personal_shown() -> bool:
    """Whether this GET is the one that shows the name and phone (`show_personal_once`); from now on it is not."""
    return session.get(SHOWN) == request.path and session.pop(SHOWN) == request.path


@bp.get("/cases/<ref>")
@require("queue")
def case(ref: str) -> Response:
    """One case: message, target, deadline, timeline, actions; the name and phone only after the button below; after
    a refused action, its message at the top and what was typed kept."""
    kept = taken()
    if kept is not None:
        return case_page(find_case(ref), error=kept["error"] or None, form=kept["form"], failed=kept["failed"])
    sub = find_case(ref)
    return case_page(sub, personal=may("personal") and personal_shown())


def with_template(draft: str, template: str) -> str:
    """The answer box after 填入答复框: what was typed, then the template (the template alone in an empty box); not
    a second time when the box holds it already (the button pressed twice)."""
    if not template or template.strip() in draft:
        return draft
    return f"{draft.rstrip()}\n\n{template}" if draft.strip() else template


@bp.post("/cases/<ref>/template")
@require("answer")
def fill_template(ref: str) -> Response:
    """填入答复框, a button of the answer form: the case's page again (POST/redirect/GET, at the answer form) with
    the answer typed so far and the chosen template after it, or the latest 办理结果 (用办理结果起草答复: the result
    shown above the answer box). Nothing is stored: the answer is still to be sent; nothing goes in a URL."""
    sub = find_case(ref)
    templates = console().templates.all()
    chosen = request.form.get("template", "")
    template = templates[int(chosen)].text if chosen.isdigit() and int(chosen) < len(templates) else ""
    if request.form.get("from_result") == "1":  # 用办理结果起草答复: the latest 办理结果 instead of a template
        results = results_of(sub)
        template = results[-1][2] if results else ""
    form = {"action": "answer", "answer": with_template(request.form.get("answer", ""), template)}
    form |= {"answer_anyway": "1"} if request.form.get("answer_anyway") == "1" else {}
    target = url_for("staff.case", ref=ref)
    return given_back(target, form, failed="answer", answer=lambda: case_page(sub, form=form, failed="answer"))


@bp.post("/cases/<ref>/personal")
@require("personal")
def personal(ref: str) -> Response:
    """The case with the citizen's name and phone, once a `viewed` event naming the account is in the log."""
    find_case(ref)
    return show_personal_once(ref, url_for("staff.case", ref=ref))

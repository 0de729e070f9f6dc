"""Offline intake (线下登记): office and station staff register what a citizen said at a reception day, a mobile
station's visit, a 屋场恳谈会, by phone or by letter. It becomes a case like any other: the same `submitted` event
through the same `decide` as the site's form (forms_api/cases/intake.py: duplicate window, next reference, tracking
code), with its channel, the day it was said and `by` = the staff's login.

The answer to a registration is the receipt slip (回执, A6, printable) with the reference, the tracking code and a
QR code of the site's /track/ page carrying the code in the URL's fragment (never sent to a server, as the site's
own /thanks/ page does). The POST redirects to the slip's own page (a reload never re-posts), which shows the code
for a short while in the registering account's session only; later (补打回执) the slip says the code cannot be shown
again and how to look the case up by its reference and phone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta

from flask import Response, abort, redirect, request, url_for
from markupsafe import Markup

from forms_api import cases, messages_console
from forms_api.accounts.access import may_register
from forms_api.cases import CHANNELS, ONLINE, Submission, deadline_for
from forms_api.cases.actions import CONTROL, TextProblem
from forms_api.cases.intake import NewCase, new_case
from forms_api.cases.outbox import MOBILE_RE
from forms_api.console.case import find_case
from forms_api.console.deputies import resolve
from forms_api.console.service import account, bp, keep_shortly, kept_shortly, page, require
from forms_api.public.deputies import labelled, namesake_detail
from forms_api.public.schema import normalise_phone
from forms_api.public.service import service
from forms_api.staff.text import moment_text
from generator.deadlines import FIRST_ANSWER_DAYS
from generator.qr import qr_svg

I = messages_console.INTAKE_TEXTS  # noqa: E741
OFFLINE = tuple(channel for channel in CHANNELS if channel != ONLINE)
SLIP_MINUTES = 15  # how long the slip of a case just registered shows its tracking code in the registering session
SAID_ON_DAYS = 60  # 反映日期 at most this many days before today: older is a typo (the case would be overdue at once)
SLIP_KEY = "intake_slips"  # the session's ref -> [code (encrypted, service.keep_shortly), until (POSIX time)]
LATE_OK = "late_ok"  # ticked: the 反映日期 is right though its 交办期限 is past (or today); its value is that date


def stations() -> list[tuple[str, str]]:
    """(id, name) of the stations the signed-in account may register for."""
    return [found for found in service().targets.listed("station") if may_register(account(), found[0])]


def deputies(station: str | None = None) -> list[tuple[str, str]] | None:
    """(id, label) of the current deputies the form offers: a station worker's, those of its stations; the office's,
    those of the `station` it picked (the form's 列出该站代表), each labelled with their stations (and the id where two
    labels match), as the deputy picker does. None for the office before it picks a station: it may type a name or an
    id, since no page lists every deputy of a city (DESIGN.md, Scale)."""
    if account().role == "office" and station not in {found[0] for found in stations()}:
        return None
    targets = service().targets
    picked = [station] if account().role == "office" else account().stations
    mine = {deputy for each in picked for deputy in targets.deputies_of(each)}
    return labelled(targets, [deputy for deputy, _ in targets.listed("deputy") if deputy in mine])


def _station(form: Mapping[str, str]) -> str:
    station = form.get("station", "").strip()
    if not station:
        raise TextProblem(I["no_station"])
    if station not in {found[0] for found in stations()}:
        raise TextProblem(I["bad_station"].format(station=station[:64]))
    return station


def _deputy(form: Mapping[str, str], station: str | None) -> str | None:
    """The deputy who received it, typed by the office (a name or an id) or picked by a station worker: a current
    deputy of the chosen station, for every role (else the case would be the deputy's alone, and the station where
    it was said would never see it)."""
    typed = form.get("deputy", "").strip()
    if not typed:
        return None
    targets = service().targets
    deputy, name = resolve(typed, tool="typed" if account().role == "office" else "console")  # a name or an id
    if station is not None and deputy not in targets.deputies_of(station):
        where = targets.name(f"station:{station}") or station
        raise TextProblem(I["bad_deputy"].format(name=name, deputy=deputy, station=where))
    return deputy


def _said_on(form: Mapping[str, str], today: date) -> str:
    try:
        day = date.fromisoformat(form.get("said_on", "").strip())
    except ValueError:
        raise TextProblem(I["bad_date"]) from None
    if day > today:
        raise TextProblem(I["future_date"].format(day=day.isoformat(), today=today.isoformat()))
    earliest = today - timedelta(days=SAID_ON_DAYS)
    if day < earliest:
        raise TextProblem(I["old_date"].format(day=day.isoformat(), days=SAID_ON_DAYS, earliest=earliest.isoformat()))
    return day.isoformat()


def late(form: Mapping[str, str], today: date) -> dict[str, object] | None:
    """The warning of a case that would be overdue as soon as it is registered: the 反映日期 typed, one `_said_on`
    takes, gives a 交办期限 (FIRST_ANSWER_DAYS working days on, as for any case not handed on yet:
    Submission.assign_by) that is past or ends today; None for a later one. `confirmed`: ticked for this very date
    (changed after the tick, the date is asked about again)."""
    try:
        day = date.fromisoformat(_said_on(form, today))
    except TextProblem:
        return None
    cal = service().calendar
    deadline = deadline_for(day, holidays=cal.holidays, workdays=cal.workdays)
    if deadline > today:
        return None
    kind = "late_today" if deadline == today else "late_past"
    values = {"day": day.isoformat(), "deadline": deadline.isoformat(), "days": FIRST_ANSWER_DAYS}
    return {
        "text": I[kind].format(**values),
        "confirm": I[f"{kind}_confirm"].format(**values),
        "day": day.isoformat(),
        "confirmed": form.get(LATE_OK) == day.isoformat(),
    }


def _text(form: Mapping[str, str]) -> str:
    limits = service().limits
    text = form.get("text", "").replace("\r\n", "\n").strip()
    if not text:
        raise TextProblem(I["text_missing"])
    if CONTROL.search(text):
        raise TextProblem(I["text_control"])
    if len(text) > limits.max_text:
        raise TextProblem(I["text_long"].format(max=limits.max_text, length=len(text)))
    if len("".join(text.split())) < limits.min_text:
        raise TextProblem(I["text_short"].format(min=limits.min_text))
    return text


def _person(form: Mapping[str, str]) -> tuple[str | None, str]:
    """(name, phone): both optional; a phone only with consent recorded."""
    name = " ".join(form.get("name", "").split()) or None
    if name is not None and len(name) > service().limits.max_name:
        raise TextProblem(I["name_long"].format(max=service().limits.max_name))
    if name is not None and CONTROL.search(name):
        raise TextProblem(I["name_control"])
    raw = form.get("phone", "").strip()
    if not raw:
        return name, ""
    phone = normalise_phone(raw) if len(raw) <= 32 else None
    if phone is None:
        raise TextProblem(I["bad_phone"])
    if form.get("consent") != "1":
        raise TextProblem(I["no_consent"])
    return name, phone


def _notify(form: Mapping[str, str], phone: str | None) -> bool:
    """The citizen asked to be told of progress by SMS (offered only with an SMS sender): a mobile number needed."""
    if form.get("notify") != "1" or not service().limits.sms:
        return False
    if phone is not None and not MOBILE_RE.match(phone):
        raise TextProblem(I["notify_mobile"])
    return True


def checked(form: Mapping[str, str], today: date) -> tuple[NewCase | None, list[str]]:
    """The new case from the posted form, or every problem in Chinese (then nothing may be written)."""
    errors: list[str] = []
    values: dict[str, object] = {}

    def run(key: str, check: Callable[[], object]) -> None:
        try:
            values[key] = check()
        except TextProblem as exc:
            errors.append(str(exc))

    run("channel", lambda: _choice(form.get("channel", ""), OFFLINE, I["bad_channel"]))
    run("station", lambda: _station(form))
    run("deputy", lambda: _deputy(form, values.get("station")))  # type: ignore[arg-type]
    run("said_on", lambda: _said_on(form, today))
    categories = service().targets.categories()
    bad_category = I["bad_category"].format(categories="、".join(categories))
    run("category", lambda: _choice(form.get("category", ""), categories, bad_category))
    run("text", lambda: _text(form))
    run("person", lambda: _person(form))
    person = values.get("person")
    run("notify", lambda: _notify(form, person[1] if isinstance(person, tuple) else None))  # type: ignore[index]
    if errors:
        return None, errors
    name, phone = values["person"]  # type: ignore[misc]
    deputy = values["deputy"]
    extra = {"channel": values["channel"], "said_on": values["said_on"]} | ({"consent": True} if phone else {})
    extra |= {"notify": True} if values["notify"] else {}
    return NewCase(
        target=f"deputy:{deputy}" if deputy else f"station:{values['station']}",
        category=str(values["category"]),
        text=str(values["text"]),
        name=name,
        phone=phone,
        by=account().login,
        extra=extra,
    ), []


def _choice(value: str, choices: tuple[str, ...], problem: str) -> str:
    if value not in choices:
        raise TextProblem(problem)
    return value


def _form(
    status: int = 200,
    errors: list[str] | None = None,
    form: Mapping[str, str] | None = None,
    same_words: bool = False,
    overdue: dict[str, object] | None = None,
) -> Response:
    """The form; `same_words`: refused as a repeat, it offers to register the same words of another citizen;
    `overdue`: the warning of a date that makes the case overdue at once (`late`), with its tick; once the office
    asked for a station's deputies (`deputy_from`), it lists that station's to choose from."""
    values = {"said_on": cases.now().date().isoformat(), "channel": "reception"} | dict(form or {})
    labels = messages_console.CHANNEL_LABELS
    return page(
        "staff/intake.html",
        status,
        channels=[(key, labels[key]) for key in OFFLINE],
        stations=stations(),
        deputies=deputies(values.get("station") if values.get("deputy_from") else None),
        categories=service().targets.categories(),
        errors=errors or [],
        form=values,
        today=cases.now().date().isoformat(),
        earliest=(cases.now().date() - timedelta(days=SAID_ON_DAYS)).isoformat(),
        sms=service().limits.sms,
        same_words=same_words,
        late=overdue,
    )


form_page = _form  # the form with given values and errors (forms_api/console/drafts.py restores one with it)


@bp.get("/intake")
@require("intake")
def intake() -> Response:
    """The form: channel, station, the deputy who received it, date, category, text, name and phone."""
    return _form()


@bp.post("/intake")
@require("intake")
def intake_post() -> Response:
    """Register: a bad form says why and writes nothing; so does a 反映日期 that makes the case overdue at once, until
    staff tick that it is right; a repeat within the duplicate window writes nothing and says what matched (unless
    staff tick that another citizen said the same words); else ONE `submitted` event, and the receipt slip, shown
    this once."""
    if request.form.get("pick"):  # the office's 列出该站代表: the same form again, its deputies to choose from
        form = dict(request.form.items())
        try:
            form["station"] = _station(form)
        except TextProblem as exc:  # a station it may not register for (a forged form): say so, list nobody
            return _form(400, [str(exc)], form)
        return _form(200, None, form | {"deputy": "", "deputy_from": "1"})
    now = cases.now()
    case, errors = checked(request.form, now.date())
    overdue = late(request.form, now.date())  # said with the other problems, so one round corrects them all
    if case is None or overdue is not None and not overdue["confirmed"]:
        return _form(400, errors, request.form, overdue=overdue)
    svc = service()
    duplicates: list[cases.Submission] = []
    window = None if request.form.get("same_words") == "1" else svc.duplicate_window  # another citizen, same words
    stored = svc.store.append(new_case(case, cases.new_code(), now, window, duplicates))
    if duplicates:
        minutes = int(svc.duplicate_window.total_seconds() // 60)
        refusal = I["duplicate" if case.phone else "duplicate_no_phone"].format(minutes=minutes, ref=duplicates[0].ref)
        return _form(409, [refusal], request.form, same_words=True, overdue=overdue)
    event = stored[0]
    keep_shortly(SLIP_KEY, event["ref"], event["code"], SLIP_MINUTES)  # so the slip can be reloaded or printed again
    return redirect(url_for("staff.intake_slip", ref=event["ref"]), 303)  # a reload shows the slip, never re-posts


@bp.get("/intake/<ref>/slip")
@require("intake")
def intake_slip(ref: str) -> Response:
    """The receipt slip of an offline case (回执, 补打回执): with its tracking code for SLIP_MINUTES after it was
    registered in this session; later without it (it is never shown again), saying how to look the case up."""
    sub = find_case(ref)
    if sub.channel == ONLINE or not sub.history:
        abort(404)
    return slip(sub.history[0], kept_shortly(SLIP_KEY, ref), hand_on_by(sub))


def hand_on_by(sub: Submission) -> str | None:
    """What the slip's page tells staff of a case nobody handles yet whose 交办期限 is past or today: hand it on now."""
    today, cal = cases.now().date(), service().calendar
    deadline = sub.assign_by(*cal) if sub.awaits_assignment else None
    if deadline is None or deadline > today:
        return None
    return I["slip_late_today" if deadline == today else "slip_late"].format(ref=sub.ref, deadline=deadline.isoformat())


def track_url(code: str) -> str:
    """The site's /track/ page with the code in the fragment: a phone that scans it never sends the code anywhere."""
    root = service().site_url or request.url_root
    return f"{root.rstrip('/')}/track/#code={code}"


def slip(event: dict, code: str | None, late_notice: str | None = None) -> Response:
    """The receipt slip of an offline case from its `submitted` event; without the `code`, a QR of the /track/ page
    and the way to look the case up by its reference and phone, or (no phone given) no QR at all, since the page
    could open nothing, and the way to ask the station."""
    target = event["target"]
    phone = bool(event.get("phone"))  # else only the code opens it: the slip must not offer reference + phone
    track = (service().site_url or request.url_root).rstrip("/") + "/track/"
    url = track_url(code) if code else track if phone else None
    return page(
        "staff/slip.html",
        200,
        ref=event["ref"],
        code=code,
        minutes=SLIP_MINUTES,
        channel=messages_console.CHANNEL_LABELS[event["channel"]],
        target=service().targets.name(target) or target,
        target_where=namesake_detail(service().targets, target),  # which 李明远, in the words of the citizen's pages
        said_on=event["said_on"],
        registered=moment_text(cases.parse_at(event["at"])),
        qr=Markup(qr_svg(url, I["slip_qr_title"])) if url else None,  # noqa: S704 - our own SVG: numbers, a title
        track=track,
        phone=phone,
        notify=event.get("notify") is True,  # the SMS asked for at intake, confirmed on what the citizen takes home
        late=late_notice,  # on the screen only: to 交办 at once
    )

"""Cases as staff read them in a terminal (`list`, `show`) and in a spreadsheet's cells, all pure.

Everything a citizen typed is hostile until shown otherwise: `plain()` makes a text safe for a terminal: control
characters (ESC starts the ANSI sequences that recolour, retitle or rewrite a staff member's terminal), C1 controls
and bidirectional overrides become visible stand-ins.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime

from forms_api import messages, messages_console
from forms_api.cases import CITIZEN, ONLINE, TZ, Calendar, Submission, parse_at
from forms_api.cases.handover import HANDLER_KINDS
from forms_api.cases.queue import shown_deadline

_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _terminal_table() -> dict[int, str]:
    table = {code: chr(0x2400 + code) for code in range(0x20)}  # C0 -> control pictures: ESC -> ␛
    del table[ord("\n")]
    table[ord("\t")] = " "
    table[0x7F] = "\u2421"  # ␡
    table.update({code: "\ufffd" for code in range(0x80, 0xA0)})  # C1, e.g. U+009B, the one-character CSI
    table.update({ord(char): "\ufffd" for char in _BIDI_CONTROLS})  # no reordering of what follows on the line
    return table


_TERMINAL = _terminal_table()


def plain(value: object) -> str:
    """`value` as inert text for a terminal: only newline survives of the control characters; CR LF becomes LF."""
    text = "" if value is None else str(value)
    return text.replace("\r\n", "\n").translate(_TERMINAL)


def one_line(value: object, limit: int | None = None) -> str:
    """`plain(value)` on one line (line breaks become spaces), cut to `limit` characters with an ellipsis."""
    text = " ".join(plain(value).split("\n"))
    if limit is not None and len(text) > limit:
        return text[:limit] + "…"
    return text


def moment_text(moment: datetime | None) -> str:
    """A timestamp as staff read it: China Standard Time, YYYY-MM-DD HH:MM."""
    return moment.astimezone(TZ).strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def assignee_label(kind: str | None, name: str | None) -> str:
    """Who handles a case, e.g. "职能部门 县住建局"; "12345热线" alone for the hotline's own number."""
    if kind is None:
        return messages.STAFF_UNASSIGNED
    label = messages.ASSIGNEE_KIND_LABELS.get(kind, kind)
    if kind == "hotline" and name == messages.STAFF_HOTLINE_NUMBER:
        return label
    return f"{label} {name}"


# deputy id -> how to name them where another current deputy has the same name (console/people.deputies_told)
Namesakes = Mapping[str, str]


def _handler_name(kind: str | None, name: str | None, deputy: object, namesakes: Namesakes) -> str | None:
    """The name an assignment gives, or for a deputy (by id) with a namesake what tells them apart."""
    return namesakes.get(deputy, name) if kind == "deputy" and isinstance(deputy, str) else name


def assignee_text(sub: Submission, namesakes: Namesakes | None = None) -> str:
    """Who handles a case; a deputy with a namesake told apart (`namesakes`, by id)."""
    return assignee_label(
        sub.assignee_kind, _handler_name(sub.assignee_kind, sub.assignee, sub.assignee_deputy, namesakes or {})
    )


# The name of a deputy or station by target ("deputy:wang-xiulan"), "" when unknown: schema.Targets.name.
TargetNames = Callable[[str], str]


def no_names(target: str) -> str:
    return ""


def target_label(target: str, name: str, *, with_id: bool = False) -> str:
    """A case's target as the status page shows it, "王秀兰（代表）", with the id staff act on when `with_id`
    ("王秀兰（代表，deputy:wang-xiulan）"); the id alone when the site's data has no name for it."""
    name = name.strip()
    if not name:
        return target
    kind = messages.PAGE_TEXTS["deputy" if target.startswith("deputy:") else "station"]
    shape = messages.STAFF_TARGET_WITH_ID if with_id else messages.STAFF_TARGET
    return shape.format(name=name, kind=kind, target=target)


def submitted_text(sub: Submission) -> str:
    """When the citizen said it: the submission's time, or for a case registered offline the day they said it."""
    return sub.said_on.isoformat() if sub.said_on is not None else moment_text(sub.submitted_at)


def deadline_label(sub: Submission) -> str:
    """答复期限, or 交办期限 for a case nobody handles yet (its due day is the office's to hand it on by; the answer's
    deadline is set at 交办), as the citizen's tracking page names them."""
    return messages.STAFF_SHOW_LABELS["assign_by" if sub.awaits_assignment else "deadline"]


def deadline_text(sub: Submission, today: date, cal: Calendar) -> str:
    deadline = shown_deadline(sub, cal)
    if deadline is None:
        return messages.STAFF_NO_DEADLINE
    if sub.overdue(today, *cal):
        return f"{deadline.isoformat()} {messages.STAFF_OVERDUE.format(days=(today - deadline).days)}"
    return deadline.isoformat()


def labelled_deadline(sub: Submission, today: date, cal: Calendar) -> str:
    """`list`'s deadline named by its kind, "交办期限 2026-12-01 逾期 1 天" or "答复期限 2026-12-08", as the console's
    list names each row's: one column for both, whose header cannot say which; "-" for a case without one."""
    if shown_deadline(sub, cal) is None:
        return messages.STAFF_NO_DEADLINE
    return messages.STAFF_LIST_DEADLINE.format(label=deadline_label(sub), deadline=deadline_text(sub, today, cal))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def columns(rows: Iterable[list[str]]) -> list[str]:
    """Rows of cells as aligned lines (wide characters count twice); the last column is not padded."""
    rows = list(rows)
    widths = [max(_width(row[index]) for row in rows) for index in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell + " " * (widths[index] - _width(cell)) for index, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return lines


def _who(by: object) -> str:
    return messages.CITIZEN_LABEL if by == CITIZEN else one_line(by)


def history_entry(
    event: dict, sub: Submission | None = None, index: int = -1, namesakes: Namesakes | None = None
) -> tuple[str, str, str]:
    """One event of a case's history as (when, who, what happened), for `show` and the console's timeline; with
    the case and the event's index in its history, what a 不满意 did (reopened it, or put it under 督办); a deputy
    assigned by id who has a namesake told apart (`namesakes`)."""
    detail = ""
    kind = event["type"]
    label = messages.RESULT_LABEL if kind == "noted" and event.get("result") is True else None
    if kind == "submitted" and event.get("channel", ONLINE) != ONLINE:  # registered by staff, not sent by a citizen
        channel = messages_console.CHANNEL_LABELS.get(event["channel"], one_line(event["channel"]))
        label = messages_console.OFFLINE_SUBMITTED.format(channel=channel)
    elif kind == "assigned":
        handler = _handler_name(event["to_kind"], event["to"], event.get("deputy"), namesakes or {})
        assignee = one_line(assignee_label(event["to_kind"], handler))
        detail = messages.STAFF_HISTORY_ASSIGNED.format(assignee=assignee, deadline=one_line(event["deadline"]))
        detail += messages.STAFF_HISTORY_COMPLEX if event.get("complex") else ""
        label = messages.STAFF_HISTORY_HANDOVER if event.get("handover") else None
    elif kind in ("closed", "reopened") and event.get("reason"):
        detail = messages.STAFF_HISTORY_DETAIL.format(detail=one_line(event["reason"]))
        detail += messages.STAFF_HISTORY_FORCED if event.get("forced") else ""
        told = messages.CLOSED_TOLD.get(event.get("told") or "")
        detail += messages.STAFF_HISTORY_TOLD.format(told=told) if told else ""
    elif kind == "rated":
        detail = messages.STAFF_HISTORY_DETAIL.format(detail=one_line(event["rating"]))
        if sub is None:
            detail += messages.STAFF_HISTORY_REOPENS if event["rating"] == messages.RATING_REOPENS else ""
        elif index in sub.reopening_steps:
            detail += messages.STAFF_HISTORY_REOPENS
        elif index == sub.supervised_step:
            detail += messages.STAFF_HISTORY_SUPERVISED
    elif kind == "followed_up":
        detail = messages.STAFF_HISTORY_DETAIL.format(detail=one_line(event["satisfaction"]))
        detail += f"（{one_line(event['note'])}）" if event.get("note") else ""
    elif kind == "returned":
        detail = messages.STAFF_HISTORY_DETAIL.format(detail=one_line(event["note"]))
    elif kind in ("return_asked", "return_declined"):  # 申请退回 and its decline, with the reason
        detail = messages.STAFF_HISTORY_DETAIL.format(detail=one_line(event["reason"]))
    elif kind == "replied" and event.get("approved"):
        detail = messages.STAFF_HISTORY_APPROVED.format(by=_who(event.get("drafted_by")))
    elif kind == "noted" and event.get("result") is True and event.get("ticket"):
        detail = messages_console.HANDOVER_HISTORY_TICKET.format(ticket=one_line(event["ticket"]))
    what = f"{label or messages.EVENT_LABELS.get(kind, one_line(kind))}{detail}"
    return moment_text(parse_at(event["at"])), _who(event.get("by")), what


def _history_line(sub: Submission, index: int, event: dict, namesakes: Namesakes | None = None) -> str:
    at, who, what = history_entry(event, sub, index, namesakes)
    return f"  {at}  {who}  {what}"


def holders(sub: Submission) -> list[tuple[str, str] | None]:
    """Who held the case when each event of its history was appended: the last assignment's (kind, name)."""
    holder: tuple[str, str] | None = None
    held = []
    for event in sub.history:
        if event["type"] == "assigned":
            holder = (event["to_kind"], event["to"])
        held.append(holder)
    return held


def is_result(event: dict) -> bool:
    """A handler's result (办理结果): a note marked as one, kept apart from the internal notes."""
    return event["type"] == "noted" and event.get("result") is True


def result_source(
    event: dict, holder: tuple[str, str] | None, *, label: Callable[[str], str], by_handler: bool
) -> tuple[str, str]:
    """(whose result, who put it in) of a handler's result (办理结果): the department or hotline the imported row names,
    else the one that held the case then, as "县住建局（承办单位）", and "由 demo（代表工作机构）导入" (or 录入), each
    login as `label` words it; a result its handler's own account recorded (`by_handler`), or one whose handler is not
    known, is the recorder's, with no second part. The event stays as it is: this is how it reads."""
    texts = messages_console.HANDOVER_TEXTS
    by = event.get("by") or ""
    imported = bool(event.get("import_key"))
    handler = str(event.get("handler") or "")
    if not handler and holder is not None and holder[0] in HANDLER_KINDS:
        handler = holder[1]
    if not handler or (not imported and by_handler):
        return label(by), ""
    if handler == messages.STAFF_HOTLINE_NUMBER:
        handler = messages.ASSIGNEE_KIND_LABELS["hotline"]
    how = texts["result_imported" if imported else "result_recorded"].format(by=label(by))
    return texts["result_from"].format(handler=handler), how


def result_lines(sub: Submission, handlers: frozenset[str] = frozenset()) -> list[str]:
    """`show`'s 办理结果 (`handlers`: the logins of handlers' own accounts): when, whose, who put it in, the text, its
    ticket and date, as the console's case page lists them."""
    texts = messages_console.HANDOVER_TEXTS
    lines = []
    for event, holder in zip(sub.history, holders(sub), strict=True):
        if not is_result(event):
            continue
        whose, how = result_source(event, holder, label=_who, by_handler=event.get("by") in handlers)
        whose = one_line(whose) + (f"（{one_line(how)}）" if how else "")
        details = [texts["result_ticket"].format(ticket=one_line(event["ticket"]))] if event.get("ticket") else []
        details += [texts["result_day"].format(day=one_line(event["result_date"]))] if event.get("result_date") else []
        tail = f"（{texts['result_details'].join(details)}）" if details else ""
        lines.append(f"{moment_text(parse_at(event['at']))}  {whose}  {one_line(event['note'])}{tail}")
    return lines


def channel_text(sub: Submission) -> str:
    """How and when a case came in: "网上留言", or for one registered offline the day it was said and when it was
    registered, "线下登记：接待日，2026-12-01 收到；2026-12-03 10:20 登记" (its 提交时间 would name neither)."""
    if sub.channel == ONLINE:
        return sub.channel_label
    said_on = sub.said_on.isoformat() if sub.said_on is not None else ""
    registered = moment_text(sub.submitted_at)
    return messages_console.OFFLINE_RECEIVED.format(channel=sub.channel_label, said_on=said_on, registered=registered)


def show_lines(
    sub: Submission,
    *,
    personal: bool,
    sms: bool,
    today: date,
    cal: Calendar,
    names: TargetNames = no_names,
    handlers: frozenset[str] = frozenset(),
    namesakes: Namesakes | None = None,
) -> list[str]:
    """Everything about one case, for `show` (`sms`: whether the citizen asked for SMS notifications; `handlers`: the
    logins of handlers' own accounts; `namesakes`: deputies told apart, by id); every value from the log made inert
    with `plain`."""

    def field(key: str, value: object) -> str:
        return messages.STAFF_FIELD.format(label=messages.STAFF_SHOW_LABELS[key], value=one_line(value))

    def block(key: str, text: str | None) -> list[str]:
        if not text:
            return [messages.STAFF_FIELD.format(label=messages.STAFF_SHOW_LABELS[key], value=messages.STAFF_NONE)]
        return [messages.STAFF_FIELD.format(label=messages.STAFF_SHOW_LABELS[key], value="")] + [
            f"  {line}" for line in plain(text).split("\n")
        ]

    def yes_no(value: bool) -> str:
        return messages.STAFF_YES if value else messages.STAFF_NO

    lines = [
        messages.STAFF_SHOW_TITLE.format(ref=sub.ref),
        field("status", sub.status_label + (f"（{messages.STAFF_SHOW_SUPERVISED}）" if sub.supervised else "")),
        field("target", target_label(sub.target, names(sub.target), with_id=True)),
        field("category", sub.category),
        *([field("submitted", submitted_text(sub))] if sub.channel == ONLINE else []),  # offline: in the channel line
        messages.STAFF_FIELD.format(label=messages_console.CHANNEL_LABEL, value=one_line(channel_text(sub))),
        field("name", (sub.name or messages.STAFF_NOT_GIVEN) if personal else messages.STAFF_HIDDEN),
        field("phone", (sub.phone or messages.STAFF_NOT_GIVEN) if personal else messages.STAFF_HIDDEN),
        field("sms", yes_no(sms)),
        field("anonymous", yes_no(sub.anonymous)),
        field("complex", yes_no(sub.complex)),
        field("assignee", assignee_text(sub, namesakes)),
        messages.STAFF_FIELD.format(label=deadline_label(sub), value=deadline_text(sub, today, cal)),
        *block("text", sub.text),
        *block("answer", sub.answer),
    ]
    if sub.draft is not None:
        label = messages.STAFF_SHOW_DRAFT.format(by=_who(sub.draft["by"]), at=moment_text(parse_at(sub.draft["at"])))
        lines += [messages.STAFF_FIELD.format(label=label, value="")]
        lines += [f"  {line}" for line in plain(sub.draft["answer"]).split("\n")]
    if sub.replied_at is not None:
        lines.append(field("replied", moment_text(sub.replied_at)))
    if sub.closed_at is not None:
        lines.append(field("closed", moment_text(sub.closed_at)))
        if sub.close_reason:
            lines.append(field("close_reason", sub.close_reason))
    if sub.reopened_at is not None:
        lines.append(field("reopened", moment_text(sub.reopened_at)))
    lines.append(field("rating", sub.rating or messages.STAFF_NONE))
    if sub.rating_comment:
        lines.append(field("rating_comment", sub.rating_comment))
    results = result_lines(sub, handlers)
    lines += block("results", "\n".join(results)) if results else []  # a department's or the hotline's, when any
    notes = "\n".join(
        f"{moment_text(parse_at(note['at']))}  {_who(note.get('by'))}  {one_line(note['note'])}"
        for note in sub.notes
        if not note.get("result")  # the handlers' results are listed above
    )
    lines += block("notes", notes)
    lines.append(messages.STAFF_FIELD.format(label=messages.STAFF_SHOW_LABELS["history"], value=""))
    lines += [_history_line(sub, index, event, namesakes) for index, event in enumerate(sub.history)]
    return lines


def list_lines(
    cases: list[Submission],
    today: date,
    cal: Calendar,
    excerpt: int = 30,
    names: TargetNames = no_names,
    namesakes: Namesakes | None = None,
) -> list[str]:
    """`list`: a header and one aligned line per case (no name or phone), then the count line; each deadline named by
    its kind (`labelled_deadline`); a deputy handling a case told apart from a namesake (`namesakes`, by id)."""
    lines = []
    if cases:
        header = list(messages.STAFF_LIST_HEADER)
        rows = [[*header[:3], messages_console.CHANNEL_LABEL, *header[3:]]]
        for sub in cases:
            rows.append(
                [
                    sub.ref,
                    sub.status_label + (f"（{messages.STAFF_SHOW_SUPERVISED}）" if sub.supervised else ""),
                    one_line(sub.category),
                    sub.channel_label,
                    one_line(target_label(sub.target, names(sub.target))),
                    labelled_deadline(sub, today, cal),
                    one_line(assignee_text(sub, namesakes)),
                    one_line(sub.text, excerpt),
                ]
            )
        lines = columns(rows)
    overdue = sum(sub.overdue(today, *cal) for sub in cases)
    return [*lines, messages.STAFF_LIST_COUNT.format(count=len(cases), overdue=overdue)]

"""The closed loop's pure core: the fold of events, transitions, deadlines, duplicates, the public view."""

from __future__ import annotations

import importlib
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from forms_api import messages
from forms_api.cases import (
    COMPLEX_DAYS,
    FIRST_ANSWER_DAYS,
    MAX_REOPENS,
    STATUSES,
    TZ,
    State,
    Submission,
    WorkflowError,
    add_working_days,
    check,
    deadline_for,
    first_answer,
    is_working_day,
    make_event,
    new_code,
    normalise_text,
)
from forms_api.cases.actions import LATEST_DEADLINE_DAYS, deadline_problem

MONDAY = datetime(2026, 11, 23, 9, 30, tzinfo=TZ)
NAME, PHONE, TEXT = "王小明", "13912345678", "小区门口路灯坏了三个月，晚上出行很不安全。"
COMMENT, NOTE = "希望尽快修好路灯", "已电话联系住建局李科长"
ANSWER = "路灯已于本周修复，感谢您的反映。"


def at(days: float = 0) -> str:
    return (MONDAY + timedelta(days=days)).isoformat()


def submitted(ref: str = "2026-000001", when: float = 0, **fields) -> dict:
    values = {
        "code": f"code-{ref}-0123456789abcdefghij",
        "target": "deputy:zhang-san",
        "category": "求助",
        "text": TEXT,
        "name": NAME,
        "phone": PHONE,
        "anonymous": False,
    } | fields
    return make_event("submitted", ref, "citizen", at(when), **values)


def assigned(ref: str = "2026-000001", when: float = 1, **fields) -> dict:
    values = {"to_kind": "department", "to": "县住建局", "deadline": "2026-12-04"} | fields
    return make_event("assigned", ref, "张办事员", at(when), **values)


def replied(ref: str = "2026-000001", when: float = 2) -> dict:
    return make_event("replied", ref, "张办事员", at(when), answer=ANSWER)


def closed(ref: str = "2026-000001", when: float = 3) -> dict:
    return make_event("closed", ref, "张办事员", at(when), reason="已答复")


def reopened(ref: str = "2026-000001", when: float = 4) -> dict:
    return make_event("reopened", ref, "张办事员", at(when), reason="群众来电反映仍未修好")


def rated(ref: str = "2026-000001", when: float = 3, rating: str = "满意") -> dict:
    return make_event("rated", ref, "citizen", at(when), rating=rating, comment=COMMENT)


def noted(ref: str = "2026-000001", when: float = 1) -> dict:
    return make_event("noted", ref, "张办事员", at(when), note=NOTE)


def fold(*events: dict) -> State:
    state = State()
    for event in events:
        assert state.apply(event), event
    return state


def only(state: State) -> Submission:
    (sub,) = state.submissions.values()
    return sub


# --- the fold ---------------------------------------------------------------------------------------------------------


def test_fold_submitted():
    sub = only(fold(submitted()))
    assert (sub.ref, sub.target, sub.category, sub.text, sub.name, sub.phone) == (
        "2026-000001",
        "deputy:zhang-san",
        "求助",
        TEXT,
        NAME,
        PHONE,
    )
    assert sub.submitted_at == MONDAY and sub.status == "submitted" and sub.status_label == "待受理"
    assert sub.open and not sub.anonymous and not sub.complex and sub.assignee is None and sub.answer is None
    assert [event["type"] for event in sub.history] == ["submitted"]


def test_fold_assigned():
    sub = only(fold(submitted(), assigned(complex=True)))
    assert (sub.status, sub.status_label, sub.assignee_kind, sub.assignee) == (
        "assigned",
        "办理中",
        "department",
        "县住建局",
    )
    assert sub.deadline == date(2026, 12, 4) and sub.complex


def test_fold_replied_closed():
    state = fold(submitted(), assigned(), replied())
    sub = only(state)
    assert (sub.status, sub.status_label) == ("replied", "已答复")
    assert sub.answer == "路灯已于本周修复，感谢您的反映。" and sub.replied_at == MONDAY + timedelta(days=2)
    state.apply(closed())
    assert (sub.status, sub.status_label, sub.open) == ("closed", "已办结", False)
    assert sub.closed_at == MONDAY + timedelta(days=3) and sub.close_reason == "已答复"


def test_fold_reopened_clears_deadline_and_close():
    sub = only(fold(submitted(), assigned(), replied(), closed(), reopened()))
    assert (sub.status, sub.status_label, sub.open) == ("reopened", "重新办理", True)
    assert sub.reopened_at == MONDAY + timedelta(days=4)
    assert sub.deadline is None and sub.closed_at is None and sub.close_reason is None
    assert sub.answer is not None  # the previous answer stays visible while the case is handled again


def test_fold_noted():
    sub = only(fold(submitted(), noted(), noted(when=2)))
    assert sub.status == "submitted"
    assert sub.notes == [{"at": at(1), "by": "张办事员", "note": NOTE}, {"at": at(2), "by": "张办事员", "note": NOTE}]


@pytest.mark.parametrize("rating", ["满意", "基本满意"])
def test_fold_rated_keeps_status(rating):
    sub = only(fold(submitted(), replied(), rated(rating=rating)))
    assert (sub.status, sub.rating, sub.rating_comment) == ("replied", rating, COMMENT)
    assert sub.rated_at == MONDAY + timedelta(days=3)


def test_fold_unsatisfied_rating_reopens():
    """不满意 reopens in the fold itself: one `rated` event, no separate `reopened` event."""
    sub = only(fold(submitted(), assigned(), replied(), closed(), rated(when=5, rating="不满意")))
    assert (sub.status, sub.rating, sub.open) == ("reopened", "不满意", True)
    assert sub.reopened_at == MONDAY + timedelta(days=5) and sub.closed_at is None and sub.deadline is None
    # a new answer can be rated again
    state = fold(submitted(), replied(), rated(rating="不满意"), replied(when=6), rated(when=7))
    assert (only(state).status, only(state).rating) == ("replied", "满意")


def test_history_keeps_every_event_in_order():
    events = [submitted(), noted(), assigned(), replied(), rated(), closed(when=4)]
    assert only(fold(*events)).history == events


@pytest.mark.parametrize(
    "event",
    [
        {"type": "escalated", "ref": "2026-000001", "at": at(1), "by": "x"},  # unknown type
        {"ref": "2026-000001", "at": at(1)},  # no type
        {
            "type": "assigned",
            "ref": "2026-000099",
            "at": at(1),
            "by": "x",
            "to_kind": "deputy",
            "to": "a",
            "deadline": None,
        },
        {"type": "assigned", "ref": "2026-000001", "at": "yesterday", "by": "x", "to_kind": "deputy", "to": "a"},
        {
            "type": "assigned",
            "ref": "2026-000001",
            "at": at(1),
            "by": "x",
            "to_kind": "deputy",
            "to": "a",
            "deadline": "5.12",
        },
        {"type": "replied", "ref": "2026-000001", "at": at(1), "by": "x"},  # no answer
        {"type": "replied", "ref": ["2026-000001"], "at": at(1), "by": "x", "answer": "a"},
        {
            "type": "submitted",
            "ref": "26-1",
            "at": at(1),
            "code": "c" * 32,
            "target": "t",
            "category": "c",
            "text": "t",
        },
        {
            "type": "submitted",
            "ref": "2026-000001",
            "at": at(1),
            "code": "other-code",
            "target": "t",
            "category": "c",
            "text": "t",
        },
        {"type": "submitted", "ref": "2026-000002", "at": at(1), "code": "code-2026-000001-0123456789abcdefghij"},
    ],
)
def test_fold_ignores_bad_events_without_partial_changes(event):
    state = fold(submitted())
    before = repr(only(state)), list(only(state).history)
    assert state.apply(event) is False
    assert state.ignored_events == 1 and state.events == 1
    assert (repr(only(state)), only(state).history) == before


def test_fold_reads_timestamps_without_offset_as_china_time():
    event = submitted() | {"at": "2026-11-23T09:30:00"}
    assert only(fold(event)).submitted_at == MONDAY


# --- transitions ------------------------------------------------------------------------------------------------------

PATHS = {
    "submitted": [submitted()],
    "assigned": [submitted(), assigned()],
    "replied": [submitted(), assigned(), replied()],
    "closed": [submitted(), assigned(), replied(), closed()],
    "closed_unanswered": [submitted(), closed()],
    "reopened": [submitted(), assigned(), replied(), closed(), reopened()],
    "rated": [submitted(), assigned(), replied(), rated()],
    "rated_unsatisfied": [submitted(), assigned(), replied(), rated(rating="不满意")],
    "rated_closed": [submitted(), assigned(), replied(), closed(), rated(when=4)],
}
REFUSED = {
    ("replied", "assigned"): "该留言已答复，不能再交办；如需交给其他承办者继续办理，请转办，或先重新办理。",
    ("rated", "assigned"): "该留言已答复，不能再交办；如需交给其他承办者继续办理，请转办，或先重新办理。",
    ("submitted", "replied"): "该留言尚未交办，不能答复；请先交办（代表工作机构也可交办给自己），再答复。",
    ("closed_unanswered", "reopened"): None,
    ("closed", "assigned"): "该留言已办结，不能交办；如需继续办理，请先重新办理。",
    ("closed_unanswered", "assigned"): "该留言已办结，不能交办；如需继续办理，请先重新办理。",
    ("rated_closed", "assigned"): "该留言已办结，不能交办；如需继续办理，请先重新办理。",
    ("replied", "replied"): "该留言已答复；如需修改答复，请先重新办理。",
    ("rated", "replied"): "该留言已答复；如需修改答复，请先重新办理。",
    ("closed", "replied"): "该留言已办结，不能再答复；如需继续办理，请先重新办理。",
    ("closed_unanswered", "replied"): "该留言已办结，不能再答复；如需继续办理，请先重新办理。",
    ("rated_closed", "replied"): "该留言已办结，不能再答复；如需继续办理，请先重新办理。",
    ("closed", "closed"): "该留言已办结。",
    ("closed_unanswered", "closed"): "该留言已办结。",
    ("rated_closed", "closed"): "该留言已办结。",
    ("submitted", "reopened"): "该留言仍在办理中，无需重新办理。",
    ("assigned", "reopened"): "该留言仍在办理中，无需重新办理。",
    ("reopened", "reopened"): "该留言仍在办理中，无需重新办理。",
    ("rated_unsatisfied", "reopened"): "该留言仍在办理中，无需重新办理。",
    ("submitted", "rated"): "该留言尚未答复，暂不能评价。",
    ("assigned", "rated"): "该留言尚未答复，暂不能评价。",
    ("closed_unanswered", "rated"): "该留言尚未答复，暂不能评价。",
    ("reopened", "rated"): "该留言正在重新办理，请在收到新的答复后再评价。",
    ("rated_unsatisfied", "rated"): "该留言正在重新办理，请在收到新的答复后再评价。",
    ("rated", "rated"): "该答复已评价过，不能重复评价。",
    ("rated_closed", "rated"): "该答复已评价过，不能重复评价。",
}
ACTIONS = {"assigned": assigned, "replied": replied, "closed": closed, "reopened": reopened, "rated": rated}
ACTIONS["noted"] = noted


@pytest.mark.parametrize(
    ("path", "event_type", "message"),
    [(path, action, REFUSED.get((path, action))) for path in PATHS for action in ACTIONS],
)
def test_transitions(path, event_type, message):
    """Each action in each state, the event itself checked too (20 days on: past the rating window). A replied
    case is refused a plain assignment by what the event says (a hand-over, 转办, is not refused)."""
    sub = only(fold(*PATHS[path]))
    event = ACTIONS[event_type](when=20)
    if message is None:
        check(sub, event_type, event)
    else:
        with pytest.raises(WorkflowError) as error:
            check(sub, event_type)
            check(sub, event_type, event)
        assert str(error.value) == message
        assert messages.WORKFLOW_ERRORS[error.value.code] == message


@pytest.mark.parametrize(
    ("sub", "event_type", "message"),
    [
        (None, "replied", "找不到该留言，请核对编号。"),
        (None, "noted", "找不到该留言，请核对编号。"),
        ("existing", "submitted", "留言编号 2026-000001 已存在。"),
        ("existing", "escalated", "未知的操作：escalated。"),
    ],
)
def test_check_missing_existing_unknown(sub, event_type, message):
    sub = only(fold(submitted())) if sub == "existing" else None
    with pytest.raises(WorkflowError, match=f"^{message}$"):
        check(sub, event_type)


def test_check_new_submission():
    """A reference nobody holds yet may be submitted (the check passes quietly); one already taken is refused."""
    assert check(None, "submitted") is None
    state = State()
    assert state.apply(submitted())
    with pytest.raises(WorkflowError) as refused:
        check(state.submissions["2026-000001"], "submitted")
    assert refused.value.code == "exists"


# --- deadlines --------------------------------------------------------------------------------------------------------

# 2025 National Day and Mid-Autumn: 1-8 October off; Sunday 28 September and Saturday 11 October are working days.
NATIONAL_DAY = frozenset(date(2025, 10, day) for day in range(1, 9))
SHIFTED_WORKDAYS = frozenset({date(2025, 9, 28), date(2025, 10, 11)})


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 11, 23), 0, date(2026, 11, 23)),  # Monday + 0
        (date(2026, 11, 23), 1, date(2026, 11, 24)),
        (date(2026, 11, 23), 5, date(2026, 11, 30)),  # Monday + 5 = next Monday
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday + 1 = Monday
        (date(2026, 11, 27), 5, date(2026, 12, 4)),  # Friday + 5 = next Friday
        (date(2026, 11, 28), 1, date(2026, 11, 30)),  # Saturday + 1 = Monday
        (date(2026, 11, 29), 10, date(2026, 12, 11)),  # Sunday + 10
        (date(2026, 12, 30), 5, date(2027, 1, 6)),  # across the year
    ],
)
def test_add_working_days_weekends(start, days, expected):
    assert add_working_days(start, days) == expected


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2025, 9, 26), 1, date(2025, 9, 28)),  # Friday + 1 = the shifted Sunday
        (date(2025, 9, 30), 1, date(2025, 10, 9)),  # over the whole holiday
        (date(2025, 9, 30), 3, date(2025, 10, 11)),  # Thursday, Friday, the shifted Saturday
        (date(2025, 9, 30), 5, date(2025, 10, 14)),
        (date(2025, 9, 25), 10, date(2025, 10, 15)),  # 26, 28, 29, 30 September; 9, 10, 11, 13, 14, 15 October
    ],
)
def test_add_working_days_holidays_and_shifted_workdays(start, days, expected):
    assert add_working_days(start, days, NATIONAL_DAY, SHIFTED_WORKDAYS) == expected


def test_working_days_table():
    assert is_working_day(date(2025, 9, 28), NATIONAL_DAY, SHIFTED_WORKDAYS)  # Sunday, shifted
    assert not is_working_day(date(2025, 10, 6), NATIONAL_DAY, SHIFTED_WORKDAYS)  # Monday, holiday
    assert not is_working_day(date(2025, 10, 12), NATIONAL_DAY, SHIFTED_WORKDAYS)  # Sunday
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 1), -1)


def test_a_typed_deadline_is_from_today_to_sixty_days_on():
    today = date(2026, 11, 30)
    assert deadline_problem(today, today) is None
    assert deadline_problem(today + timedelta(days=LATEST_DEADLINE_DAYS), today) is None
    assert "早于今天" in (deadline_problem(today - timedelta(days=1), today) or "")
    assert "晚于 60 天后（2027-01-29）" in (deadline_problem(date(2027, 1, 30), today) or "")


def test_default_deadlines():
    assert (FIRST_ANSWER_DAYS, COMPLEX_DAYS) == (5, 10)
    assert deadline_for(date(2026, 11, 23)) == date(2026, 11, 30)
    assert deadline_for(date(2026, 11, 23), complex=True) == date(2026, 12, 7)
    assert deadline_for(date(2025, 9, 30), holidays=NATIONAL_DAY, workdays=SHIFTED_WORKDAYS) == date(2025, 10, 14)


def test_overdue_unassigned_counts_from_first_answer_deadline():
    sub = only(fold(submitted()))  # Monday 23 November: due Monday 30 November
    assert sub.due() == date(2026, 11, 30)
    assert not sub.overdue(date(2026, 11, 30))
    assert sub.overdue(date(2026, 12, 1))
    holiday = frozenset({date(2026, 11, 24)})
    assert not sub.overdue(date(2026, 12, 1), holidays=holiday)


def test_overdue_assigned_uses_its_deadline():
    state = fold(submitted(), assigned(deadline="2026-12-10"))
    assert not only(state).overdue(date(2026, 12, 10))
    assert only(state).overdue(date(2026, 12, 11))


def test_overdue_complex_unassigned():
    sub = only(fold(submitted(complex=True)))
    assert sub.due() == date(2026, 12, 7)


@pytest.mark.parametrize("path", ["replied", "closed", "closed_unanswered", "rated"])
def test_not_overdue_when_no_answer_is_awaited(path):
    sub = only(fold(*PATHS[path]))
    assert sub.due() is None and not sub.overdue(date(2030, 1, 1))


def test_reopened_clock_restarts():
    sub = only(fold(submitted(), assigned(), replied(), closed(), reopened(when=14)))  # reopened Monday 7 December
    assert sub.due() == date(2026, 12, 14)
    assert not sub.overdue(date(2026, 12, 14)) and sub.overdue(date(2026, 12, 15))


# --- duplicates, references, codes ------------------------------------------------------------------------------------


def test_find_duplicate_window_and_normalisation():
    state = fold(submitted(), submitted("2026-000002", when=0.01, text="另一件事情"))
    window = timedelta(minutes=10)
    near = MONDAY + timedelta(minutes=9, seconds=59)
    variant = "  小区门口路灯坏了三个月,\n晚上出行很不安全。 "  # half-width comma, spaces, a line break
    assert state.find_duplicate("deputy:zhang-san", TEXT, near, window).ref == "2026-000001"
    assert state.find_duplicate("deputy:zhang-san", variant, near, window).ref == "2026-000001"
    assert state.find_duplicate("deputy:zhang-san", TEXT, MONDAY + timedelta(minutes=10), window).ref == "2026-000001"
    assert state.find_duplicate("deputy:zhang-san", TEXT, MONDAY + timedelta(minutes=10, seconds=1), window) is None
    assert state.find_duplicate("deputy:li-si", TEXT, near, window) is None
    assert state.find_duplicate("deputy:zhang-san", TEXT + "！", near, window) is None
    assert state.find_duplicate("deputy:zhang-san", TEXT, near, window, phone=PHONE).ref == "2026-000001"
    assert state.find_duplicate("deputy:zhang-san", TEXT, near, window, phone="13000000000") is None


def test_texts_are_normalised_only_when_a_duplicate_is_looked_for(monkeypatch):
    """NFKC of a text is most of what folding a submission costs: a process that never looks for a duplicate (the
    notification worker, the staff tools) folds without it; the first look-up keys every text folded before it."""
    folding = importlib.import_module("forms_api.cases.fold")  # the module: forms_api.cases.fold is the function

    normalised: list[str] = []
    real = folding.normalise_text
    monkeypatch.setattr(folding, "normalise_text", lambda text: normalised.append(text) or real(text))
    folding._text_key.cache_clear()
    state = fold(submitted(), submitted("2026-000002", when=0.01, text="另一件事情"))
    assert normalised == []
    near = MONDAY + timedelta(minutes=5)
    assert state.find_duplicate("deputy:zhang-san", TEXT, near, timedelta(minutes=10)).ref == "2026-000001"
    assert sorted(normalised) == sorted([TEXT, "另一件事情"])  # the two folded (TEXT looked up from the cache)
    state.apply(submitted("2026-000003", when=0.02, text="第三件事情"))
    assert state.find_duplicate("deputy:zhang-san", "第三件事情", near, timedelta(minutes=10)) is not None
    # after a restart, the first look-up normalises only the texts recent enough to match (not the whole log's)
    normalised.clear()
    folding._text_key.cache_clear()
    state = fold(submitted(), submitted("2026-000002", when=1, text="昨天的事情"), submitted("2026-000003", when=2))
    later = MONDAY + timedelta(days=2, minutes=5)
    assert state.find_duplicate("deputy:zhang-san", TEXT, later, timedelta(minutes=10)).ref == "2026-000003"
    assert normalised == [TEXT]
    folding._text_key.cache_clear()


def test_find_duplicate_returns_the_latest():
    state = fold(submitted(), submitted("2026-000002", when=0.002, code="x" * 32))
    assert state.find_duplicate("deputy:zhang-san", TEXT, MONDAY + timedelta(minutes=5), timedelta(hours=1)).ref == (
        "2026-000002"
    )


def test_normalise_text():
    assert normalise_text(" Ｈｅｌｌｏ\u3000 World\n\t！ ") == "helloworld!"


def test_next_ref_per_year():
    state = State()
    assert state.next_ref(2026) == "2026-000001"
    state = fold(submitted("2026-000001"), submitted("2026-000002", code="b" * 32))
    assert state.next_ref(2026) == "2026-000003"
    assert state.next_ref(2027) == "2027-000001"
    state.apply(submitted("2027-000001", code="c" * 32) | {"at": "2027-01-01T00:00:01+08:00"})
    assert (state.next_ref(2026), state.next_ref(2027)) == ("2026-000003", "2027-000002")
    state.apply(submitted("2026-000010", code="d" * 32))
    assert state.next_ref(2026) == "2026-000011"


def test_by_code():
    code = new_code()
    assert len(code.replace("-", "")) * 5 >= 100  # Crockford base32: 5 bits a symbol
    state = fold(submitted(code=code))
    assert state.by_code(code).ref == "2026-000001"
    assert state.by_code(code[:-1]) is None
    assert state.by_code(code + "x") is None
    assert state.by_code("") is None
    assert state.by_code(None) is None
    assert state.by_code("\ud800") is None


# --- the public view --------------------------------------------------------------------------------------------------


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in [key, *_strings(item)]]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize("path", list(PATHS))
def test_public_view_holds_no_personal_data(path):
    events = [*PATHS[path], noted(when=9)]
    sub = only(fold(*events))
    view = sub.public_view()
    assert not {"name", "phone", "text", "code", "notes", "history", "rating_comment", "comment"} & set(view)
    secrets = [NAME, PHONE, TEXT, COMMENT, NOTE, "张办事员", sub.code, "群众来电反映仍未修好"]
    for text in _strings(view):
        for secret in secrets:
            assert secret not in text, (secret, text)
    assert view["status"] == sub.status and view["status_label"] == messages.STATUS_LABELS[sub.status]
    assert view["reference"] == "2026-000001"


def test_public_view_content():
    view = only(fold(submitted(), assigned(), replied())).public_view()
    assert view == {
        "reference": "2026-000001",
        "status": "replied",
        "status_label": "已答复",
        "category": "求助",
        "target": "deputy:zhang-san",
        "submitted_at": "2026-11-23T09:30:00+08:00",
        "channel": "online",
        "channel_label": "网上留言",
        "registered_at": None,
        "handled_by": {"kind": "department", "kind_label": "职能部门", "name": "县住建局"},
        "deadline": "2026-12-04",
        "deadline_kind": "answer",
        "assign_by": "2026-11-30",
        "assigned_at": "2026-11-24T09:30:00+08:00",
        "answer": "路灯已于本周修复，感谢您的反映。",
        "replied_at": "2026-11-25T09:30:00+08:00",
        "closed_at": None,
        "closed_note": None,
        "rating": None,
        "rated_at": None,
        "can_rate": True,
        "supervised": False,
        "supervised_at": None,
        "unsatisfied_reopens": True,
        "timeline": [
            {"at": "2026-11-23T09:30:00+08:00", "type": "submitted", "label": "提交留言"},
            {"at": "2026-11-24T09:30:00+08:00", "type": "assigned", "label": "交办", "deadline": "2026-12-04"},
            {"at": "2026-11-25T09:30:00+08:00", "type": "replied", "label": "答复", "answer": ANSWER},
        ],
    }


@pytest.mark.parametrize(
    ("events", "deadline"),
    [
        ([submitted()], "2026-11-30"),  # not assigned yet: 5 working days after the submission
        ([submitted(complex=True)], "2026-12-07"),
        ([submitted(), assigned(), replied(), closed(), reopened(when=14)], "2026-12-14"),  # from the reopening
        ([submitted(), assigned()], "2026-12-04"),  # the assigned deadline
        ([submitted(), assigned(), replied(), closed()], "2026-12-04"),  # the one it had
        ([submitted(), make_event("closed", "2026-000001", "张办事员", at(3))], None),  # no answer was ever due
    ],
    ids=["unassigned", "complex", "reopened", "assigned", "closed", "closed-unassigned"],
)
def test_public_view_deadline_is_the_due_date(events, deadline):
    assert only(fold(*events)).public_view()["deadline"] == deadline


def test_public_view_deadline_counts_holidays():
    sub = only(fold(submitted()))
    holidays = frozenset({date(2026, 11, 24), date(2026, 11, 25)})
    assert sub.public_view(holidays)["deadline"] == "2026-12-02"
    assert sub.public_view(holidays)["deadline"] == only(fold(submitted())).due(holidays).isoformat()


@pytest.mark.parametrize(("to", "name"), [("12345", None), ("12345（城建专席）", "12345（城建专席）")])
def test_public_view_hotline_without_its_number(to, name):
    view = only(fold(submitted(), assigned(to_kind="hotline", to=to))).public_view()
    assert view["handled_by"] == {"kind": "hotline", "kind_label": "12345热线", "name": name}


def test_repr_holds_no_personal_data():
    text = repr(only(fold(submitted(), rated(), noted())))
    for secret in (NAME, PHONE, TEXT, COMMENT, NOTE, "code-2026"):
        assert secret not in text


# --- making events ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fields", "error"),
    [
        (("escalated", "2026-000001", "x"), {}, "unknown event type"),
        (("noted", "2026-1", "x"), {"note": "n"}, "bad reference"),
        (("noted", "2026-000001", " "), {"note": "n"}, "`by` must name the actor"),
        (("noted", "2026-000001", "x"), {}, "noted event lacks note"),
        (("assigned", "2026-000001", "x"), {"to_kind": "mayor", "to": "a", "deadline": "2026-12-01"}, "to_kind"),
        (("assigned", "2026-000001", "x"), {"to_kind": "hotline", "to": "12345", "deadline": "1.12."}, "isoformat"),
        (("rated", "2026-000001", "citizen"), {"rating": "很好"}, "rating must be one of"),
        (
            ("submitted", "2026-000001", "citizen"),
            {"code": "short", "target": "deputy:a", "category": "c", "text": "t", "phone": "p", "anonymous": False},
            "128 bits",
        ),
        (
            ("submitted", "2026-000001", "citizen"),
            {
                "code": new_code(),
                "target": "deputy:../a",
                "category": "c",
                "text": "t",
                "phone": "p",
                "anonymous": False,
            },
            "bad target",
        ),
        (
            ("submitted", "2026-000001", "citizen"),
            {"code": new_code(), "target": "station:a", "category": "c", "text": "t", "phone": "p", "anonymous": "no"},
            "anonymous must be a bool",
        ),
    ],
)
def test_make_event_refuses(args, fields, error):
    with pytest.raises(ValueError, match=error):
        make_event(*args, **fields)


def test_make_event_defaults():
    event = make_event("assigned", "2026-000001", "张办事员", to_kind="hotline", to="12345", deadline=date(2026, 12, 1))
    assert event["deadline"] == "2026-12-01" and event["complex"] is False
    assert datetime.fromisoformat(event["at"]).utcoffset() == timedelta(hours=8)
    fields = {"code": new_code(), "target": "station:a-1", "category": "其他", "text": "t", "phone": "p"}
    event = make_event("submitted", "2026-000001", "citizen", anonymous=True, **fields)
    assert event["name"] is None and event["complex"] is False


# --- random sequences keep the invariants -----------------------------------------------------------------------------


class ClosedLoop(RuleBasedStateMachine):
    """Staff and citizens act at random; only what `check` allows is folded; invariants hold throughout."""

    def __init__(self) -> None:
        super().__init__()
        self.state = State()
        self.log: list[dict] = []
        self.clock = 0.0

    def act(self, index: int, event_type: str, **fields) -> None:
        refs = sorted(self.state.submissions)
        ref = refs[index % len(refs)]
        sub = self.state.submissions[ref]
        self.clock += 0.01
        event = make_event(
            event_type, ref, "citizen" if event_type == "rated" else "张办事员", at(self.clock), **fields
        )
        try:
            check(sub, event_type, event)
        except WorkflowError as error:
            assert error.code in messages.WORKFLOW_ERRORS
            return
        before = sub.status
        assert self.state.apply(event)
        self.log.append(event)
        assert sub.history[-1] is event
        if event_type == "noted":
            assert sub.status == before

    @rule(text=st.sampled_from(["路灯坏了", "噪音扰民", "建议增设公交站"]))
    def submit(self, text):
        ref = self.state.next_ref(2026)
        check(self.state.submissions.get(ref), "submitted")
        self.clock += 0.01
        event = submitted(ref, self.clock, code=new_code(), text=text)
        assert self.state.apply(event)
        self.log.append(event)

    @precondition(lambda self: self.state.submissions)
    @rule(index=st.integers(0, 50), complex_=st.booleans())
    def assign(self, index, complex_):
        self.act(index, "assigned", to_kind="deputy", to="zhang-san", deadline="2026-12-31", complex=complex_)

    @precondition(lambda self: self.state.submissions)
    @rule(index=st.integers(0, 50))
    def reply(self, index):
        self.act(index, "replied", answer="已处理")

    @precondition(lambda self: self.state.submissions)
    @rule(index=st.integers(0, 50))
    def hand_over(self, index):
        self.act(index, "assigned", to_kind="hotline", to="12345", deadline="2026-12-31", handover=True)

    @precondition(lambda self: self.state.submissions)
    @rule(index=st.integers(0, 50), forced=st.booleans())
    def close(self, index, forced):
        self.act(index, "closed", **({"forced": True, "reason": "群众来电表示满意"} if forced else {}))

    @precondition(lambda self: self.state.submissions)
    @rule(index=st.integers(0, 50), satisfaction=st.sampled_from(messages.RATINGS))
    def follow_up(self, index, satisfaction):
        self.act(index, "followed_up", satisfaction=satisfaction)

    @precondition(lambda self: self.state.submissions)
    @rule(index=st.integers(0, 50))
    def reopen(self, index):
        self.act(index, "reopened", reason="仍未解决")

    @precondition(lambda self: self.state.submissions)
    @rule(index=st.integers(0, 50), rating=st.sampled_from(messages.RATINGS))
    def rate(self, index, rating):
        self.act(index, "rated", rating=rating)

    @precondition(lambda self: self.state.submissions)
    @rule(index=st.integers(0, 50))
    def note(self, index):
        self.act(index, "noted", note="内部备注")

    @invariant()
    def statuses_and_rules(self):
        for sub in self.state.submissions.values():
            assert sub.status in STATUSES
            assert sub.open == (sub.status != "closed")
            if sub.status == "closed":
                for refused in ("replied", "assigned", "closed"):
                    with pytest.raises(WorkflowError):
                        check(sub, refused)
            if sub.answer is None:
                assert sub.rating is None and sub.status != "replied"
                with pytest.raises(WorkflowError):
                    check(sub, "rated")
            if sub.rating is not None:
                assert sub.answer is not None
                rated_at = [event["at"] for event in sub.history if event["type"] == "rated"][-1]
                replied_at = [event["at"] for event in sub.history if event["type"] == "replied"][-1]
                assert replied_at < rated_at
            if sub.rating == "不满意":
                assert sub.status in ("reopened", "assigned", "closed") or sub.supervised
            assert sub.reopens <= MAX_REOPENS and sub.supervised == (sub.supervised_step is not None)
            if sub.unsatisfied >= 2:
                assert sub.supervised
            if sub.status == "replied" and sub.rating is None and sub.followed_up_at is None:
                with pytest.raises(WorkflowError, match="天内群众可以评价"):
                    check(sub, "closed", make_event("closed", sub.ref, "张办事员", sub.replied_at))
            view = sub.public_view()
            assert not {sub.phone, sub.text} & set(_strings(view))

    @invariant()
    def refolding_the_log_gives_the_same_state(self):
        again = State()
        for event in self.log:
            assert again.apply(event)
        assert list(again.submissions) == list(self.state.submissions)
        assert [repr(sub) for sub in again.submissions.values()] == [
            repr(sub) for sub in self.state.submissions.values()
        ]


ClosedLoop.TestCase.settings = settings(
    max_examples=60, stateful_step_count=40, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_closed_loop = ClosedLoop.TestCase


# --- issue 13 point 2: supervision, the reopen limit, the first deadline, said_on, drafts --------------------------


def test_only_the_first_unsatisfied_rating_reopens_the_second_puts_the_case_under_supervision():
    unsatisfied = {"rating": "不满意"}
    state = fold(submitted(), assigned(), replied(), rated(when=3, **unsatisfied), replied(when=4))
    sub = only(state)
    assert (sub.reopens, sub.unsatisfied, sub.supervised) == (1, 1, False)
    state.apply(rated(when=5, **unsatisfied))
    assert (sub.status, sub.reopens, sub.unsatisfied, sub.supervised) == ("replied", 1, 2, True)
    assert sub.supervised_step == len(sub.history) - 1 and sub.reopening_steps == [3]
    labels = [step["label"] for step in sub.public_view()["timeline"]]
    assert labels[-2:] == ["评价", messages.SUPERVISED_LABEL] and labels.count(messages.SUPERVISED_LABEL) == 1


def twice_reopened() -> list[dict]:
    return [submitted(), assigned(), replied(), reopened(), replied(when=5), reopened(when=6), replied(when=7)]


def test_a_third_reopening_is_refused():
    sub = only(fold(*twice_reopened()))
    assert (sub.status, sub.reopens) == ("replied", 2)
    with pytest.raises(WorkflowError, match="重新办理两次"):
        check(sub, "reopened")
    check(only(fold(*twice_reopened()[:5])), "reopened")  # the second one is not


def test_a_rating_past_the_reopen_limit_supervises():
    state = fold(*twice_reopened())
    state.apply(rated(when=8, rating="不满意"))
    sub = only(state)
    assert (sub.status, sub.reopens, sub.supervised) == ("replied", 2, True)


def test_the_first_deadline_counts_for_the_figures():
    events = [submitted(), assigned(deadline="2026-11-25"), assigned(when=1.5, deadline="2026-12-31")]
    sub = only(fold(*events, replied(when=4)))
    assert first_answer(sub) == (MONDAY + timedelta(days=4), date(2026, 11, 25))
    late = only(fold(submitted(), assigned(when=9, deadline="2026-12-31"), replied(when=10)))
    assert first_answer(late)[1] == date(2026, 11, 30)  # assigned when already late: the default deadline stays


def test_an_offline_case_counts_from_the_day_it_was_said():
    sub = only(fold(submitted(channel="reception", said_on="2026-11-16")))
    assert sub.said_on == date(2026, 11, 16) and sub.received_at.date() == date(2026, 11, 16)
    assert sub.due() == date(2026, 11, 23) and sub.public_view()["submitted_at"] == "2026-11-16"


def test_a_draft_waits_is_sent_back_and_is_published_by_an_approval():
    draft = make_event("drafted", "2026-000001", "cao", at(2), answer="草稿")
    sub = only(fold(submitted(), assigned(), draft))
    assert (sub.status, sub.answer, sub.draft["answer"]) == ("assigned", None, "草稿")
    assert "草稿" not in str(sub.public_view())
    with pytest.raises(WorkflowError, match="等待审核"):
        check(sub, "drafted")
    returned = make_event("returned", "2026-000001", "boss", at(3), note="请补充")
    sub = only(fold(submitted(), assigned(), draft, returned))
    assert sub.draft is None and sub.notes[-1]["note"] == "请补充"
    with pytest.raises(WorkflowError, match="没有等待审核"):
        check(sub, "returned")

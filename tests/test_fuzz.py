"""schemathesis against the service's own OpenAPI document: never a 5xx, every answer as documented, and the queue
holds exactly one record per 201 (honeypot catches excepted: they look accepted and store nothing), for submissions
and yearly evaluations alike."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import schemathesis
from conftest import events, make_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.usefixtures("no_forms_environment")

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "500"))  # ~6 s; FUZZ_EXAMPLES=10000 for the long run (check 10)
RECEIPT_COOKIE = re.compile(r"receipt=([0-9A-Z-]+)~")


NEAR_VALID = st.fixed_dictionaries(
    {
        "target": st.sampled_from(["deputy:cao-wenjie", "station:dongxi-zhan", "deputy:li-former", "deputy:nobody"]),
        "category": st.sampled_from(["意见", "建议", "求助", "其他", "投诉"]),
        "text": st.text(max_size=40) | st.sampled_from(["路灯坏了一个多月。", "小区垃圾没人清运。"]),
        "phone": st.sampled_from(["13800138000", "010-12345678", "+86 139 1234 5678", "12345"]),
        "consent": st.just(True),
    },
    optional={"name": st.text(max_size=45), "anonymous": st.booleans(), "website": st.sampled_from(["", "x"])},
)


NEAR_VALID_EVALUATION = st.fixed_dictionaries(
    {
        "target": st.sampled_from(["deputy:cao-wenjie", "deputy:han-sumei", "station:dongxi-zhan", "deputy:li-former"]),
        "rating": st.sampled_from(["满意", "基本满意", "不满意", "很好"]),
        "phone": st.sampled_from(["13800138000", "139 1234 5678", "+86 139 1234 5678", "010-12345678", "12345"]),
        "consent": st.just(True),
    },
    optional={"comment": st.text(max_size=20) | st.none(), "website": st.sampled_from(["", "x"])},
)


def with_body(pair: tuple[schemathesis.Case, dict]) -> schemathesis.Case:
    case, body = pair
    case.body = body
    return case


def created_code(response: schemathesis.Response) -> str | None:
    """The code of a stored message: in the JSON answer, or (a form post, sent on to the receipt page) its cookie."""
    if response.status_code == 303:
        cookie = RECEIPT_COOKIE.search(response.headers.get("set-cookie", [""])[0])
        return cookie[1] if cookie else None  # None: "already received"
    return response.json()["tracking_code"]


def honeypot_filled(case: schemathesis.Case) -> bool:
    """Whether the request, as sent, filled the honeypot (any non-empty value in `website`)."""
    if not isinstance(case.body, dict) or case.body.get("website") in (None, ""):
        return False
    return True


def test_fuzz_openapi(tmp_path: Path) -> None:
    app = make_app(
        tmp_path,
        RATELIMIT_ENABLED=True,
        RATE_LIMIT="100000 per minute",
        LOOKUP_RATE_LIMIT="100000 per minute",
        QUEUE_FSYNC=False,  # a throw-away queue; durability is tested elsewhere
    )
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    # Random targets and phones are almost never valid: add bodies that often are, so that the accepting path
    # (201, duplicates, the honeypot, text checks) is fuzzed too, not only the 400s.
    submit = schema["/api/submissions"]["POST"].as_strategy(GenerationMode.POSITIVE)
    evaluate = schema["/api/evaluations"]["POST"].as_strategy(GenerationMode.POSITIVE)
    strategy = st.one_of(
        schema.as_strategy(GenerationMode.POSITIVE),
        schema.as_strategy(GenerationMode.NEGATIVE),
        st.tuples(submit, NEAR_VALID).map(with_body),
        st.tuples(evaluate, NEAR_VALID_EVALUATION).map(with_body),
    )
    created: list[tuple[str, bool]] = []  # (tracking code, honeypot filled) of every 201 on POST /api/submissions
    evaluated: list[tuple[str, bool]] = []  # (deputy, honeypot filled) of every 201 on POST /api/evaluations

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: schemathesis.Case) -> None:
        response = case.call()
        case.validate_response(response, checks=CHECKS)
        if case.operation.path == "/api/submissions" and response.status_code in (201, 303):
            if (code := created_code(response)) is not None:
                created.append((code, honeypot_filled(case)))
        if case.operation.path == "/api/evaluations" and response.status_code == 201:
            evaluated.append((case.body["target"], honeypot_filled(case)))

    run()
    stored = [event["code"] for event in events(app) if event["type"] == "submitted"]
    assert sorted(stored) == sorted(code for code, honeypot in created if not honeypot)
    assert not {code for code, honeypot in created if honeypot} & set(stored)
    stored_evaluations = [event["target"] for event in events(app) if event["type"] == "evaluated"]
    assert sorted(stored_evaluations) == sorted(target for target, honeypot in evaluated if not honeypot)
    assert stored_evaluations, "the fuzzing never reached an accepted evaluation"
    voters = [event["voter"] for event in events(app) if event["type"] == "evaluated"]
    assert len(voters) == len(set(voters))  # never two from one phone for one deputy in one year

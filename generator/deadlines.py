"""How long a citizen's message may take: the working days the office has to hand it on (交办) and then the handler has
to answer it. The form service counts its deadlines with these numbers (forms_api/cases/calendar.py) and the site and
the service's receipt tell citizens the same sentence (`promise`), so the rule and what a citizen reads cannot drift.

Kept on the generator's side because both halves import it and the generator imports nothing of the form service.
Pure: no MkDocs.
"""

from __future__ import annotations

from . import messages

FIRST_ANSWER_DAYS = 5
"""Working days to hand a case on (交办期限, from when it was received), then to answer it (答复期限, from 交办)."""
COMPLEX_DAYS = 10
"""The same two steps for a case marked complex (复杂件), each."""

PROMISE_MARK = "{{ 答复时限 }}"
"""Written in a hand-written page (content/pages/*.md), it is replaced by `promise()` when the site is built."""


def promise() -> str:
    """The sentence every page a citizen reads says about when an answer comes, with the rule's numbers."""
    return messages.DEADLINE_PROMISE.format(days=FIRST_ANSWER_DAYS, complex=COMPLEX_DAYS)


def fill_promise(markdown: str) -> str:
    """A hand-written page with `PROMISE_MARK` replaced by the sentence."""
    return markdown.replace(PROMISE_MARK, promise())

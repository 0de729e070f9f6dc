"""A store that adds to every append the notices its events cause (forms_api/cases/outbox.py), in the same append:
the service, the console and the staff tools all append through it when a sender is configured."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from forms_api.cases import State
from forms_api.cases.outbox import Channels, with_notices
from forms_api.store.base import Decision, Store


class Notifying:
    """`store` with `with_notices` around every `decide`; everything else is the store's own."""

    def __init__(self, store: Store, channels: Channels) -> None:
        self.inner, self.channels = store, channels

    def append(self, decide: Callable[[State], Decision], *, durable: bool = True) -> list[dict]:
        return self.inner.append(with_notices(decide, self.channels), durable=durable)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

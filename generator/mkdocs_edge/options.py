"""The mashang plugin's options in mkdocs.yml, as MkDocs validates them when it loads the file."""

from __future__ import annotations

import os

from mkdocs.config import base
from mkdocs.config import config_options as c

from ..events import NOTICE_DAYS


class PathOption(c.Type):
    """A path: text, or MkDocs' `!relative $config_dir/...` (a placeholder it resolves), given on as text."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__((str, os.PathLike), **kwargs)

    def run_validation(self, value: object) -> str:
        return os.fspath(super().run_validation(value))


class MashangConfig(base.Config):
    cache_dir = PathOption(default=".cache")
    """QR codes and parsed event files are cached here between builds (relative to mkdocs.yml)."""
    today = c.Optional(c.Type(str))
    """Fix "today" (YYYY-MM-DD) for reproducible builds; by default the build date decides who is a current deputy."""
    jobs = c.Optional(c.Type(int))
    """Processes that make deputy pages and QR codes; by default one a CPU core."""
    stats = c.Optional(PathOption())
    """The form service's public figures (`python -m forms_api stats --public`), relative to mkdocs.yml; by default
    none, and the pages show no message figures."""
    ranking = c.Type(bool, default=False)
    """Publish rankings: area pages list their deputies by points. Off, no page orders named deputies by points."""
    notice_days = c.Type(int, default=NOTICE_DAYS)
    """How many days ahead an event's next date gets a printed notice (活动预告); later dates are on its page."""
    outcome_days = c.Optional(c.Type(int))
    """Days after a one-off event ends by which its outcome (接待情况) is due, else a warning; by default none."""

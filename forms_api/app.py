"""The app factory: `create_app(config)` builds one form service from defaults, `FORMS_*` variables and `config`.

gunicorn runs `forms_api:create_app()` (deploy/gunicorn.conf.py); tests call `create_app({"QUEUE_DIR": tmp_path, ...})`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from forms_api import console, security, settings, store
from forms_api.public import api


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """A configured form service; raises settings.ConfigError naming every bad setting, and store.SchemaOutdated
    (in Chinese, naming the command to run) when the store is a database with an older schema."""
    app = Flask("forms_api", static_folder=None)
    app.config.from_mapping(settings.load(config))
    store.check_store(app.config)
    # Werkzeug applies this to urlencoded bodies too: keep it equal to the body limit, so both give the same 413.
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_CONTENT_LENGTH"]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]  # errors in form order
    app.add_template_global(security.csp_nonce, "csp_nonce")
    api.init_app(app)
    console.init_app(app)  # before security: its sign-in views get their rate limit there
    app.extensions["forms_api.limiter"] = security.init_app(app)  # the rate-limit wrappers hold it weakly
    return app

"""The form service: citizens' submissions and the staff tools (see issue 3)."""

from forms_api.app import create_app

__all__ = ["create_app"]

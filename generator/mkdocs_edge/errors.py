"""MkDocs' failures said for editors."""

from __future__ import annotations

from mkdocs.exceptions import Abort, BuildError

from .. import messages as m


def build_failure_reason(error: Exception) -> str:
    """Why MkDocs gave up, for editors: its "Aborted with a BuildError!" means only that the errors are listed above."""
    if isinstance(error, Abort) and isinstance(error.__context__, BuildError):
        return m.CLI_BUILD_ERRORS_ABOVE
    if isinstance(error, Abort) and str(error).endswith(" in strict mode!"):
        return m.CLI_BUILD_STRICT.format(detail=error)
    return str(error) or type(error).__name__

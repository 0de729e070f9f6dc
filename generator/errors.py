"""The one error every command reports the same way, whatever part of the generator found it."""

from __future__ import annotations

import click

from . import messages as m


class GeneratorError(click.ClickException):
    """A failure the user can act on: printed without a traceback (unless --debug), exit code 1."""

    exit_code = 1

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(m.CLI_ERROR.format(message=self.format_message()), err=True)

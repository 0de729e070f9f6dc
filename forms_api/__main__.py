"""`python -m forms_api ...`: the staff tools (forms_api/cli.py)."""

from forms_api.cli import main

main(prog_name="python -m forms_api")

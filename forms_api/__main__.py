"""`python -m forms_api ...`: the staff tools (forms_api/staff/cli.py)."""

from forms_api.staff.cli import main

main(prog_name="python -m forms_api")

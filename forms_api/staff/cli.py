"""`python -m forms_api list | show | assign | reply | close | reopen | note | transfer | followup | approve |
send-back | decline-return | export | stats`: the staff tools;
`stats --public`, `purge | backup | restore`, `users ...`, `store ...`: the operator's (public figures, retention,
backups, the back office's accounts, the store's schema and moves).

A thin command line over the store (forms_api/store/) and the cases (forms_api/cases/): the commands live by group in
cases.py, followup.py, workflow.py, handover.py, reports.py, operations.py, users.py and stores.py. Every setting (the
queue, the site, the holidays, the retention period, the workflow's rules) is read through the service's own loader
(forms_api/settings.py), the options overriding it.

Exit codes: 0 success; 1 a refused action, an unknown reference, an unusable queue or file; 2 wrong usage.

click's own texts (usage, help headings, usage errors) are shown in Chinese while these tools run and only then
(generator/chinese_click.py, shared with the generator's command line).
"""

from __future__ import annotations

import click

from forms_api import settings
from forms_api.notify import cli as notify_cli
from forms_api.staff import cases, followup, handover, operations, reports, stores, users, workflow
from forms_api.staff.group import H, Staff, StaffGroup


@click.group(cls=StaffGroup, help=H["main"], context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--queue",
    "queue_dir",
    default=None,
    metavar="目录|URL",
    help=H["main.queue"],
)
@click.option("--debug", is_flag=True, help=H["main.debug"])
@click.pass_context
def main(ctx: click.Context, queue_dir: str | None, debug: bool) -> None:
    # --queue (a folder relative to where staff typed it, or a database URL); else FORMS_QUEUE_URL, FORMS_QUEUE_DIR
    # or the default, as the service reads them
    settings.warn_unprefixed()  # NOTIFY_SMS=log in the environment file is read by nobody: say so, as the service does
    ctx.obj = Staff(overrides={} if queue_dir is None else {"QUEUE_URL": stores.store_location(queue_dir)})


for command in (
    *cases.COMMANDS,
    *followup.COMMANDS,
    *workflow.COMMANDS,
    *handover.COMMANDS,
    *reports.COMMANDS,
    *operations.COMMANDS,
    *users.COMMANDS,
    *stores.COMMANDS,
    *notify_cli.COMMANDS,
):
    main.add_command(command)

"""The staff side: the staff tools (`python -m forms_api ...`, forms_api/staff/cli.py) by command group — cases.py,
reports.py, operations.py — over group.py's shared group, options and context, with the formatting of what they show
(text.py for a terminal, sheets.py for spreadsheets, figures.py and public_stats.py for statistics)."""

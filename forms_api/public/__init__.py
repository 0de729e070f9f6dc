"""The public API under /api: what citizens' browsers call (submit, track, rate, evaluate), its input checks, its
OpenAPI description and the small HTML pages that answer the plain forms when JavaScript is off.

`forms_api.public.api.init_app` wires it into an app; the endpoints live by group in submissions.py (new messages and
yearly evaluations), tracking.py (status look-ups and ratings, by code or by reference and phone) and receipts.py (the
no-JavaScript receipt page and the receipt picture).
"""

"""The no-op peer of the form service: a minimal Flask endpoint that parses the JSON body and answers 201.

Run under the same gunicorn settings as the real service (bench/forms.py does this):
`gunicorn -c deploy/gunicorn.conf.py bench.noop_app:app`.
"""

from __future__ import annotations

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/api/submissions")
def submit():  # noqa: ANN201 - a Flask view
    """Read the body as the real endpoint does, write nothing, answer like a created submission."""
    body = request.get_json(silent=True) or {}
    return jsonify({"ok": True, "fields": len(body)}), 201

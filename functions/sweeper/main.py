"""Cloud Function `sweeper`: Cloud Scheduler's tick (POST); flags stalled jobs, then fails
and refunds the ones that stay stalled."""

from typing import Any

import functions_framework
from flask import Request, jsonify

from klair.entry.tasks import on_schedule
from klair.handlers.pipeline.sweep import sweep


@functions_framework.http
def sweeper(request: Request) -> Any:
    if request.method != "POST":  # probes and crawlers must not trigger a sweep
        return jsonify({"error": {"code": "method_not_allowed"}}), 405
    return jsonify(on_schedule(sweep))

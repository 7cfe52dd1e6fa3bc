"""Cloud Function `sweeper`: Cloud Scheduler's tick; flags stalled jobs, then fails and
refunds the ones that stay stalled."""

from typing import Any

import functions_framework
from flask import Request, jsonify

from klair.entrypoints import handle_sweep


@functions_framework.http
def sweeper(request: Request) -> Any:
    return jsonify(handle_sweep())

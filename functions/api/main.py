"""Cloud Function `api`: every `/api` route (jobs, uploads, status, results, health)."""

from typing import Any

import functions_framework
from flask import Request

from klair.entry.api import handle_api


@functions_framework.http
def api(request: Request) -> Any:
    return handle_api(request)

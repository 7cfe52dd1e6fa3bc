"""Cloud Function `ingest`: a Cloud Task from the job's tier queue fetches and stores its
source. A 503 answer makes Cloud Tasks retry; 2xx acks the task."""

from typing import Any

import functions_framework
from flask import Request, jsonify

from klair.entrypoints import handle_task


@functions_framework.http
def ingest(request: Request) -> Any:
    status, body = handle_task("ingest", request.get_data(), request.headers)
    return jsonify(body), status

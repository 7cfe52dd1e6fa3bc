"""Cloud Function `ingest`: a Cloud Task from the job's tier queue fetches and stores its
source. A 503 answer makes Cloud Tasks retry; 2xx acks the task."""

from typing import Any

import functions_framework
from flask import Request, jsonify

from klair.domain.events import StartIngest
from klair.entry.tasks import on_task
from klair.handlers.pipeline.ingest_source import ingest_source
from klair.handlers.steps.delivery import delivered

RUN = delivered(ingest_source, "ingest")


@functions_framework.http
def ingest(request: Request) -> Any:
    status, body = on_task("ingest", StartIngest, RUN, request.get_data(), request.headers)
    return jsonify(body), status

"""Cloud Function `notify`: Pub/Sub pushes of JobFinished / ClipExported schedule signed webhook
deliveries; the webhook queue's Cloud Tasks POST them. A 503 answer makes Pub/Sub or Cloud
Tasks retry; 2xx acks."""

from typing import Any

import functions_framework
from flask import Request, jsonify

from klair.entry.tasks import on_notice
from klair.handlers.outbound.notify import run_notice


@functions_framework.http
def notify(request: Request) -> Any:
    status, body = on_notice(run_notice, request.get_data(), request.headers)
    return jsonify(body), status

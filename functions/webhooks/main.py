"""Cloud Function `webhooks`: Svix-signed Clerk user events (`POST /webhooks/clerk`)."""

from typing import Any

import functions_framework
from flask import Request

from klair.entry.webhooks import handle_webhooks


@functions_framework.http
def webhooks(request: Request) -> Any:
    return handle_webhooks(request)

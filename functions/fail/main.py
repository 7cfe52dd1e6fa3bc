"""Cloud Function `fail`: A message ran out of delivery attempts (dead-letter topic): fail and
refund its job."""

from typing import Any

import functions_framework

from klair.entrypoints import handle_cloud_event


@functions_framework.cloud_event
def fail(cloud_event: Any) -> None:
    handle_cloud_event("fail", cloud_event)

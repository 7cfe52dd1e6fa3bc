"""Cloud Function `admit`: An upload finished (GCS finalize on uploads/): queue its job on the
tier queue."""

from typing import Any

import functions_framework

from klair.entrypoints import handle_cloud_event


@functions_framework.cloud_event
def admit(cloud_event: Any) -> None:
    handle_cloud_event("admit", cloud_event)

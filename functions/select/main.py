"""Cloud Function `select`: Every chunk analyzed (AnalysisCompleted): rank and pick the clips."""

from typing import Any

import functions_framework

from klair.entrypoints import handle_cloud_event


@functions_framework.cloud_event
def select(cloud_event: Any) -> None:
    handle_cloud_event("select", cloud_event)

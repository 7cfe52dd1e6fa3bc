"""Cloud Function `select`: Every chunk analyzed (AnalysisCompleted): rank and pick the clips."""

from typing import Any

import functions_framework

from klair.domain.events import AnalysisCompleted
from klair.entry.pubsub import on_cloud_event
from klair.handlers.pipeline.select_clips import select_clips
from klair.handlers.steps.delivery import delivered

RUN = delivered(select_clips, "select")


@functions_framework.cloud_event
def select(cloud_event: Any) -> None:
    on_cloud_event("select", AnalysisCompleted, RUN, cloud_event)

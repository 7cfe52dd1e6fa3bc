"""Cloud Function `export`: One selected clip (ClipSelected): render it; the last one completes
the job."""

from typing import Any

import functions_framework

from klair.domain.events import ClipSelected
from klair.entry.pubsub import on_cloud_event
from klair.handlers.pipeline.export_clip import export_clip
from klair.handlers.steps.delivery import delivered

RUN = delivered(export_clip, "export")


@functions_framework.cloud_event
def export(cloud_event: Any) -> None:
    on_cloud_event("export", ClipSelected, RUN, cloud_event)

"""Cloud Function `admit`: An upload finished (GCS finalize on uploads/): queue its job on the
tier queue."""

from typing import Any

import functions_framework

from klair.domain.events import ObjectFinalized
from klair.entry.pubsub import on_cloud_event
from klair.handlers.pipeline.admit_upload import admit_upload
from klair.handlers.steps.delivery import delivered

RUN = delivered(admit_upload, "admit")


@functions_framework.cloud_event
def admit(cloud_event: Any) -> None:
    on_cloud_event("admit", ObjectFinalized, RUN, cloud_event)

"""Cloud Function `transcode`: A source landed (GCS finalize on sources/): one decode pass,
then fan out chunks."""

from typing import Any

import functions_framework

from klair.domain.events import ObjectFinalized
from klair.entry.pubsub import on_cloud_event
from klair.handlers.pipeline.transcode_source import transcode_source
from klair.handlers.steps.delivery import delivered

RUN = delivered(transcode_source, "transcode")


@functions_framework.cloud_event
def transcode(cloud_event: Any) -> None:
    on_cloud_event("transcode", ObjectFinalized, RUN, cloud_event)

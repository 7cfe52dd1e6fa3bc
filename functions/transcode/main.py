"""Cloud Function `transcode`: A source landed (GCS finalize on sources/): one decode pass,
then fan out chunks."""

from typing import Any

import functions_framework

from klair.entrypoints import handle_cloud_event


@functions_framework.cloud_event
def transcode(cloud_event: Any) -> None:
    handle_cloud_event("transcode", cloud_event)

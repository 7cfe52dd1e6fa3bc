"""Cloud Function `analyze`: One chunk of a source (ChunkReady): find candidate moments."""

from typing import Any

import functions_framework

from klair.entrypoints import handle_cloud_event


@functions_framework.cloud_event
def analyze(cloud_event: Any) -> None:
    handle_cloud_event("analyze", cloud_event)

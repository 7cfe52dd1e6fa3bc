"""Cloud Function `analyze`: One chunk of a source (ChunkReady): find candidate moments."""

from typing import Any

import functions_framework

from klair.domain.events import ChunkReady
from klair.entry.pubsub import on_cloud_event
from klair.handlers.pipeline.analyze_chunk import analyze_chunk
from klair.handlers.steps.delivery import delivered

RUN = delivered(analyze_chunk, "analyze")


@functions_framework.cloud_event
def analyze(cloud_event: Any) -> None:
    on_cloud_event("analyze", ChunkReady, RUN, cloud_event)

"""Cloud Function `fail`: A message ran out of delivery attempts (dead-letter topic): fail and
refund its job."""

from typing import Any

import functions_framework

from klair.domain.events import DeadLettered
from klair.entry.pubsub import on_cloud_event
from klair.handlers.pipeline.fail_dead_letter import fail_dead_letter
from klair.handlers.steps.delivery import delivered

RUN = delivered(fail_dead_letter, "fail")


@functions_framework.cloud_event
def fail(cloud_event: Any) -> None:
    on_cloud_event("fail", DeadLettered, RUN, cloud_event)

"""Cloud Function `export`: One selected clip (ClipSelected): render it; the last one completes
the job."""

from typing import Any

import functions_framework

from klair.entrypoints import handle_cloud_event


@functions_framework.cloud_event
def export(cloud_event: Any) -> None:
    handle_cloud_event("export", cloud_event)

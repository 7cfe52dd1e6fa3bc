from typing import Literal

EventKind = Literal['batch.completed', 'clip.ready', 'export.completed', 'job.cancelled', 'job.completed', 'job.failed']

EVENT_KIND_VALUES: set[EventKind] = { 'batch.completed', 'clip.ready', 'export.completed', 'job.cancelled', 'job.completed', 'job.failed',  }

def check_event_kind(value: str) -> EventKind:
    if value in EVENT_KIND_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {EVENT_KIND_VALUES!r}")

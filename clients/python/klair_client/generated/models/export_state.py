from typing import Literal

ExportState = Literal['completed', 'exporting', 'failed', 'queued']

EXPORT_STATE_VALUES: set[ExportState] = { 'completed', 'exporting', 'failed', 'queued',  }

def check_export_state(value: str) -> ExportState:
    if value in EXPORT_STATE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {EXPORT_STATE_VALUES!r}")

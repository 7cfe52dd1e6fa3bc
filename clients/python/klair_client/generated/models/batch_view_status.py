from typing import Literal

BatchViewStatus = Literal['completed', 'running']

BATCH_VIEW_STATUS_VALUES: set[BatchViewStatus] = { 'completed', 'running',  }

def check_batch_view_status(value: str) -> BatchViewStatus:
    if value in BATCH_VIEW_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {BATCH_VIEW_STATUS_VALUES!r}")

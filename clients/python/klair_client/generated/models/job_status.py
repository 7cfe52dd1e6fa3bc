from typing import Literal

JobStatus = Literal['analyzing', 'awaiting_upload', 'cancelled', 'completed', 'downloading', 'exporting', 'failed', 'queued', 'selecting', 'transcoding']

JOB_STATUS_VALUES: set[JobStatus] = { 'analyzing', 'awaiting_upload', 'cancelled', 'completed', 'downloading', 'exporting', 'failed', 'queued', 'selecting', 'transcoding',  }

def check_job_status(value: str) -> JobStatus:
    if value in JOB_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {JOB_STATUS_VALUES!r}")

from typing import Literal

JobOptionsReframe = Literal['auto', 'center', 'sieve']

JOB_OPTIONS_REFRAME_VALUES: set[JobOptionsReframe] = { 'auto', 'center', 'sieve',  }

def check_job_options_reframe(value: str) -> JobOptionsReframe:
    if value in JOB_OPTIONS_REFRAME_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {JOB_OPTIONS_REFRAME_VALUES!r}")

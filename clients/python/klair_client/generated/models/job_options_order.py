from typing import Literal

JobOptionsOrder = Literal['score', 'time']

JOB_OPTIONS_ORDER_VALUES: set[JobOptionsOrder] = { 'score', 'time',  }

def check_job_options_order(value: str) -> JobOptionsOrder:
    if value in JOB_OPTIONS_ORDER_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {JOB_OPTIONS_ORDER_VALUES!r}")

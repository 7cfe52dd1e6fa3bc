from typing import Literal

JobOptionsPresetType0 = Literal['linkedin', 'reels', 'shorts', 'tiktok']

JOB_OPTIONS_PRESET_TYPE_0_VALUES: set[JobOptionsPresetType0] = { 'linkedin', 'reels', 'shorts', 'tiktok',  }

def check_job_options_preset_type_0(value: str) -> JobOptionsPresetType0:
    if value in JOB_OPTIONS_PRESET_TYPE_0_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {JOB_OPTIONS_PRESET_TYPE_0_VALUES!r}")

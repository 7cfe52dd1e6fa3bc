from typing import Literal

JobOptionsCaptionStyle = Literal['bold', 'clean', 'karaoke']

JOB_OPTIONS_CAPTION_STYLE_VALUES: set[JobOptionsCaptionStyle] = { 'bold', 'clean', 'karaoke',  }

def check_job_options_caption_style(value: str) -> JobOptionsCaptionStyle:
    if value in JOB_OPTIONS_CAPTION_STYLE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {JOB_OPTIONS_CAPTION_STYLE_VALUES!r}")

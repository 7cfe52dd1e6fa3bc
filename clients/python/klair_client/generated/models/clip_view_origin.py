from typing import Literal

ClipViewOrigin = Literal['detected', 'manual']

CLIP_VIEW_ORIGIN_VALUES: set[ClipViewOrigin] = { 'detected', 'manual',  }

def check_clip_view_origin(value: str) -> ClipViewOrigin:
    if value in CLIP_VIEW_ORIGIN_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CLIP_VIEW_ORIGIN_VALUES!r}")

from typing import Literal

ArchiveViewState = Literal['building', 'ready']

ARCHIVE_VIEW_STATE_VALUES: set[ArchiveViewState] = { 'building', 'ready',  }

def check_archive_view_state(value: str) -> ArchiveViewState:
    if value in ARCHIVE_VIEW_STATE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ARCHIVE_VIEW_STATE_VALUES!r}")

"""The static routing table: each event-driven function's event type and use case. The
in-process bus (`klair run`) subscribes from it; each `functions/<name>/main.py` imports its
own pair directly (a function imports only its own handler), and a test holds the two equal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from klair.domain.events import (
    AnalysisCompleted,
    ChunkReady,
    ClipSelected,
    DeadLettered,
    Message,
    ObjectFinalized,
    StartIngest,
)
from klair.handlers.deps import Deps
from klair.handlers.pipeline.admit_upload import admit_upload
from klair.handlers.pipeline.analyze_chunk import analyze_chunk
from klair.handlers.pipeline.export_clip import export_clip
from klair.handlers.pipeline.fail_dead_letter import fail_dead_letter
from klair.handlers.pipeline.ingest_source import ingest_source
from klair.handlers.pipeline.select_clips import select_clips
from klair.handlers.pipeline.transcode_source import transcode_source

Route = tuple[type[Message], Callable[[Deps, Any], bool]]

ROUTES: dict[str, Route] = {
    "admit": (ObjectFinalized, admit_upload),
    "transcode": (ObjectFinalized, transcode_source),
    "analyze": (ChunkReady, analyze_chunk),
    "select": (AnalysisCompleted, select_clips),
    "export": (ClipSelected, export_clip),
    "fail": (DeadLettered, fail_dead_letter),
    "ingest": (StartIngest, ingest_source),
}

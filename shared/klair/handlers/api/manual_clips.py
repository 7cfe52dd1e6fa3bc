"""Manual clips of a finished job (`POST /api/klair/export` with `ranges`): each range is
checked, its edges snapped into the nearest pauses (unless asked not to), scored and
explained over the job's stored transcript and signals like a detected clip, and stored as
a clip of the job ranked after the others; the re-export then renders it like any clip."""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from klair.domain.analysis.edges import quiet_spans
from klair.domain.analysis.manual import (
    MAX_SECONDS,
    ClipRange,
    Lengths,
    check_ranges,
    score_range,
    snapped_range,
)
from klair.domain.clip import Clip
from klair.domain.errors import NotFound
from klair.domain.ids import manual_clip_id
from klair.domain.job import Job
from klair.domain.presets import PlatformPreset
from klair.domain.signals import Signals
from klair.handlers.deps import Deps
from klair.handlers.steps.artifacts import load_transcript
from klair.handlers.steps.segments import load_signals


def lengths_for(preset: PlatformPreset | None) -> Lengths:
    """A manual clip's lengths: any clip's, the longest lowered to a preset's cap."""
    if preset is None:
        return Lengths()
    return Lengths(max_seconds=min(MAX_SECONDS, preset.cap_seconds), preset=preset.name)


def _signals(deps: Deps, job: Job) -> Signals:
    """The transcode's signals; without them (work/ expired), a silent account of the
    source's length, so a clip is still scored by what its words say."""
    try:
        return load_signals(deps, job)
    except NotFound:
        media = job.media
        return Signals(
            duration=media.duration if media else 0.0, has_video=bool(media and media.has_video)
        )


def manual_clips(
    deps: Deps, job: Job, ranges: Sequence[ClipRange], snap: bool, lengths: Lengths
) -> list[Clip]:
    """The ranges as clips of `job`, stored; 400s with their codes for bad ranges. The same
    span asked again is the same clip (its id and rank kept)."""
    signals = _signals(deps, job)
    duration = job.media.duration if job.media is not None else signals.duration
    check_ranges(ranges, duration, lengths)
    transcript = load_transcript(deps, job.id)
    words = transcript.words if transcript is not None else []
    # Without voice activity spans a transcript's "pauses" are its whole window.
    spoken = transcript is not None and bool(transcript.speech)
    quiet = quiet_spans(signals.silences, transcript.pauses() if spoken and transcript else [])
    existing = {c.id: c.rank for c in deps.store.clips(job.id)}
    next_rank = max(existing.values(), default=0) + 1
    clips: dict[str, Clip] = {}
    for r in ranges:
        span = snapped_range(r, words, quiet, duration, lengths) if snap else (r.start, r.end)
        span = (round(span[0], 3), round(span[1], 3))
        clip_id = manual_clip_id(*span)
        if clip_id in clips:
            continue  # two ranges that snap to one span are one clip
        rank = existing.get(clip_id)
        if rank is None:
            rank, next_rank = next_rank, next_rank + 1
        found = score_range(signals, transcript, span, deps.settings.score_weights)
        clips[clip_id] = Clip(**found.model_dump(), id=clip_id, rank=rank, origin="manual")
    deps.store.put_clips(job.id, list(clips.values()))
    structlog.get_logger(__name__).info("manual clips cut", job_id=job.id, clips=len(clips))
    return list(clips.values())

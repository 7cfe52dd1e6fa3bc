"""Once every chunk is analyzed: merge the chunk transcripts into the job's transcript (JSON
with word timings, SRT, VTT) and derive its insights (keywords, chapters, quotable moments)."""

from __future__ import annotations

import structlog

from klair.domain.analysis.insights import Insights, summarize
from klair.domain.captions import cues
from klair.domain.job import Job
from klair.domain.signals import Signals
from klair.domain.transcript import Transcript, merge
from klair.handlers.deps import Deps
from klair.handlers.steps.artifacts import (
    CAPTION_FORMATS,
    insights_name,
    transcript_files,
)
from klair.handlers.steps.segments import load_signals

log = structlog.get_logger(__name__)

MIME = {"json": "application/json", "srt": "application/x-subrip", "vtt": "text/vtt"}


def build_insights(
    deps: Deps, job: Job, parts: list[Transcript], signals: Signals | None
) -> Insights | None:
    """Write the job's transcript files and insights.json from its chunk transcripts and
    signals (read by selection; signals are read here when selection found none); None when
    no chunk was transcribed. Idempotent: a redelivery writes the same objects again."""
    if not parts:
        return None
    transcript = merge(parts)
    signals = signals or load_signals(deps, job)
    insights = summarize(transcript, signals, deps.settings.score_weights)
    files = transcript_files(job.id)
    deps.blobs.put_bytes(files["json"], transcript.model_dump_json().encode(), MIME["json"])
    lines = cues(transcript.words)
    for fmt in CAPTION_FORMATS:
        text = deps.captions.write(lines, fmt)
        deps.blobs.put_bytes(files[fmt], text.encode(), MIME[fmt])
    deps.blobs.put_bytes(insights_name(job.id), insights.model_dump_json().encode(), MIME["json"])
    log.info(
        "insights built",
        job_id=job.id,
        words=insights.word_count,
        chapters=len(insights.chapters),
        quotes=len(insights.quotes),
    )
    return insights

"""Analyze one chunk (Pub/Sub fan-out): transcode its segment of the source (only that
range is read; stored, so a redelivery and the later stages reuse it), transcribe it
(stored too), propose candidate moments; the delivery that counts the last chunk announces
that analysis is complete.

A delivery first leases the chunk: one already analysed is not analysed again (nor sent to
a paid model again), and one under analysis by another delivery is retried later."""

from __future__ import annotations

import tempfile
from pathlib import Path

import structlog

from klair.domain.clip import Candidate
from klair.domain.errors import Transient
from klair.domain.events import AnalysisCompleted, ChunkReady
from klair.domain.job import Job
from klair.domain.status import JobStatus
from klair.domain.transcript import Transcript
from klair.handlers.deps import Deps
from klair.handlers.steps.artifacts import load_chunk, save_chunk
from klair.handlers.steps.language import declared_or_recorded, not_supported, record_language
from klair.handlers.steps.language_offer import model_hears
from klair.handlers.steps.lease_beat import beating, lease_end
from klair.handlers.steps.lifecycle import StageLeft
from klair.handlers.steps.segments import chunk_media

log = structlog.get_logger(__name__)


def analyze_chunk(deps: Deps, event: ChunkReady) -> bool:
    job = deps.store.get(event.job_id)
    if job.status is not JobStatus.ANALYZING:
        return False  # cancelled, failed, or analysis already complete
    attempt: int | None = None
    if _paid(deps, job):  # free work is just redone by a duplicate (counted once anyway)
        lease = deps.store.lease_chunk(job.id, event.index, lease_end(deps))
        if lease.state == "held":
            raise Transient(
                f"chunk {event.index} of {job.id} is being analysed by another delivery",
                code="chunk_in_progress",
            )
        if lease.state == "done":
            return _announce(deps, job, event, None, None, [])
        attempt = lease.attempt
    with beating(deps, job.id, event.index, attempt):
        return _analyse(deps, job, event, attempt or 1)


def _analyse(deps: Deps, job: Job, event: ChunkReady, attempt: int) -> bool:
    opts = job.options
    with tempfile.TemporaryDirectory(prefix="klair-analyze-") as tmp:
        try:
            media = chunk_media(deps, job, event, Path(tmp))
        except StageLeft:
            return False  # the segment's media is damaged: the job failed in its transcode
        audio = media.audio
        transcript = chunk_transcript(deps, job, event, audio)
        candidates = deps.analyzer.analyze(
            audio,
            media.signals,
            event.start,
            event.end,
            opts.min_clip_seconds,
            opts.max_clip_seconds,
            transcript=transcript,
        )
    candidates = with_model(deps, job, event, transcript, candidates, attempt)
    counted = deps.store.record_chunk(job.id, event.index, candidates)
    return _announce(deps, job, event, counted, transcript, candidates)


def _announce(
    deps: Deps,
    job: Job,
    event: ChunkReady,
    counted: tuple[int, int] | None,
    transcript: Transcript | None,
    candidates: list[Candidate],
) -> bool:
    """Publish AnalysisCompleted when every chunk is counted (again on a redelivery, whose
    first announcement may have been lost)."""
    if counted is None:
        # Redelivery: the chunk was counted before, but the announcement may have been lost.
        job = deps.store.get(job.id)
        counted = (job.chunks_done, job.chunks_total)
    done, total = counted
    log.info(
        "chunk analyzed",
        job_id=job.id,
        chunk=event.index,
        candidates=len(candidates),
        words=len(transcript.words) if transcript else None,
        done=done,
        total=total,
    )
    if done >= total:
        deps.bus.publish(AnalysisCompleted(job_id=job.id, chunks=total))
    return True


def with_model(
    deps: Deps,
    job: Job,
    event: ChunkReady,
    transcript: Transcript | None,
    offline: list[Candidate],
    attempt: int = 1,
) -> list[Candidate]:
    """The tier's model (Gemini) proposes the chunk's moments when the job may use one; its
    cost, and any fallback to the offline candidates, is added to the job once per chunk and
    lease attempt, so the ceiling sees every call made."""
    model = deps.settings.tier(job.tier).analyzer_model
    if deps.model_analyzer is None or not _paid(deps, job):
        return offline
    found = deps.model_analyzer.analyze_chunk(
        job, event.start, event.end, transcript, offline, model, chunk=event.index
    )
    if found.transcript is not None:  # it heard a language the transcriber could not serve
        save_chunk(deps, job.id, event.index, found.transcript)
    deps.store.add_analysis_cost(job.id, event.index, found.cost, found.fallback, attempt)
    if found.fallback and transcript is None and deps.transcriber is not None:
        # Its language is one only the model could hear, and the model gave nothing.
        why = f" and the model analysis gave nothing usable ({found.fallback})"
        raise not_supported(deps, job, declared_or_recorded(deps, job), why)
    log.info(
        "chunk analyzed by model",
        job_id=job.id,
        chunk=event.index,
        model=found.model,
        fallback=found.fallback,
        dropped=found.dropped,
        usd=round(found.cost.usd, 6),
    )
    return found.candidates


def _paid(deps: Deps, job: Job) -> bool:
    """Whether the job's chunks go to a paid model (its tier's, unless it asked for offline):
    only then is a chunk leased at the door, so a redelivery never pays twice. Offline work
    is free, and a delivery that crashed mid-work must not hold its chunk past the
    platform's retries."""
    return model_hears(deps, deps.settings.tier(job.tier), job.options)


def chunk_transcript(deps: Deps, job: Job, event: ChunkReady, audio: Path) -> Transcript | None:
    """The chunk's transcript: the stored one on a redelivery, else a fresh one, stored, in
    the language `steps/language.py` explains. None without a transcriber, or when the
    speech is in a language it cannot write and the job's model hears it instead; raises
    `LanguageNotSupported` when the job has no model to hear it."""
    if deps.transcriber is None:
        return None
    stored = load_chunk(deps, job.id, event.index)
    if stored is not None:
        return stored
    language = declared_or_recorded(deps, job)
    offline = deps.transcriber.languages()
    transcript = None
    if language is None or language in offline:
        transcript = deps.transcriber.transcribe(audio, event.start, event.end, language)
        record_language(deps, job, event.index, transcript)
        language = transcript.language
    if transcript is None or language not in offline:
        if not _paid(deps, job):
            raise not_supported(deps, job, language)
        return None  # the tier's model (Gemini) transcribes what it hears
    save_chunk(deps, job.id, event.index, transcript)
    return transcript

"""The language a chunk is transcribed in, and what becomes of speech no offline model writes.

Chunks are analysed in parallel, so the order is: the job's declared `options.language`;
else the language recorded on the job, which chunk 0 detects on its first speech (the job's
first window) and records; else (chunk 0 has not recorded it yet, or heard no speech) the
chunk detects on its own first speech. A chunk is never transcribed in a language guessed
before any speech was heard, and where chunks run in order (the embedded bus) detection
runs once per job. Speech the transcriber cannot write goes to the job's model analyzer
(Gemini hears it) when its plan has one; otherwise the analysis fails, saying what is
supported (a declared language no analyzer of the job hears was refused at submit:
`steps/language_offer.py`)."""

from __future__ import annotations

from klair.domain.errors import LanguageNotSupported
from klair.domain.job import Job
from klair.domain.transcript import Transcript
from klair.handlers.deps import Deps
from klair.handlers.steps.language_offer import refusal


def declared_or_recorded(deps: Deps, job: Job) -> str | None:
    """The language to transcribe in, None to detect it. The job is read again: chunk 0 may
    have recorded its language while this chunk was being transcoded."""
    return job.options.language or deps.store.get(job.id).language


def record_language(deps: Deps, job: Job, index: int, transcript: Transcript) -> None:
    """Chunk 0's detected language becomes the job's (the later chunks read it)."""
    if index == 0 and job.options.language is None and transcript.speech:
        deps.store.update(job.id, language=transcript.language)


def not_supported(
    deps: Deps, job: Job, language: str | None, why: str = ""
) -> LanguageNotSupported:
    """The failure of a job whose speech no analyzer it may use can transcribe."""
    offline = deps.transcriber.languages() if deps.transcriber is not None else ()
    spoken = f"'{language}'" if language else "a language the offline transcriber cannot write"
    upgrade = "" if deps.model_analyzer is None else "; plans with a model analyzer hear many more"
    return refusal(f"the speech is in {spoken}{why}", language, offline, upgrade, job.tier)

"""Where a job's transcripts live and how they are read back: one per chunk (written by
`analyze_chunk`), then the merged transcript, its captions and the insights (written by
`select_clips`), which export (captions) and the results read."""

from __future__ import annotations

from pydantic import ValidationError

from klair.domain import naming
from klair.domain.analysis.insights import Insights
from klair.domain.ids import JobId
from klair.domain.transcript import Transcript
from klair.handlers.deps import Deps

CHUNKS_DIR = "transcript"


INSIGHTS = "insights.json"


# Caption formats of the whole transcript, besides its JSON (words with timings).
CAPTION_FORMATS = ("srt", "vtt")


def chunk_name(job_id: JobId, index: int) -> str:
    return naming.work(job_id, f"{CHUNKS_DIR}/{index:04d}.json")


def transcript_files(job_id: JobId) -> dict[str, str]:
    """Format → object name of the job's whole transcript: json, srt and vtt."""
    return {fmt: naming.result(job_id, f"transcript.{fmt}") for fmt in ("json", *CAPTION_FORMATS)}


def insights_name(job_id: JobId) -> str:
    return naming.result(job_id, INSIGHTS)


def save_chunk(deps: Deps, job_id: JobId, index: int, transcript: Transcript) -> None:
    data = transcript.model_dump_json().encode()
    deps.blobs.put_bytes(chunk_name(job_id, index), data, "application/json")


def load_chunk(deps: Deps, job_id: JobId, index: int) -> Transcript | None:
    """The chunk's stored transcript (a redelivery reuses it), None if absent or unreadable."""
    name = chunk_name(job_id, index)
    if not deps.blobs.exists(name):
        return None
    try:
        return Transcript.model_validate_json(deps.blobs.read_bytes(name))
    except ValidationError:
        return None


def load_chunks(deps: Deps, job_id: JobId) -> list[Transcript]:
    prefix = naming.work(job_id, CHUNKS_DIR + "/")
    return [
        Transcript.model_validate_json(deps.blobs.read_bytes(name))
        for name in sorted(deps.blobs.list(prefix))
    ]


def load_transcript(deps: Deps, job_id: JobId) -> Transcript | None:
    """The job's whole transcript once selection has merged it (word timings for captions)."""
    name = transcript_files(job_id)["json"]
    if not deps.blobs.exists(name):
        return None
    return Transcript.model_validate_json(deps.blobs.read_bytes(name))


def load_insights(deps: Deps, job_id: JobId) -> Insights | None:
    name = insights_name(job_id)
    if not deps.blobs.exists(name):
        return None
    return Insights.model_validate_json(deps.blobs.read_bytes(name))

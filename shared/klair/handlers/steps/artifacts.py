"""Where a job's transcripts live and how they are read back: one per chunk (written by
`analyze_chunk`), then the merged transcript, its captions and the insights (written by
`select_clips`), which export (captions) and the results read."""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from klair.domain import naming
from klair.domain.analysis.insights import Insights
from klair.domain.ids import JobId
from klair.domain.job import Job
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


HEADER_BYTES = 4096  # ffmpeg's header (RIFF, fmt, LIST, data) is well under this


MARGIN_SECONDS = 1.0  # either side of the window: readers may round outwards


@dataclass(frozen=True)
class WavLayout:
    data_offset: int
    data_size: int
    byte_rate: int
    block_align: int


def wav_layout(head: bytes) -> WavLayout | None:
    """Where a PCM WAV's samples start and how long they are, from its first bytes; None
    when this is not a WAV whose `data` chunk starts (with a known size) within them."""
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    position, fmt = 12, None
    while position + 8 <= len(head):
        kind, size = head[position : position + 4], struct.unpack_from("<I", head, position + 4)[0]
        body = position + 8
        if kind == b"fmt " and body + 16 <= len(head):
            byte_rate, block_align = struct.unpack_from("<IH", head, body + 8)
            fmt = (byte_rate, block_align)
        elif kind == b"data":
            if fmt is None or fmt[0] == 0 or fmt[1] == 0 or size in (0, 0xFFFFFFFF):
                return None
            return WavLayout(body, size, *fmt)
        position = body + size + (size & 1)  # chunks are padded to even sizes
    return None


def fetch_window(deps: Deps, name: str, path: Path, start: float, end: float) -> None:
    """`path` becomes object `name` for whoever reads seconds `start`..`end` of it; a file
    that is not a plain WAV is downloaded whole."""
    head = deps.blobs.read_range(name, 0, HEADER_BYTES)
    layout = wav_layout(head)
    if layout is None:
        deps.blobs.download(name, path)
        return
    align, rate = layout.block_align, layout.byte_rate
    first = max(0, math.floor((start - MARGIN_SECONDS) * rate / align) * align)
    last = min(layout.data_size, math.ceil((end + MARGIN_SECONDS) * rate / align) * align)
    body = deps.blobs.read_range(name, layout.data_offset + first, layout.data_offset + last)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        out.write(head[: layout.data_offset])
        out.truncate(layout.data_offset + layout.data_size)  # a hole: no bytes stored
        out.seek(layout.data_offset + first)
        out.write(body)


def load_signals(deps: Deps, job: Job) -> dict[str, object]:
    data: dict[str, object] = json.loads(deps.blobs.read_bytes(naming.work(job.id, naming.SIGNALS)))
    return data

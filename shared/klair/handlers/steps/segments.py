"""A chunk's own media: its window of the source transcoded by the invocation that analyses
it (ffmpeg seeks in the stored source and reads only that range), stored under
`work/{job}/chunks/{index}/` so a redelivery, selection, Gemini and export reuse it. No
invocation reads more of the source than its chunk, whatever the source's length; and the
chunk's analysis starts the moment its segment exists, in the same process, without a
round trip through the bucket."""

from __future__ import annotations

import json
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

from klair.domain import naming
from klair.domain.errors import KlairError, NotFound
from klair.domain.events import ChunkReady
from klair.domain.job import Job
from klair.domain.segments import joined
from klair.domain.signals import Signals
from klair.handlers.deps import Deps
from klair.handlers.steps.lifecycle import StageLeft, fail_job

log = structlog.get_logger(__name__)
SIGNALS = "/" + naming.SIGNALS


HEADER_BYTES = 4096  # ffmpeg's header (RIFF, fmt, LIST, data) is well under this


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


@dataclass(frozen=True)
class ChunkMedia:
    audio: Path  # a WAV on the source's clock: the chunk's samples at their own seconds
    signals: dict[str, Any]  # the chunk's signals.json, on the source's clock


def chunk_media(deps: Deps, job: Job, event: ChunkReady, work: Path) -> ChunkMedia:
    """The chunk's audio and signals: stored ones on a redelivery, else transcoded now from
    the source's window and stored (proxy and audio first, signals last: the signals say
    the chunk's media is complete)."""
    signals_name = naming.chunk_work(job.id, event.index, naming.SIGNALS)
    segment = work / "segment"
    if deps.blobs.exists(signals_name):
        segment.mkdir(parents=True, exist_ok=True)
        deps.blobs.download(
            naming.chunk_work(job.id, event.index, naming.AUDIO), segment / naming.AUDIO
        )
        signals = json.loads(deps.blobs.read_bytes(signals_name))
    else:
        signals = _transcode(deps, job, event, segment)
    audio = work / naming.AUDIO
    on_source_clock(segment / naming.AUDIO, event.start, audio)
    return ChunkMedia(audio=audio, signals=signals)


def _transcode(deps: Deps, job: Job, event: ChunkReady, segment: Path) -> dict[str, Any]:
    assert job.media is not None and job.source_object is not None
    source = deps.blobs.media_url(job.source_object)
    window = (event.start, min(event.end, job.media.duration))
    try:
        out = deps.transcoder.transcode(source, segment, job.media, window=window)
    except StageLeft:
        raise
    except KlairError as error:  # damaged media: the transcode's finding, in its stage's name
        if error.retryable:
            raise
        fail_job(deps, job.id, error, "transcode")
        raise StageLeft(f"{job.id} failed in its segment's transcode") from error
    deps.blobs.put_file(naming.chunk_work(job.id, event.index, out.proxy.name), out.proxy)
    if out.audio_proxy is not None:  # a video's sound, beside its silent proxy (Gemini)
        deps.blobs.put_file(
            naming.chunk_work(job.id, event.index, naming.AUDIO_PROXY), out.audio_proxy
        )
    deps.blobs.put_file(
        naming.chunk_work(job.id, event.index, naming.AUDIO), out.audio, "audio/wav"
    )
    data = out.signals.read_bytes()
    deps.blobs.put_bytes(
        naming.chunk_work(job.id, event.index, naming.SIGNALS), data, "application/json"
    )
    log.info("segment transcoded", job_id=job.id, chunk=event.index, start=window[0],
             end=window[1])  # fmt: skip
    signals: dict[str, Any] = json.loads(data)
    return signals


def on_source_clock(segment_wav: Path, start: float, dest: Path) -> None:
    """`dest`: the segment's PCM WAV with its samples at `start` seconds, the seconds
    before it a hole in a sparse file (no bytes stored), so readers that seek by the
    source's seconds (the transcriber, the analyzers) find the chunk where it was."""
    with segment_wav.open("rb") as src:
        head = src.read(HEADER_BYTES)
        layout = wav_layout(head)
        if layout is None:
            raise ValueError(f"{segment_wav} is not a PCM WAV with a known data size")
        lead = round(start * layout.byte_rate / layout.block_align) * layout.block_align
        size = lead + layout.data_size
        header = bytearray(head[: layout.data_offset])
        header[4:8] = (len(header) - 8 + size).to_bytes(4, "little")
        header[layout.data_offset - 4 : layout.data_offset] = size.to_bytes(4, "little")
        with dest.open("wb") as out:
            out.write(header)
            out.truncate(layout.data_offset + lead)
            out.seek(layout.data_offset + lead)
            src.seek(layout.data_offset)
            shutil.copyfileobj(src, out, 1 << 20)


def load_signals(deps: Deps, job: Job) -> Signals:
    """The source's signals, joined from its chunks' (a job transcoded whole before
    segments has one `signals.json`). Raises `NotFound` while a chunk has none."""
    whole = naming.work(job.id, naming.SIGNALS)
    if deps.blobs.exists(whole):
        return Signals.model_validate_json(deps.blobs.read_bytes(whole))
    names = [n for n in deps.blobs.list(naming.work(job.id, "chunks/")) if n.endswith(SIGNALS)]
    if not names:
        raise NotFound(f"{job.id} has no signals", name=whole)
    return joined([Signals.model_validate_json(deps.blobs.read_bytes(n)) for n in names])

"""Object names in the media bucket: the one place that knows the layout."""

from __future__ import annotations

import mimetypes
import re
from pathlib import PurePosixPath

from klair.domain.errors import InvalidInput
from klair.domain.ids import ClipId, JobId, UserId

_UPLOAD = re.compile(r"^uploads/(?P<owner>[^/]+)/(?P<job>job_[0-9a-f]+)/(?P<file>[^/]+)$")


_SOURCE = re.compile(r"^sources/(?P<job>job_[0-9a-f]+)/source(?P<ext>\.[A-Za-z0-9]{1,8})?$")


def upload(owner: UserId, job_id: JobId, filename: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", PurePosixPath(filename).name)[:100] or "upload"
    return f"uploads/{owner}/{job_id}/{safe}"


def parse_upload(name: str) -> tuple[UserId, JobId] | None:
    match = _UPLOAD.match(name)
    if match is None:
        return None
    return UserId(match["owner"]), JobId(match["job"])


def source(job_id: JobId, suffix: str) -> str:
    ext = suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", suffix) else ".bin"
    return f"sources/{job_id}/source{ext.lower()}"


def incoming_source(job_id: JobId, suffix: str) -> str:
    """Where a download is streamed before it is probed and judged: under `work/` (its
    finalize starts nothing, a failed job's clean-up removes it); copied to `source()`."""
    return work(job_id, "incoming/" + PurePosixPath(source(job_id, suffix)).name)


def parse_source(name: str) -> JobId | None:
    match = _SOURCE.match(name)
    return JobId(match["job"]) if match else None


# The transcode's work files under `work/{job}/`, named once for every stage that reads them.
AUDIO = "audio.wav"  # 16 kHz mono PCM: transcription, loudness, reactions
SIGNALS = "signals.json"
VIDEO_PROXY = "proxy.mp4"  # silent: a video job's sound is in AUDIO_PROXY
AUDIO_PROXY = "proxy.m4a"  # the sound Gemini listens to (an audio job's only proxy)


def proxy_file(has_video: bool) -> str:
    return VIDEO_PROXY if has_video else AUDIO_PROXY


def work(job_id: JobId, filename: str) -> str:
    return f"work/{job_id}/{filename}"


def chunk_work(job_id: JobId, index: int, filename: str) -> str:
    """A chunk's own work files (its proxy, audio and signals, times from the chunk's
    start): `work/{job}/chunks/{index:04d}/{filename}`."""
    return work(job_id, f"chunks/{index:04d}/{filename}")


def result(job_id: JobId, filename: str) -> str:
    """A job-level result kept as long as its clips (transcript, insights), unlike work/."""
    return f"clips/{job_id}/{filename}"


def clip(job_id: JobId, clip_id: ClipId, filename: str) -> str:
    return f"clips/{job_id}/{clip_id}/{filename}"


def archive(job_id: JobId, key: str) -> str:
    """The job's zip of one set of rendered files (`domain.archive`), kept with its clips."""
    return f"clips/{job_id}/archives/{key}.zip"


def job_prefixes(job_id: JobId) -> tuple[str, ...]:
    return (f"sources/{job_id}/", f"work/{job_id}/", f"clips/{job_id}/")


def check_name(name: str) -> str:
    """Return `name` if it is a safe object name, else raise `InvalidInput`.

    GCS would accept more, but every adapter applies these rules so that a name valid in
    one mode is valid in all, and no name can escape the local root.
    """
    if not name or len(name.encode()) > MAX_NAME_BYTES:
        raise InvalidInput("object name must be 1 to 1024 bytes", name=name)
    if any(ch in name for ch in _FORBIDDEN_CHARS):
        raise InvalidInput("object name contains a forbidden character", name=name)
    if any(part in ("", ".", "..") for part in name.split("/")):
        raise InvalidInput("object name must be a relative path without . or ..", name=name)
    return name


def check_prefix(prefix: str) -> str:
    """Validate a listing prefix: empty, or the start of a valid name."""
    if prefix:
        check_name(prefix + "x" if prefix.endswith("/") else prefix)
    return prefix


def guess_type(name: str, content_type: str | None) -> str:
    """The content type to record: the given one, else a guess from the name's extension."""
    return content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"


MAX_NAME_BYTES = 1024


_FORBIDDEN_CHARS = ("\x00", "\r", "\n", "\\")

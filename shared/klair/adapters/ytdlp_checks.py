"""What the yt-dlp downloader watches and judges: yt-dlp's log (quietly, noticing a size
refusal it reports only as a message), its progress hook (bytes, the size limit, the
caller's callback) and the metadata checks that refuse a source before any media."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from klair.adapters.ytdlp_errors import refusal
from klair.adapters.ytdlp_stream import too_large
from klair.domain.errors import SourceUnavailable
from klair.domain.source_checks import SourceLimits, check_duration, check_size
from klair.ports.media import DownloadProgress

_log = logging.getLogger("klair.adapters.ytdlp_downloader")


class YtDlpLog:
    """yt-dlp writes to stderr unless given a logger; route it to ours, quietly. It also
    notices the refusal yt-dlp reports only as a message: a file over `max_filesize`."""

    def __init__(self) -> None:
        self.too_large = False

    def debug(self, message: str) -> None:
        self.too_large = self.too_large or "larger than max-filesize" in message
        _log.debug("yt-dlp: %s", message)

    def info(self, message: str) -> None:
        self.debug(message)

    def warning(self, message: str) -> None:
        _log.info("yt-dlp: %s", message)

    def error(self, message: str) -> None:
        _log.info("yt-dlp: %s", message)


class Progress:
    """yt-dlp's progress hook: bytes over every file of the download (video, then audio),
    the size limit, and the caller's callback (whose exceptions stop the download)."""

    def __init__(self, max_bytes: int, report: Callable[[DownloadProgress], None] | None):
        self.max_bytes = max_bytes
        self.too_large: Exception = too_large(max_bytes)
        self.report = report
        self.expected: int | None = None
        self.files: dict[str, tuple[int, int | None]] = {}

    def __call__(self, status: dict[str, Any]) -> None:
        if status.get("status") not in ("downloading", "finished"):
            return
        name = str(status.get("filename") or status.get("tmpfilename") or "")
        total = status.get("total_bytes") or status.get("total_bytes_estimate")
        self.files[name] = (int(status.get("downloaded_bytes") or 0), total and int(total))
        done = sum(d for d, _ in self.files.values())
        if done > self.max_bytes:
            raise self.too_large
        if self.report is not None:
            seen = sum(t or d for d, t in self.files.values())
            self.report(DownloadProgress(downloaded_bytes=done, total_bytes=self.expected or seen))


def expected_bytes(info: dict[str, Any]) -> int | None:
    formats = info.get("requested_formats") or [info]
    sizes = [f.get("filesize") or f.get("filesize_approx") for f in formats]
    return int(sum(sizes)) if sizes and all(sizes) else None


def judged(info: dict[str, Any] | None, limits: SourceLimits) -> dict[str, Any]:
    """Refuse what must not be downloaded, from the metadata alone."""
    if not info:
        raise refusal("source_unavailable")
    if info.get("_type") in ("playlist", "multi_video"):
        raise SourceUnavailable(
            "the URL is a playlist or a page with several videos; send the URL of one video",
            code="playlist_not_supported",
        )
    live = info.get("live_status")
    if live == "is_live" or info.get("is_live"):
        raise refusal("source_is_live")
    if live == "is_upcoming":
        raise refusal("source_not_available_yet")
    if info.get("duration"):
        check_duration(float(info["duration"]), limits)
    expected = expected_bytes(info)
    if expected is not None:
        check_size(expected, limits)
    return info

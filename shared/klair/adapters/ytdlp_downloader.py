"""Downloader over yt-dlp's Python API, with its failures sorted into permanent and retryable."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yt_dlp
from yt_dlp.networking.exceptions import CertificateVerifyError, HTTPError, TransportError
from yt_dlp.utils import DownloadError, ExtractorError, UnsupportedError

from klair.domain.errors import KlairError, SourceUnavailable, Transient

FORMAT = "bv*[height<=1080]+ba/b[height<=1080]/b"
_log = logging.getLogger(__name__)

# Lower-cased message fragments, checked in order, for errors yt-dlp reports only as text.
_PERMANENT_MESSAGES = (
    ("unsupported url", "unsupported_site"),
    ("private", "source_private"),
    ("sign in", "source_private"),
    ("login required", "source_private"),
    ("members-only", "source_private"),
    ("requested format is not available", "no_suitable_format"),
    ("404", "source_not_found"),
    ("410", "source_not_found"),
    ("not found", "source_not_found"),
    ("unavailable", "source_not_found"),
    ("has been removed", "source_not_found"),
    ("does not exist", "source_not_found"),
)


class _Logger:
    """yt-dlp writes to stderr unless given a logger; route it to ours, quietly.

    It also notices the one refusal yt-dlp only reports as a message: a file over
    `max_filesize` is skipped without an error.
    """

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


class _TooLargeError(Exception):
    """Raised from the progress hook when a download without a known size outgrows the limit."""


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error and what it wraps: yt-dlp keeps the original in `exc_info` and `cause`."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        exc_info = getattr(current, "exc_info", None)
        inner = exc_info[1] if isinstance(exc_info, tuple) and len(exc_info) > 1 else None
        pending += [inner, getattr(current, "cause", None), current.__cause__]


def _by_type(error: BaseException, message: str) -> KlairError | None:
    if isinstance(error, _TooLargeError):
        return SourceUnavailable(message, code="source_too_large")
    if isinstance(error, UnsupportedError):
        return SourceUnavailable(message, code="unsupported_site")
    if isinstance(error, HTTPError):
        if error.status in (404, 410):
            return SourceUnavailable(message, code="source_not_found")
        if error.status in (401, 403):
            return SourceUnavailable(message, code="source_forbidden")
        return Transient(message)  # 429 and 5xx: the site may answer later
    if isinstance(error, CertificateVerifyError):
        return SourceUnavailable(message, code="source_tls_error")
    if isinstance(error, TransportError | TimeoutError | ConnectionError):
        return Transient(message)
    return None


def classify(error: DownloadError) -> KlairError:
    """Map a yt-dlp failure to `SourceUnavailable` (permanent, specific code) or `Transient`."""
    message = str(error).removeprefix("ERROR: ").strip() or "download failed"
    for cause in _causes(error):
        mapped = _by_type(cause, message)
        if mapped is not None:
            return mapped
    lowered = message.lower()
    if "timed out" in lowered or "connection" in lowered or "temporar" in lowered:
        return Transient(message)
    for fragment, code in _PERMANENT_MESSAGES:
        if fragment in lowered:
            return SourceUnavailable(message, code=code)
    expected = any(isinstance(c, ExtractorError) and c.expected for c in _causes(error))
    return SourceUnavailable(message) if expected else Transient(message)


class YtDlpDownloader:
    """Fetches one video (never a playlist) of at most 1080p into `dest_dir` as `source.<ext>`."""

    def __init__(self, socket_timeout: float = 30.0, retries: int = 3) -> None:
        self._socket_timeout = socket_timeout
        self._retries = retries

    def _options(self, dest_dir: Path, max_bytes: int, logger: _Logger) -> dict[str, Any]:
        def limit(progress: dict[str, Any]) -> None:
            if (progress.get("downloaded_bytes") or 0) > max_bytes:
                raise _TooLargeError(f"the source is larger than {max_bytes} bytes")

        return {
            "format": FORMAT,
            "noplaylist": True,
            "playlist_items": "1",
            "max_filesize": max_bytes,
            "outtmpl": str(dest_dir / "source.%(ext)s"),
            "quiet": True,
            "noprogress": True,
            "color": "no_color",
            "socket_timeout": self._socket_timeout,
            "retries": self._retries,
            "cachedir": False,
            "overwrites": True,
            "logger": logger,
            "progress_hooks": [limit],
        }

    def download(self, url: str, dest_dir: Path, max_bytes: int) -> Path:
        dest_dir.mkdir(parents=True, exist_ok=True)
        logger = _Logger()
        with yt_dlp.YoutubeDL(self._options(dest_dir, max_bytes, logger)) as ydl:
            try:
                info = ydl.extract_info(url, download=True)
            except DownloadError as exc:
                _discard_partial(dest_dir)
                raise classify(exc) from exc
            except _TooLargeError as exc:  # the progress hook's, which yt-dlp lets through
                _discard_partial(dest_dir)
                raise SourceUnavailable(str(exc), code="source_too_large") from exc
        found = _downloaded(info, dest_dir)
        if found is None or logger.too_large:
            raise _missing(info, max_bytes, logger.too_large)
        return found


def _discard_partial(dest_dir: Path) -> None:
    for partial in dest_dir.glob("source.*.part"):
        partial.unlink(missing_ok=True)


def _missing(info: dict[str, Any] | None, max_bytes: int, too_large: bool) -> SourceUnavailable:
    size = (info or {}).get("filesize") or (info or {}).get("filesize_approx") or 0
    if too_large or size > max_bytes:
        message = f"the source is larger than {max_bytes} bytes"
        return SourceUnavailable(message, code="source_too_large")
    return SourceUnavailable("nothing was downloaded from the URL")


def _downloaded(info: dict[str, Any] | None, dest_dir: Path) -> Path | None:
    """The file yt-dlp wrote, if it wrote one."""
    entries = (info or {}).get("entries")
    if entries:
        info = next(iter(entries), None)
    requested = (info or {}).get("requested_downloads") or []
    paths = [Path(d["filepath"]) for d in requested if d.get("filepath")]
    found = next((p for p in paths if p.exists()), None)
    if found is None:
        candidates = sorted(dest_dir.glob("source.*"))
        found = next((p for p in candidates if not p.name.endswith(".part")), None)
    return found

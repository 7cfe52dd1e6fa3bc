"""Downloader over yt-dlp's Python API: one video (never a playlist), judged from its metadata
before a byte of media is fetched, streamed behind the SSRF guard into the caller's sink with
progress reported. A single progressive file is streamed as it arrives (`ytdlp_stream`); only
formats that need a merge or are fragmented (HLS, DASH) go through yt-dlp's own download
into a bounded temporary directory first (the residual case)."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yt_dlp

from klair.adapters.egress_proxy import EgressProxy
from klair.adapters.site_access import SiteAccess
from klair.adapters.ssrf import Guard
from klair.adapters.ytdlp_checks import Progress, YtDlpLog, expected_bytes, judged
from klair.adapters.ytdlp_errors import TooLarge, klair_errors, refusal
from klair.adapters.ytdlp_guard import guarded_handler
from klair.adapters.ytdlp_routes import Routes
from klair.adapters.ytdlp_runtime import RuntimeParams
from klair.adapters.ytdlp_stream import READ_BYTES, FormatStream, streamable
from klair.domain.errors import SourceUnavailable
from klair.domain.source_checks import SourceLimits
from klair.domain.url_policy import UrlPolicy
from klair.ports.media import DownloadProgress, OpenSink

# Only transports whose every request goes through the guarded handler.
_PROTOCOLS = "[protocol~='^(https?|m3u8(_native)?|http_dash_segments)$']"
_DIRECT = "[protocol~='^https?$']"  # one file, one GET: streamed, never stored locally


def video_format(spool_bytes: int) -> str:
    """yt-dlp's format choice. A progressive file (video and audio together, `b`) of 720p
    to 1080p is streamed as it arrives. Below 720p (YouTube's only progressive format is
    360p) separate HD renditions are merged instead when the site says they fit the spool
    (`spool_bytes`); a longer source streams the progressive file after all, rather than
    being refused. Only when a site offers no progressive file are renditions merged or
    fragments joined whatever their size (the spool then refuses what is too large)."""
    video, audio = f"[filesize<{spool_bytes * 3 // 4}]", f"[filesize<{spool_bytes // 4}]"
    return "/".join(
        (
            f"b[height>=720][height<=?1080]{_DIRECT}",
            f"bv*[height>=720][height<=1080]{video}{_PROTOCOLS}+ba{audio}{_PROTOCOLS}",
            f"b[height<=?1080]{_DIRECT}",
            f"bv*[height<=1080]{_PROTOCOLS}+ba{_PROTOCOLS}",
            f"b[height<=1080]{_PROTOCOLS}",
            f"w{_DIRECT}",
            f"wv*{_PROTOCOLS}+ba{_PROTOCOLS}",
            f"w{_PROTOCOLS}",
        )
    )


AUDIO_FORMAT = f"ba{_DIRECT}/ba{_PROTOCOLS}/b{_PROTOCOLS}"
# The residual case holds the parts and their merge (about twice the source) in the
# function's /tmp, which is memory: it takes sources up to this size.
SPOOL_BYTES = 256 * 1024 * 1024
# Highest resolution up to 1080p first; then H.264/AAC, the cheapest to decode and cut.
FORMAT_SORT = ["res:1080", "vcodec:h264", "acodec:aac"]
# Metadata `inspect` extracted is reused by the download that follows within this long
# (sites' media URLs stay valid for hours); a few are kept for concurrent jobs.
REUSE_SECONDS = 600.0
KEEP_INSPECTED = 8


class _GuardedYoutubeDL(yt_dlp.YoutubeDL):  # type: ignore[misc]  # yt-dlp is untyped
    """A YoutubeDL whose only request handler is the guarded one (yt-dlp's public hook)."""

    def __init__(
        self,
        params: dict[str, Any],
        guard: Guard,
        extractors: Sequence[Any],
        proxy: EgressProxy | None = None,
    ) -> None:
        self._klair_guard, self._klair_proxy = guard, proxy
        super().__init__(params, auto_init=False)
        for extractor in extractors:  # ahead of yt-dlp's own, which end with the generic one
            self.add_info_extractor(extractor() if isinstance(extractor, type) else extractor)
        self.add_default_info_extractors()

    def build_request_director(self, handlers: Any, preferences: Any = None) -> Any:
        handler = guarded_handler(self._klair_guard, self._klair_proxy)
        return super().build_request_director([handler], preferences)


class YtDlpDownloader:
    """Fetches one video of at most 1080p (with audio) into `dest_dir` as `source.<ext>`.

    yt-dlp first extracts the metadata only; playlists, live streams, and sources over the
    duration or size limit are refused there. The download then reuses that extraction.
    `extractors` are tried before yt-dlp's own (tests use them to play a site).
    """

    def __init__(
        self,
        policy: UrlPolicy | Guard | None = None,
        access: SiteAccess | None = None,
        retries: int = 3,
        extractors: Sequence[Any] = (),
        spool_bytes: int = SPOOL_BYTES,
    ) -> None:
        self._spool_bytes = spool_bytes
        self._guard = policy if isinstance(policy, Guard) else Guard(policy or UrlPolicy())
        self._access = access or SiteAccess()
        self._runtime_params = RuntimeParams(self._access)  # JS runtime, cookies
        self._retries = retries
        self._extractors = tuple(extractors)
        self._inspected: dict[tuple[str, bool], tuple[float, dict[str, Any]]] = {}
        proxy = EgressProxy.parse(self._access.proxy) if self._access.proxy else None
        self._routes = Routes(proxy, always=self._access.proxy_use == "always")

    def _params(self, dest: Path, limits: SourceLimits, hook: Progress) -> dict[str, Any]:
        return {
            "format": AUDIO_FORMAT if limits.audio_only else video_format(self._spool_bytes),
            "format_sort": FORMAT_SORT,
            "merge_output_format": "mp4/mkv",
            "noplaylist": True,
            "extract_flat": "in_playlist",
            "max_filesize": limits.max_bytes,
            "outtmpl": {"default": "source.%(ext)s"},
            "paths": {"home": str(dest), "temp": str(dest)},
            "quiet": True,
            "noprogress": True,
            "color": "no_color",
            "socket_timeout": self._access.socket_timeout,
            "retries": self._retries,
            "fragment_retries": self._retries,
            "extractor_retries": 1,
            "cachedir": False,
            "overwrites": True,
            "ignoreerrors": False,
            "proxy": "",
            # No external program may fetch anything: they would bypass the guard.
            "external_downloader": {"default": "native"},
            "external_downloader_args": {"ffmpeg_i": ["-protocol_whitelist", "file,crypto"]},
            "progress_hooks": [hook],
            **self._runtime_params(),
        }

    def inspect(self, url: str, limits: SourceLimits) -> float | None:
        """The source's length in seconds from its metadata alone (no media fetched), refused
        as `download` would refuse it; None when the site does not say. Ingest reserves the
        minutes from it before downloading."""
        self._guard.check_url(url)
        return self._routes.run(url, lambda proxy: self._inspect(url, limits, proxy))

    def _inspect(self, url: str, limits: SourceLimits, proxy: EgressProxy | None) -> float | None:
        hook = Progress(limits.max_bytes, None)
        params = {**self._params(Path.cwd(), limits, hook), "logger": YtDlpLog()}
        with _GuardedYoutubeDL(params, self._guard, self._extractors, proxy) as ydl, klair_errors():
            info = judged(ydl.extract_info(url, download=False), limits)
        while len(self._inspected) >= KEEP_INSPECTED:
            self._inspected.pop(next(iter(self._inspected)), None)
        self._inspected[url, proxy is not None] = (time.monotonic(), info)
        duration = info.get("duration")
        return float(duration) if duration else None

    def _metadata(self, ydl: _GuardedYoutubeDL, url: str, limits: SourceLimits) -> dict[str, Any]:
        """The judged metadata: what `inspect` just extracted for this URL by the same route
        (one extraction per job, so one request to the site fewer; a site may bind its media
        URLs to the address that asked), else a fresh extraction."""
        kept = self._inspected.pop((url, ydl._klair_proxy is not None), None)
        if kept is not None and time.monotonic() - kept[0] < REUSE_SECONDS:
            return judged(kept[1], limits)
        return judged(ydl.extract_info(url, download=False), limits)

    def download(
        self,
        url: str,
        open_sink: OpenSink,
        limits: SourceLimits,
        on_progress: Callable[[DownloadProgress], None] | None = None,
    ) -> str:
        self._guard.check_url(url)  # before any request, even the extractor's first
        opened: list[str] = []

        def sink(ext: str) -> Any:
            opened.append(ext)
            return open_sink(ext)

        def attempt(proxy: EgressProxy | None) -> str:
            return self._download(url, sink, limits, on_progress, proxy)

        return self._routes.run(url, attempt, retryable=lambda: not opened)

    def _download(
        self,
        url: str,
        open_sink: OpenSink,
        limits: SourceLimits,
        on_progress: Callable[[DownloadProgress], None] | None,
        proxy: EgressProxy | None,
    ) -> str:
        with tempfile.TemporaryDirectory(prefix="klair-ytdlp-") as spool:
            logger, hook = YtDlpLog(), Progress(limits.max_bytes, on_progress)
            params = {**self._params(Path(spool), limits, hook), "logger": logger}
            guarded = _GuardedYoutubeDL(params, self._guard, self._extractors, proxy)
            with guarded as ydl, klair_errors():
                info = self._metadata(ydl, url, limits)
                chosen = judged(ydl.process_ie_result(dict(info), download=False), limits)
                if streamable(chosen):
                    ext = str(chosen.get("ext") or "mp4")
                    stream = FormatStream(ydl, chosen, limits.max_bytes, self._retries, on_progress)
                    with open_sink(ext) as sink:
                        stream.copy_to(sink)
                    return ext
                hook.expected = expected_bytes(chosen)
                return self._spooled(ydl, info, Path(spool), open_sink)

    def _spooled(
        self, ydl: _GuardedYoutubeDL, info: dict[str, Any], spool: Path, open_sink: OpenSink
    ) -> str:
        """The residual case: formats to merge or fragments to join, which yt-dlp writes
        into `spool` (at most `spool_bytes`, or the plan's bytes when fewer), then copied
        into the sink."""
        hook, logger = ydl.params["progress_hooks"][0], ydl.params["logger"]
        if self._spool_bytes < hook.max_bytes:
            hook.max_bytes = ydl.params["max_filesize"] = self._spool_bytes
            hook.too_large = TooLarge(
                "this site serves the video as separate streams to join, which Klair does "
                f"up to {self._spool_bytes / 1e6:.0f} MB"
            )
        found = _downloaded(ydl.process_ie_result(info, download=True), spool)
        if logger.too_large:
            raise SourceUnavailable(str(hook.too_large), code="source_too_large")
        if found is None:
            raise refusal("source_unavailable", "nothing was downloaded from the URL")
        ext = found.suffix.lstrip(".") or "mp4"
        with found.open("rb") as file, open_sink(ext) as sink:
            shutil.copyfileobj(file, sink, READ_BYTES)
        return ext


def _downloaded(info: dict[str, Any] | None, dest_dir: Path) -> Path | None:
    """The file yt-dlp wrote, if it wrote one."""
    requested = (info or {}).get("requested_downloads") or []
    paths = [Path(d["filepath"]) for d in requested if d.get("filepath")]
    found = next((p for p in paths if p.exists()), None)
    if found is None:
        candidates = sorted(dest_dir.glob("source.*"))
        found = next((p for p in candidates if not p.name.endswith((".part", ".ytdl"))), None)
    return found

"""The downloader built on its first use: yt-dlp (a large import) loads only in a function
that downloads or inspects a URL, never in one that only carries the port (the API)."""

from __future__ import annotations

from collections.abc import Callable

from klair.adapters.site_access import SiteAccess
from klair.domain.source_checks import SourceLimits
from klair.domain.url_policy import UrlPolicy
from klair.ports.media import Downloader, DownloadProgress, OpenSink


class DeferredDownloader:
    """`YtDlpDownloader(policy, access)`, made when first asked for."""

    def __init__(self, policy: UrlPolicy, access: SiteAccess) -> None:
        self._policy, self._access = policy, access
        self._real: Downloader | None = None

    def _downloader(self) -> Downloader:
        if self._real is None:
            from klair.adapters.ytdlp_downloader import YtDlpDownloader

            self._real = YtDlpDownloader(self._policy, access=self._access)
        return self._real

    def inspect(self, url: str, limits: SourceLimits) -> float | None:
        return self._downloader().inspect(url, limits)

    def download(
        self,
        url: str,
        open_sink: OpenSink,
        limits: SourceLimits,
        on_progress: Callable[[DownloadProgress], None] | None = None,
    ) -> str:
        return self._downloader().download(url, open_sink, limits, on_progress)

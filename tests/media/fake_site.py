"""A yt-dlp extractor playing a video site at `https://videos.klair.test/<case>`: each case
answers the way real sites do (metadata, playlists, live streams, or the very errors yt-dlp's
own extractors raise for private, removed, geo-blocked, bot-checked videos)."""

from __future__ import annotations

from typing import Any, ClassVar

from yt_dlp.extractor.common import InfoExtractor
from yt_dlp.utils import ExtractorError

SITE = "https://videos.klair.test"

# yt-dlp's own wording for these failures (YouTube's extractor, 2025-2026).
ERRORS = {
    "private": "Private video. Sign in if you've been granted access to this video. Use "
    "--cookies-from-browser or --cookies for the authentication.",
    "removed": "Video unavailable. This video has been removed by the uploader",
    "bot": "Sign in to confirm you’re not a bot. Use --cookies-from-browser or --cookies for "
    "the authentication. See https://github.com/yt-dlp/yt-dlp/wiki/FAQ for how to pass cookies",
    "age": "Sign in to confirm your age. This video may be inappropriate for some users.",
    "drm": "This video is DRM protected",
}


class FakeSiteIE(InfoExtractor):  # type: ignore[misc]
    _VALID_URL = r"https?://videos\.klair\.test/(?P<id>[\w-]+)"
    IE_NAME = "klairtest"
    # Filled by the test: case → info dict (media URLs point at the local media server).
    videos: ClassVar[dict[str, dict[str, Any]]] = {}
    extractions: ClassVar[list[str]] = []  # every case extracted, in order

    def _real_extract(self, url: str) -> dict[str, Any]:
        case = self._match_id(url)
        self.extractions.append(case)
        if case in ERRORS:
            raise ExtractorError(ERRORS[case], expected=True)
        if case == "geo":
            self.raise_geo_restricted(countries=["US"])
        if case == "broken":
            raise ExtractorError("Unable to extract initial data; please report this issue")
        if case == "playlist":
            entries = [self.url_result(f"{SITE}/plain", FakeSiteIE.ie_key(), "plain")] * 2
            return dict(self.playlist_result(entries, "list", "A playlist"))
        return {"id": case, "title": f"Video {case}", **self.videos[case]}

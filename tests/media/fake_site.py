"""yt-dlp extractors playing video sites. `https://videos.klair.test/<case>`: each case answers
the way real sites do (metadata, playlists, live streams, or the very errors yt-dlp's own
extractors raise for private, removed, geo-blocked, bot-checked videos). RecordedErrorsIE:
YouTube's recorded refusals raised as yt-dlp's YouTube extractor raises them, and other sites'
through yt-dlp's generic helpers. FakePlayerIE: YouTube's n challenge, solved by yt-dlp's JS
runtime running the site's player script."""

from __future__ import annotations

from typing import Any, ClassVar

from yt_dlp.extractor.common import InfoExtractor
from yt_dlp.extractor.youtube import YoutubeIE
from yt_dlp.extractor.youtube.jsc.provider import (
    JsChallengeRequest,
    JsChallengeType,
    NChallengeInput,
)
from yt_dlp.utils import ExtractorError, remove_end

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


# What YouTube's player answers (playabilityStatus reason, subreason) for each refusal, as
# yt-dlp users recorded them in public bug reports (2024-2026), curly apostrophes included.
YOUTUBE_SAYS: dict[str, tuple[str, str]] = {
    "bot": (
        "Sign in to confirm you’re not a bot. This helps protect our community. Learn more",
        "",
    ),
    "captcha": ("Sign in to confirm you’re not a bot", ""),
    "age": ("Sign in to confirm your age", "This video may be inappropriate for some users."),
    "private": ("Private video", "Sign in if you've been granted access to this video"),
    "removed": ("Video unavailable", "This video has been removed by the uploader"),
    "terminated": (
        "Video unavailable",
        "This video is no longer available because the YouTube account associated with this "
        "video has been terminated.",
    ),
    "geo": ("Video unavailable", "The uploader has not made this video available in your country"),
    "members": (
        "Join this channel from your computer or Android app to get access to members-only "
        "content like this video.",
        "",
    ),
    "members-level": (
        "This video is available to this channel's members on level: Bonus (or any higher "
        "level). Join this channel to get access to members-only content and other exclusive "
        "perks.",
        "",
    ),
    "upcoming": ("This live event will begin in 3 hours.", ""),
    "rate-limited": ("Video unavailable. This content isn't available, try again later.", ""),
}


class RecordedErrorsIE(InfoExtractor):  # type: ignore[misc]
    """`https://errors.klair.test/youtube/<case>` fails the way yt-dlp's YouTube extractor
    fails on what YouTube answered (the branch of `YoutubeIE._real_extract` that reads the
    playability status: geo first, then the sign-in hint, captcha and rate-limit context,
    raised through yt-dlp's own helpers); `.../site/<case>` the way other extractors do, with
    yt-dlp's generic helpers (`raise_login_required`, `raise_geo_restricted`, `report_drm`)."""

    _VALID_URL = r"https?://errors\.klair\.test/(?P<kind>youtube|site)/(?P<id>[\w-]+)"
    IE_NAME = "klairerrors"
    _COOKIE_HOWTO_WIKI_URL = YoutubeIE._COOKIE_HOWTO_WIKI_URL
    _youtube_login_hint = YoutubeIE._youtube_login_hint  # yt-dlp's own wording, not a copy

    def _real_extract(self, url: str) -> dict[str, Any]:
        kind, case = self._match_valid_url(url).group("kind", "id")
        if kind == "site":
            self._site(case)
        reason, subreason = YOUTUBE_SAYS[case]
        if subreason.startswith("The uploader has not made this video available in your country"):
            self.raise_geo_restricted(subreason, ["US"], metadata_available=True)
        if subreason and subreason != reason:
            reason += f". {subreason}"
        if "sign in" in reason.lower():
            reason = remove_end(reason, "This helps protect our community. Learn more")
            reason = f"{remove_end(reason.strip(), '.')}. {self._youtube_login_hint}"
            if case == "captcha":
                reason = f"{reason}. YouTube is requiring a captcha challenge before playback"
        elif "This content isn't available, try again later" in reason:
            reason = (
                f"{remove_end(reason.strip(), '.')}. The current session has been rate-limited "
                "by YouTube for up to an hour. It is recommended to use `-t sleep` to add a "
                "delay between video requests to avoid exceeding the rate limit."
            )
        self.raise_no_formats(reason, expected=True)
        raise AssertionError("unreachable")

    def _site(self, case: str) -> None:
        if case == "login":
            self.raise_login_required()
        if case == "login-message":
            self.raise_login_required("This content is only available to subscribers")
        if case == "geo":
            self.raise_geo_restricted(countries=["DE"])
        if case == "drm":
            self.report_drm(case)
        if case == "removed":
            raise ExtractorError("This video has been removed", expected=True)
        raise AssertionError(case)


class FakePlayerIE(YoutubeIE):  # type: ignore[misc]
    """`https://player.klair.test/<id>` plays YouTube's n challenge: the media is at
    `media_base + <n solved>.mp4`, and only the site's player JS (`player_url`) solves `n`,
    run by yt-dlp's own challenge machinery (`YoutubeIE`'s solver director: the configured JS
    runtime running the solver scripts of `yt-dlp-ejs`). Unsolved, there is no format."""

    _VALID_URL = r"https?://player\.klair\.test/(?P<id>[\w-]+)"
    IE_NAME = "klairplayer"
    player_url: ClassVar[str] = ""
    media_base: ClassVar[str] = ""

    def _real_extract(self, url: str) -> dict[str, Any]:
        video_id = self._match_id(url)
        challenge = NChallengeInput(challenges=[video_id], player_url=self.player_url)
        request = JsChallengeRequest(type=JsChallengeType.N, video_id=video_id, input=challenge)
        solved = {
            given: answer
            for _, response in self._jsc_director.bulk_solve([request])
            for given, answer in response.output.results.items()
        }
        if video_id not in solved:
            self.raise_no_formats("n challenge solving failed", expected=True)
        return {"id": video_id, "title": "Challenged", "ext": "mp4", "duration": 6,
                "url": f"{self.media_base}{solved[video_id]}.mp4"}  # fmt: skip


# A player script shaped like YouTube's (one IIFE; a function that builds the URL's challenge
# parameters and calls an experiment flag with ("alr", "yes"), which is how yt-dlp's solver
# finds it): its `n` and `sig` transform reverses the value.
PLAYER_JS = """\
(function (g) {
  var Params = function (values) {
    this.values = values;
  };
  Params.prototype.set = function (key, value) {
    this.values[key] = value;
  };
  Params.prototype.get = function (key) {
    return this.values[key];
  };
  Params.prototype.descramble = function () {
    for (var key in this.values) {
      var value = this.values[key];
      if (typeof value === "string") this.values[key] = value.split("").reverse().join("");
    }
  };
  var withChallenges = function (url, name, value) {
    g.experiments("alr", "yes");
    var values = {};
    if (value) values[name] = value;
    return new Params(values);
  };
}).call(this, { experiments: function () {} });
"""
PLAYER_PATH = "s/player/deadbeef/player_ias.vflset/en_US/base.js"

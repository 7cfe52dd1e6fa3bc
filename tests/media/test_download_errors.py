"""Each per-site refusal keeps its own code, end to end through `YtDlpDownloader.download`:
YouTube's recorded answers raised the way yt-dlp's YouTube extractor raises them, and other
sites' failures raised through yt-dlp's generic helpers. The message is Klair's sentence for
the code, then the site's words without yt-dlp's command-line advice."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from yt_dlp.extractor.youtube import YoutubeIE

from klair.adapters.site_access import SiteAccess
from klair.adapters.ytdlp_downloader import YtDlpDownloader
from klair.adapters.ytdlp_errors import HUMAN
from klair.domain.errors import KlairError, Transient
from klair.domain.source_checks import SourceLimits
from klair.domain.url_policy import UrlPolicy
from tests.media.fake_site import YOUTUBE_SAYS, RecordedErrorsIE
from tests.media.sinks import FileSink

pytestmark = pytest.mark.media

LIMITS = SourceLimits(max_seconds=3600, max_bytes=10**9)
README = Path(__file__).resolve().parents[2] / "README.md"


def refused(url: str, dest: Path) -> KlairError:
    downloader = YtDlpDownloader(
        UrlPolicy(), access=SiteAccess(socket_timeout=2), retries=0, extractors=[RecordedErrorsIE]
    )
    with pytest.raises(KlairError) as caught:
        downloader.download(url, FileSink(dest), LIMITS)
    assert list(dest.glob("*")) == [], "nothing is left behind"
    return caught.value


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("bot", "source_bot_blocked"),
        ("captcha", "source_bot_blocked"),
        ("age", "source_age_restricted"),
        ("private", "source_private"),
        ("members", "source_private"),
        ("members-level", "source_private"),
        ("removed", "source_removed"),
        ("terminated", "source_removed"),
        ("geo", "source_geo_blocked"),
        ("upcoming", "source_not_available_yet"),
    ],
)
def test_youtubes_refusals_keep_their_codes(tmp_path: Path, case: str, code: str) -> None:
    error = refused(f"https://errors.klair.test/youtube/{case}", tmp_path)

    assert (error.code, error.retryable) == (code, False)
    assert error.message.startswith(HUMAN[code])
    assert "--cookies" not in error.message and "yt-dlp" not in error.message


def test_a_bot_check_says_what_youtube_said_with_its_curly_apostrophe(tmp_path: Path) -> None:
    error = refused("https://errors.klair.test/youtube/bot", tmp_path)

    assert error.message == f"{HUMAN['source_bot_blocked']} (Sign in to confirm you’re not a bot.)"


def test_youtubes_rate_limit_is_retried_later(tmp_path: Path) -> None:
    error = refused("https://errors.klair.test/youtube/rate-limited", tmp_path)

    assert isinstance(error, Transient) and error.retryable
    assert "try again later" in error.message


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("login", "source_sign_in_required"),
        ("login-message", "source_sign_in_required"),
        ("geo", "source_geo_blocked"),
        ("drm", "source_drm_protected"),
        ("removed", "source_removed"),
    ],
)
def test_other_sites_refusals_through_yt_dlps_helpers(tmp_path: Path, case: str, code: str) -> None:
    error = refused(f"https://errors.klair.test/site/{case}", tmp_path)

    assert (error.code, error.retryable) == (code, False)
    assert error.message.startswith(HUMAN[code])


def test_the_youtube_branch_played_here_is_still_yt_dlps() -> None:
    """RecordedErrorsIE replays how `YoutubeIE._real_extract` words a playability error; a
    yt-dlp release that words it otherwise fails here, in the bump's pull request."""
    source = inspect.getsource(YoutubeIE._real_extract)
    for shape in (
        "subreason.startswith('The uploader has not made this video available in your country')",
        "self.raise_geo_restricted(subreason, countries, metadata_available=True)",
        "if 'sign in' in reason.lower():",
        "reason = remove_end(reason, 'This helps protect our community. Learn more')",
        "reason = f'{remove_end(reason.strip(), \".\")}. {self._youtube_login_hint}'",
        "reason += '. YouTube is requiring a captcha challenge before playback'",
        "This content isn't available, try again later",
        "has been rate-limited by YouTube for up to an hour",
        "self.report_drm(video_id)",
        "self.raise_no_formats(reason, expected=True)",
    ):
        assert shape in source, shape
    assert set(YOUTUBE_SAYS) >= {"bot", "age", "private", "removed", "geo", "members"}


def test_the_readme_lists_every_code_with_its_meaning() -> None:
    readme = README.read_text()
    for code in HUMAN:
        assert f"`{code}`" in readme, code

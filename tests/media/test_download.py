"""Real yt-dlp against a local server and a fake site: what is downloaded, and every way a
download is refused, each with its own code (permanent) or as retryable."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.site_access import SiteAccess
from klair.adapters.ssrf import Guard
from klair.adapters.ytdlp_downloader import YtDlpDownloader
from klair.cli.sample import make_sample_video
from klair.domain.errors import KlairError, Transient
from klair.domain.source_checks import SourceLimits
from klair.domain.url_policy import UrlPolicy
from klair.ports.media import DownloadProgress
from tests.media.fake_site import SITE, FakeSiteIE
from tests.media.servers import MediaServer, media_server
from tests.media.sinks import FileSink

pytestmark = pytest.mark.media

LOCAL = UrlPolicy.from_settings(["127.0.0.1"])
probe = FfprobeMediaProbe()


def limits(**overrides: object) -> SourceLimits:
    return SourceLimits.model_validate({"max_seconds": 3600, "max_bytes": 10**9, **overrides})


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A talk, plus separate video-only and audio-only renditions like a site's DASH streams."""
    root = tmp_path_factory.mktemp("site")
    talk = make_sample_video(root / "talk.mp4", 6, width=320, height=180).path
    for args, name in ((["-an"], "video.mp4"), (["-vn"], "audio.m4a")):
        subprocess.run(
            ["ffmpeg", "-v", "error", "-i", str(talk), *args, "-c", "copy", str(root / name)],
            check=True,
        )
    return root


@pytest.fixture(scope="module")
def site(media: Path) -> Iterator[MediaServer]:
    with media_server(media) as server:
        media_url = server.url("files/talk.mp4")
        FakeSiteIE.videos = {
            "plain": {"url": media_url, "ext": "mp4", "duration": 6},
            "flaky": {"url": server.url("flaky/talk.mp4"), "ext": "mp4", "duration": 6},
            "long": {"url": media_url, "ext": "mp4", "duration": 7201},
            "big": {"url": media_url, "ext": "mp4", "filesize": 5 * 10**9},
            "live": {"url": media_url, "ext": "mp4", "is_live": True},
            "upcoming": {"url": media_url, "ext": "mp4", "live_status": "is_upcoming"},
            "renditions": {"duration": 6, "formats": _renditions(server)},
            "progressive": {"duration": 6, "formats": [*_renditions(server), _progressive(server)]},
            # YouTube's shape: a low-resolution progressive file beside sized HD renditions.
            "youtube": {"duration": 6, "formats": [*_sized(server, 10**6), _progressive(server)]},
            "youtube-long": {
                "duration": 6,
                "formats": [*_sized(server, 10**9), _progressive(server)],
            },
        }
        yield server


def _renditions(server: MediaServer) -> list[dict[str, object]]:
    def video(height: int, name: str) -> dict[str, object]:
        return {"format_id": f"v{height}", "url": server.url(f"files/{name}"), "ext": "mp4",
                "height": height, "width": height * 16 // 9, "vcodec": "avc1.64001f",
                "acodec": "none"}  # fmt: skip

    audio: dict[str, object] = {"format_id": "a", "url": server.url("files/audio.m4a"),
                                "ext": "m4a", "vcodec": "none", "acodec": "mp4a.40.2"}  # fmt: skip
    return [video(2160, "v2160.mp4"), video(1080, "video.mp4"), video(720, "v720.mp4"), audio]


def _sized(server: MediaServer, video_bytes: int) -> list[dict[str, object]]:
    """The renditions with the sizes a site states (YouTube states them)."""
    return [
        {**f, "filesize": video_bytes if f["vcodec"] != "none" else 10**5}
        for f in _renditions(server)
    ]


def _progressive(server: MediaServer) -> dict[str, object]:
    """One file with video and audio together, beside the separate renditions."""
    url = server.url("files/talk.mp4")
    return {"format_id": "p180", "url": url, "ext": "mp4", "height": 180, "width": 320,
            "vcodec": "avc1.64000d", "acodec": "mp4a.40.2"}  # fmt: skip


def fetch(
    url: str, dest: Path, policy: UrlPolicy | Guard = LOCAL, **limit: object
) -> tuple[Path, list[DownloadProgress]]:
    seen: list[DownloadProgress] = []
    downloader = YtDlpDownloader(
        policy, access=SiteAccess(socket_timeout=2), retries=0, extractors=[FakeSiteIE]
    )
    sink = FileSink(dest)
    ext = downloader.download(url, sink, limits(**limit), seen.append)
    assert sink.written().suffix == f".{ext}"
    return sink.written(), seen


def refused(url: str, dest: Path, policy: UrlPolicy | Guard = LOCAL, **limit: object) -> KlairError:
    with pytest.raises(KlairError) as caught:
        fetch(url, dest, policy, **limit)
    assert list(dest.glob("*")) == [], "nothing is left behind"
    return caught.value


def new_hits(site: MediaServer, before: int) -> Sequence[str]:
    return site.hits[before:]


def test_a_direct_video_url_downloads_with_its_progress(
    site: MediaServer, media: Path, tmp_path: Path
) -> None:
    path, seen = fetch(site.url("files/talk.mp4"), tmp_path)

    assert path.parent == tmp_path and path.read_bytes() == (media / "talk.mp4").read_bytes()
    fractions = [p.fraction or 0.0 for p in seen]
    assert fractions and fractions == sorted(fractions) and fractions[-1] == 1.0


def test_a_connection_dropped_mid_file_is_resumed_from_where_it_stopped(
    site: MediaServer, media: Path, tmp_path: Path
) -> None:
    before = len(site.hits)
    downloader = YtDlpDownloader(
        LOCAL, access=SiteAccess(socket_timeout=2), retries=2, extractors=[FakeSiteIE]
    )
    sink = FileSink(tmp_path)

    downloader.download(f"{SITE}/flaky", sink, limits())

    assert sink.written().read_bytes() == (media / "talk.mp4").read_bytes()
    assert new_hits(site, before) == ["/flaky/talk.mp4"] * 2  # the second from the middle


def test_a_progressive_file_is_streamed_rather_than_renditions_merged(
    site: MediaServer, media: Path, tmp_path: Path
) -> None:
    """Separate renditions would need both parts on local disk to merge; the one file with
    both streams is fetched alone, straight into the sink."""
    before = len(site.hits)

    path, seen = fetch(f"{SITE}/progressive", tmp_path)

    assert [h for h in new_hits(site, before) if h.startswith("/files/")] == ["/files/talk.mp4"]
    assert path.read_bytes() == (media / "talk.mp4").read_bytes()
    assert seen[-1].fraction == 1.0


def test_without_a_progressive_file_the_best_rendition_up_to_1080p_is_merged_with_audio(
    site: MediaServer, tmp_path: Path
) -> None:
    before = len(site.hits)

    path, _ = fetch(f"{SITE}/renditions", tmp_path)

    fetched = {hit for hit in new_hits(site, before) if hit.startswith("/files/")}
    assert fetched == {"/files/video.mp4", "/files/audio.m4a"}
    info = probe.probe(path)
    assert info.has_video and info.has_audio


def test_hd_renditions_that_fit_are_merged_rather_than_a_low_resolution_file_streamed(
    site: MediaServer, tmp_path: Path
) -> None:
    """YouTube offers one progressive file, at 360p: a clip cut from it looks poor, so the
    1080p rendition and the audio are merged when the site says they fit the spool."""
    before = len(site.hits)

    path, _ = fetch(f"{SITE}/youtube", tmp_path)

    fetched = {hit for hit in new_hits(site, before) if hit.startswith("/files/")}
    assert fetched == {"/files/video.mp4", "/files/audio.m4a"}
    assert probe.probe(path).has_audio


def test_hd_renditions_too_large_to_merge_fall_back_to_the_streamed_file(
    site: MediaServer, media: Path, tmp_path: Path
) -> None:
    before = len(site.hits)

    path, _ = fetch(f"{SITE}/youtube-long", tmp_path)

    assert [h for h in new_hits(site, before) if h.startswith("/files/")] == ["/files/talk.mp4"]
    assert path.read_bytes() == (media / "talk.mp4").read_bytes()


def test_an_audio_job_downloads_the_audio_alone(site: MediaServer, tmp_path: Path) -> None:
    before = len(site.hits)

    path, _ = fetch(f"{SITE}/renditions", tmp_path, audio_only=True)

    assert {h for h in new_hits(site, before) if h.startswith("/files/")} == {"/files/audio.m4a"}
    assert not probe.probe(path).has_video


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("private", "source_private"),
        ("removed", "source_removed"),
        ("geo", "source_geo_blocked"),
        ("bot", "source_bot_blocked"),
        ("age", "source_age_restricted"),
        ("drm", "source_drm_protected"),
        ("broken", "source_extraction_failed"),
        ("playlist", "playlist_not_supported"),
        ("live", "source_is_live"),
        ("upcoming", "source_not_available_yet"),
        ("long", "source_too_long"),
        ("big", "source_too_large"),
    ],
)
def test_a_refused_video_is_never_fetched_and_says_why(
    site: MediaServer, tmp_path: Path, case: str, code: str
) -> None:
    before = len(site.hits)

    error = refused(f"{SITE}/{case}", tmp_path)

    assert (error.code, error.retryable) == (code, False)
    assert new_hits(site, before) == []
    assert "--cookies" not in error.message and "yt-dlp" not in error.message


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("files/missing.mp4", "source_not_found"),
        ("status/410", "source_not_found"),
        ("status/403", "source_forbidden"),
        ("status/451", "source_geo_blocked"),
        ("page", "unsupported_site"),
    ],
)
def test_permanent_http_failures_have_their_codes(
    site: MediaServer, tmp_path: Path, path: str, code: str
) -> None:
    error = refused(site.url(path), tmp_path)

    assert (error.code, error.retryable) == (code, False)


@pytest.mark.parametrize("path", ["status/503", "status/429", "hang"])
def test_network_trouble_is_retryable(site: MediaServer, tmp_path: Path, path: str) -> None:
    assert isinstance(refused(site.url(path), tmp_path), Transient)


def test_a_server_that_is_down_is_retryable(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the download: nothing listens

    assert isinstance(refused(f"http://127.0.0.1:{port}/talk.mp4", tmp_path), Transient)


def test_a_host_that_does_not_exist_is_permanent(tmp_path: Path) -> None:
    def nxdomain(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    guard = Guard(UrlPolicy(), nxdomain)
    error = refused("https://gone.klair-fixture.com/talk.mp4", tmp_path, guard)

    assert (error.code, error.retryable) == ("source_host_not_found", False)


@pytest.mark.parametrize("prefix", ["files", "stream"], ids=["sized", "unsized"])
def test_a_download_over_the_size_limit_is_refused(
    site: MediaServer, tmp_path: Path, prefix: str
) -> None:
    error = refused(site.url(f"{prefix}/talk.mp4"), tmp_path, max_bytes=100_000)

    assert (error.code, error.retryable) == ("source_too_large", False)


def test_an_exception_from_the_progress_callback_stops_the_download(
    site: MediaServer, tmp_path: Path
) -> None:
    class Cancelled(KlairError):
        code = "cancelled"

    def cancel(progress: DownloadProgress) -> None:
        raise Cancelled("the job was cancelled")

    downloader = YtDlpDownloader(LOCAL, access=SiteAccess(socket_timeout=2))
    with pytest.raises(Cancelled):
        downloader.download(site.url("files/talk.mp4"), FileSink(tmp_path), limits(), cancel)
    assert list(tmp_path.glob("*")) == []


def test_inspecting_reads_the_length_and_the_download_reuses_that_extraction(
    site: MediaServer, tmp_path: Path
) -> None:
    downloader = YtDlpDownloader(
        LOCAL, access=SiteAccess(socket_timeout=2), extractors=[FakeSiteIE]
    )
    FakeSiteIE.extractions.clear()

    assert downloader.inspect(f"{SITE}/plain", limits()) == 6
    sink = FileSink(tmp_path)
    downloader.download(f"{SITE}/plain", sink, limits())

    assert sink.written().stat().st_size > 0
    assert FakeSiteIE.extractions == ["plain"]


def test_inspecting_refuses_what_the_download_would(site: MediaServer) -> None:
    downloader = YtDlpDownloader(
        UrlPolicy(), access=SiteAccess(socket_timeout=2), extractors=[FakeSiteIE]
    )
    before = len(site.hits)

    with pytest.raises(KlairError) as too_long:
        downloader.inspect(f"{SITE}/long", limits())
    with pytest.raises(KlairError) as private_address:
        downloader.inspect(site.url("files/talk.mp4"), limits())

    assert too_long.value.code == "source_too_long"
    assert private_address.value.code == "url_address_not_allowed"
    assert site.hits[before:] == []

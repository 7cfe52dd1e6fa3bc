"""The SSRF guard around real yt-dlp: refused URLs, names and redirects never reach a server,
and no external program fetches anything behind the guard's back."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from klair.adapters.site_access import SiteAccess
from klair.adapters.ssrf import Guard
from klair.adapters.ytdlp_downloader import YtDlpDownloader
from klair.cli.embedded import run_job
from klair.cli.sample import make_sample_video
from klair.domain.errors import KlairError, UnsafeUrl
from klair.domain.job import JobOptions
from klair.domain.source_checks import SourceLimits
from klair.domain.url_policy import UrlPolicy
from tests.media.fake_site import SITE, FakeSiteIE
from tests.media.servers import MediaServer, media_server
from tests.media.sinks import FileSink

pytestmark = pytest.mark.media

LIMITS = SourceLimits(max_seconds=3600, max_bytes=10**9)
LOCAL = UrlPolicy.from_settings(["127.0.0.1"])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MediaServer]:
    root = tmp_path_factory.mktemp("guarded")
    make_sample_video(root / "talk.mp4", 4, width=160, height=90)
    with media_server(root) as server:
        segment = server.url("files/seg0.ts")
        (root / "hls-private.m3u8").write_text(
            "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nhttp://10.0.0.9/seg0.ts\n#EXT-X-ENDLIST\n"
        )
        (root / "hls-sample-aes.m3u8").write_text(
            "#EXTM3U\n#EXT-X-TARGETDURATION:2\n"
            f'#EXT-X-KEY:METHOD=SAMPLE-AES,URI="{server.url("files/key")}"\n'
            f"#EXTINF:2,\n{segment}\n#EXT-X-ENDLIST\n"
        )
        FakeSiteIE.videos = {
            name: {"url": server.url(f"files/{name}.m3u8"), "ext": "mp4", "protocol": "m3u8_native"}
            for name in ("hls-private", "hls-sample-aes")
        }
        yield server


def dns(table: dict[str, str]) -> Guard:
    """A guard whose resolver answers from `table` (what a hostile DNS could answer)."""

    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [table[host]]

    return Guard(UrlPolicy.from_settings(["127.0.0.1"]), resolve)


def refused(url: str, tmp_path: Path, policy: UrlPolicy | Guard = LOCAL) -> KlairError:
    downloader = YtDlpDownloader(
        policy, access=SiteAccess(socket_timeout=2), retries=0, extractors=[FakeSiteIE]
    )
    with pytest.raises(KlairError) as caught:
        downloader.download(url, FileSink(tmp_path), LIMITS)
    assert list(tmp_path.glob("*")) == []
    return caught.value


@pytest.mark.parametrize(
    ("path_and_host", "code"),
    [
        ("http://127.0.0.1:{port}/files/talk.mp4", "url_address_not_allowed"),
        ("http://[::1]:{port}/files/talk.mp4", "url_address_not_allowed"),
        ("http://localhost:{port}/files/talk.mp4", "url_host_not_allowed"),
        ("http://2130706433:{port}/files/talk.mp4", "url_host_not_allowed"),
        ("http://0177.0.0.1:{port}/files/talk.mp4", "url_host_not_allowed"),
        ("http://user:pw@127.0.0.1:{port}/files/talk.mp4", "url_credentials_not_allowed"),
        ("gopher://127.0.0.1:{port}/_GET%20/files/talk.mp4", "url_scheme_not_allowed"),
        ("file:///etc/passwd", "url_scheme_not_allowed"),
    ],
)
def test_local_urls_are_refused_before_any_request(
    site: MediaServer, tmp_path: Path, path_and_host: str, code: str
) -> None:
    before = len(site.hits)

    error = refused(path_and_host.format(port=site.port), tmp_path, UrlPolicy())

    assert isinstance(error, UnsafeUrl) and error.code == code
    assert site.hits[before:] == []


def test_a_public_looking_name_that_resolves_to_a_private_address_is_never_contacted(
    site: MediaServer, tmp_path: Path
) -> None:
    before = len(site.hits)
    guard = Guard(
        UrlPolicy.from_settings(ports=[site.port]),
        lambda host, port: ["127.0.0.1"],  # videos.example.com → loopback, as DNS rebinding does
    )

    error = refused(f"http://videos.example.com:{site.port}/files/talk.mp4", tmp_path, guard)

    assert error.code == "url_address_not_allowed"
    assert site.hits[before:] == []


def test_the_guard_connects_to_the_address_it_judged(site: MediaServer, tmp_path: Path) -> None:
    trusting = Guard(
        UrlPolicy.from_settings(["127.0.0.0/8"], ports=[site.port]),
        lambda host, port: ["127.0.0.1"],
    )
    downloader = YtDlpDownloader(trusting, access=SiteAccess(socket_timeout=2))

    sink = FileSink(tmp_path)
    downloader.download(f"http://videos.example.com:{site.port}/files/talk.mp4", sink, LIMITS)

    assert sink.written().stat().st_size > 0


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("http://169.254.169.254/latest/meta-data/", "url_address_not_allowed"),
        ("http://internal.example.com/talk.mp4", "url_address_not_allowed"),
        ("http://[::1]:{port}/files/talk.mp4", "url_address_not_allowed"),
        ("http://localhost:{port}/files/talk.mp4", "url_host_not_allowed"),
        ("http://127.1:{port}/files/talk.mp4", "url_host_not_allowed"),
        ("http://u:p@127.0.0.1:{port}/files/talk.mp4", "url_credentials_not_allowed"),
        ("file:///etc/passwd", "url_scheme_not_allowed"),
    ],
)
def test_a_redirect_from_an_allowed_server_to_a_private_one_is_not_followed(
    site: MediaServer, tmp_path: Path, target: str, code: str
) -> None:
    before = len(site.hits)
    guard = dns({"internal.example.com": "10.0.0.7"})
    start = site.url("redirect?to=" + quote(target.format(port=site.port), safe=""))

    error = refused(start, tmp_path, guard)

    assert error.code == code
    assert [h.split("?")[0] for h in site.hits[before:]] == ["/redirect"]


def test_a_redirect_to_an_allowed_server_is_followed(site: MediaServer, tmp_path: Path) -> None:
    start = site.url("redirect?to=" + quote(site.url("files/talk.mp4"), safe=""))

    sink = FileSink(tmp_path)
    YtDlpDownloader(LOCAL, access=SiteAccess(socket_timeout=2)).download(start, sink, LIMITS)

    assert sink.written().stat().st_size > 0


def test_hls_segments_on_private_addresses_are_refused(site: MediaServer, tmp_path: Path) -> None:
    assert refused(f"{SITE}/hls-private", tmp_path).code == "url_address_not_allowed"


def test_no_external_program_fetches_what_the_native_downloader_would_not(
    site: MediaServer, tmp_path: Path
) -> None:
    # yt-dlp hands SAMPLE-AES playlists to ffmpeg, which would fetch the segments itself.
    before = len(site.hits)

    refused(f"{SITE}/hls-sample-aes", tmp_path)

    fetched = [h for h in site.hits[before:] if h.startswith("/files/")]
    assert fetched == ["/files/hls-sample-aes.m3u8"]


def test_klair_run_with_a_url_applies_the_same_guard(
    site: MediaServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KLAIR_SSRF_ALLOWED_HOSTS", raising=False)
    before = len(site.hits)

    with pytest.raises(UnsafeUrl) as refused:  # at submit: before any job exists
        run_job(site.url("files/talk.mp4"), tmp_path / "out", JobOptions())

    assert refused.value.code == "url_address_not_allowed"
    assert site.hits[before:] == []

"""Downloads through the operator's egress proxy: the proxy carries only tunnels to addresses
the SSRF guard judged (never a name it could resolve differently), private targets are
refused before any tunnel, and a site that refuses Klair as a bot is tried again through it."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import pytest
from yt_dlp.extractor.common import InfoExtractor
from yt_dlp.utils import ExtractorError

from klair.adapters.site_access import SiteAccess
from klair.adapters.ssrf import Guard
from klair.adapters.ytdlp_downloader import YtDlpDownloader
from klair.cli.sample import make_sample_video
from klair.domain.errors import KlairError
from klair.domain.source_checks import SourceLimits
from klair.domain.url_policy import UrlPolicy
from tests.media.connect_proxy import ConnectProxy, connect_proxy
from tests.media.fake_site import ERRORS
from tests.media.servers import MediaServer, media_server
from tests.media.sinks import FileSink

pytestmark = pytest.mark.media

LIMITS = SourceLimits(max_seconds=3600, max_bytes=10**9)
PUBLIC = "93.184.216.34"  # what the proxy's network reaches; the sandbox never connects to it


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MediaServer, MediaServer]]:
    """The site as a data centre sees it (a bot check on the watch page) and as the proxy's
    network sees it (the page works); both serve the video."""
    seen = {}
    for view, page in (("datacentre", ERRORS["bot"]), ("residential", "ok")):
        root = tmp_path_factory.mktemp(view)
        make_sample_video(root / "talk.mp4", 3, width=160, height=90)
        (root / "watch.mp4").write_text(page)  # the media server serves .mp4 files only
        seen[view] = root
    with media_server(seen["datacentre"]) as datacentre, media_server(seen["residential"]) as home:
        yield datacentre, home


class WatchPageIE(InfoExtractor):  # type: ignore[misc]
    """A site whose watch page decides: a bot check (YouTube's words) or the video."""

    _VALID_URL = r"https?://watch\.klair\.test/(?P<id>[\w-]+)"
    IE_NAME = "klairwatch"
    page_base: ClassVar[str] = ""

    def _real_extract(self, url: str) -> dict[str, Any]:
        video = self._match_id(url)
        page = self._download_webpage(f"{self.page_base}/files/watch.mp4", video)
        if "not a bot" in page:
            raise ExtractorError(page, expected=True)
        return {"id": video, "title": video, "url": f"{self.page_base}/files/talk.mp4"}


def guard_for(
    table: dict[str, str], ports: tuple[int, ...] = (), trusted: tuple[str, ...] = ()
) -> Guard:
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [table[host]]

    return Guard(UrlPolicy.from_settings(list(trusted), ports=list(ports)), resolve)


def downloader(guard: Guard, proxy: ConnectProxy | None, use: str = "always") -> YtDlpDownloader:
    access = SiteAccess(socket_timeout=3, proxy=proxy.url if proxy else None, proxy_use=use)  # type: ignore[arg-type]
    return YtDlpDownloader(guard, access=access, retries=0, extractors=[WatchPageIE])


def test_downloads_tunnel_through_the_proxy_to_the_address_the_guard_judged(
    sites: tuple[MediaServer, MediaServer], tmp_path: Path
) -> None:
    _, home = sites
    guard = guard_for({"videos.example.com": PUBLIC})
    # The proxy's network: the public address reaches the site (here, the local server).
    with connect_proxy(lambda host, port: ("127.0.0.1", home.port)) as proxy:
        sink = FileSink(tmp_path)
        downloader(guard, proxy).download("http://videos.example.com/files/talk.mp4", sink, LIMITS)

        assert sink.written().read_bytes() == (Path(_root(home)) / "talk.mp4").read_bytes()
        assert proxy.tunnels and set(proxy.tunnels) == {f"{PUBLIC}:80"}  # never the name
        assert proxy.refused == []


def _root(server: MediaServer) -> str:
    return str(server._server.root)  # the test's own server


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://127.0.0.1/files/talk.mp4", "url_address_not_allowed"),
        ("http://169.254.169.254/latest/meta-data/", "url_address_not_allowed"),
        ("http://internal.example.com/files/talk.mp4", "url_address_not_allowed"),
        ("http://[::ffff:10.0.0.1]/files/talk.mp4", "url_address_not_allowed"),
        ("http://localhost/files/talk.mp4", "url_host_not_allowed"),
        ("http://videos.example.com:22/files/talk.mp4", "url_port_not_allowed"),
    ],
)
def test_private_targets_are_refused_before_the_proxy_is_asked(
    tmp_path: Path, url: str, code: str
) -> None:
    guard = guard_for({"internal.example.com": "10.0.0.7", "videos.example.com": PUBLIC})
    with connect_proxy() as proxy:
        with pytest.raises(KlairError) as refused:
            downloader(guard, proxy).download(url, FileSink(tmp_path), LIMITS)

        assert refused.value.code == code
        assert proxy.tunnels == [] and proxy.refused == []


def test_a_redirect_to_a_private_address_is_not_followed_through_the_proxy(
    sites: tuple[MediaServer, MediaServer], tmp_path: Path
) -> None:
    _, home = sites
    guard = guard_for({"videos.example.com": PUBLIC})
    target = quote("http://169.254.169.254/computeMetadata/v1/", safe="")
    with connect_proxy(lambda host, port: ("127.0.0.1", home.port)) as proxy:
        with pytest.raises(KlairError) as refused:
            downloader(guard, proxy).download(
                f"http://videos.example.com/redirect?to={target}", FileSink(tmp_path), LIMITS
            )

        assert refused.value.code == "url_address_not_allowed"
        assert set(proxy.tunnels) == {f"{PUBLIC}:80"}  # the first hop only


def test_dns_rebinding_between_the_check_and_the_connection_is_refused(tmp_path: Path) -> None:
    answers = iter([PUBLIC, "127.0.0.1"])  # public when judged at submit, loopback after
    guard = Guard(UrlPolicy(), lambda host, port: [next(answers, "127.0.0.1")])
    url = "http://rebind.example.com/files/talk.mp4"
    with connect_proxy() as proxy:
        guard.check(url)  # what `POST /api/klair/analyze` does before a job exists
        with pytest.raises(KlairError) as refused:
            downloader(guard, proxy).download(url, FileSink(tmp_path), LIMITS)

        assert refused.value.code == "url_address_not_allowed"
        assert proxy.tunnels == []


def test_wrong_proxy_credentials_fail_without_reaching_the_site(
    sites: tuple[MediaServer, MediaServer], tmp_path: Path
) -> None:
    _, home = sites
    before = len(home.hits)
    guard = guard_for({"videos.example.com": PUBLIC})
    with connect_proxy(lambda host, port: ("127.0.0.1", home.port)) as proxy:
        wrong = re.sub(r"//[^@]*@", "//klair:wrong@", proxy.url)
        access = SiteAccess(socket_timeout=3, proxy=wrong, proxy_use="always")
        with pytest.raises(KlairError) as failed:
            YtDlpDownloader(guard, access=access, retries=0).download(
                "http://videos.example.com/files/talk.mp4", FileSink(tmp_path), LIMITS
            )

        assert "407" in failed.value.message
        assert proxy.tunnels == [] and home.hits[before:] == []


def test_a_proxy_url_that_is_not_plain_http_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="KLAIR_EGRESS_PROXY"):
        YtDlpDownloader(access=SiteAccess(proxy="socks5://proxy.example:1080"))


def watch(sites: tuple[MediaServer, MediaServer]) -> tuple[Guard, str]:
    """The watch site's page host resolves to the data centre's view of it (loopback, trusted
    here); through the proxy, the same address reaches the residential view."""
    datacentre, _ = sites
    WatchPageIE.page_base = f"http://pages.example.com:{datacentre.port}"
    guard = guard_for({"pages.example.com": "127.0.0.1"}, (datacentre.port,), ("127.0.0.0/8",))
    return guard, "https://watch.klair.test/talk"


def test_a_bot_block_is_retried_through_the_proxy_and_remembered(
    sites: tuple[MediaServer, MediaServer], tmp_path: Path
) -> None:
    datacentre, home = sites
    guard, url = watch(sites)
    with connect_proxy(lambda host, port: ("127.0.0.1", home.port)) as proxy:
        klair = downloader(guard, proxy, use="blocked")
        before = len(datacentre.hits)

        sink = FileSink(tmp_path / "first")
        (tmp_path / "first").mkdir()
        klair.download(url, sink, LIMITS)

        assert sink.written().stat().st_size > 1000
        assert datacentre.hits[before:] == ["/files/watch.mp4"]  # refused there, once
        assert proxy.tunnels  # then fetched through the proxy
        # The host is remembered: the next job from it goes through the proxy at once.
        (tmp_path / "second").mkdir()
        klair.download(url, FileSink(tmp_path / "second"), LIMITS)
        assert datacentre.hits[before:] == ["/files/watch.mp4"]


def test_without_a_proxy_the_bot_block_is_the_answer(
    sites: tuple[MediaServer, MediaServer], tmp_path: Path
) -> None:
    guard, url = watch(sites)
    with pytest.raises(KlairError) as refused:
        downloader(guard, None).download(url, FileSink(tmp_path), LIMITS)

    assert refused.value.code == "source_bot_blocked"


def test_always_sends_every_request_through_the_proxy(
    sites: tuple[MediaServer, MediaServer], tmp_path: Path
) -> None:
    datacentre, home = sites
    guard, url = watch(sites)
    before = len(datacentre.hits)
    with connect_proxy(lambda host, port: ("127.0.0.1", home.port)) as proxy:
        sink = FileSink(tmp_path)
        seconds = downloader(guard, proxy, use="always").inspect(url, LIMITS)
        downloader(guard, proxy, use="always").download(url, sink, LIMITS)

        assert seconds is None or seconds > 0
        assert sink.written().stat().st_size > 1000
        assert datacentre.hits[before:] == []


def test_the_setting_refuses_a_proxy_it_cannot_tunnel_through() -> None:
    from klair.config import Settings

    with pytest.raises(ValueError, match="CONNECT proxy"):
        Settings(egress_proxy="socks5://proxy.example:1080")
    assert Settings(egress_proxy=" http://u:p@proxy:3128 ").egress_proxy == "http://u:p@proxy:3128"
    assert "u:p" not in repr(SiteAccess(proxy="http://u:p@proxy:3128"))

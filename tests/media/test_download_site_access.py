"""How the downloader reaches sites, on local stand-ins with real yt-dlp: YouTube's n challenge
solved by the packaged JavaScript runtime (or the configured one) running the packaged solver
scripts, nothing fetched at run time; the operator's cookies sent to a site that needs them."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from yt_dlp import YoutubeDL

from klair.adapters.site_access import SiteAccess, check_cookies
from klair.adapters.ytdlp_downloader import YtDlpDownloader
from klair.adapters.ytdlp_runtime import js_runtimes, packaged_deno
from klair.cli.sample import make_sample_video
from klair.domain.errors import KlairError
from klair.domain.source_checks import SourceLimits
from klair.domain.url_policy import UrlPolicy
from tests.media.fake_site import PLAYER_JS, PLAYER_PATH, SITE, FakePlayerIE, FakeSiteIE
from tests.media.servers import SESSION_COOKIE, MediaServer, media_server
from tests.media.sinks import FileSink

pytestmark = pytest.mark.media

LOCAL = UrlPolicy.from_settings(["127.0.0.1"])
LIMITS = SourceLimits(max_seconds=3600, max_bytes=10**9)
VIDEO = "talk-n3"  # the n challenge; the player's answer is the id reversed
SOLVED = VIDEO[::-1]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MediaServer]:
    root = tmp_path_factory.mktemp("site-access")
    make_sample_video(root / "talk.mp4", 3, width=160, height=90)
    shutil.copy(root / "talk.mp4", root / f"{SOLVED}.mp4")
    (root / PLAYER_PATH).parent.mkdir(parents=True)
    (root / PLAYER_PATH).write_text(PLAYER_JS)
    with media_server(root) as server:
        FakePlayerIE.player_url = server.url(f"files/{PLAYER_PATH}")
        FakePlayerIE.media_base = server.url("files/")
        FakeSiteIE.videos = {"members": {"url": server.url("signed-in/talk.mp4"), "ext": "mp4"}}
        yield server


def download(url: str, dest: Path, access: SiteAccess) -> Path:
    downloader = YtDlpDownloader(
        LOCAL, access=access, retries=0, extractors=[FakePlayerIE, FakeSiteIE]
    )
    dest.mkdir(exist_ok=True)
    sink = FileSink(dest)
    downloader.download(url, sink, LIMITS)
    return sink.written()


def test_the_deno_package_ships_a_runtime_that_runs_here() -> None:
    deno = packaged_deno()
    assert deno is not None and Path(deno).is_file()
    ran = subprocess.run(
        [deno, "eval", "console.log([...'klair'].reverse().join(''))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert ran.stdout.strip() == "rialk"
    assert js_runtimes(None) == {"deno": {"path": deno}}


def test_youtubes_n_challenge_is_solved_by_the_packaged_runtime(
    site: MediaServer, tmp_path: Path
) -> None:
    before = len(site.hits)

    path = download(f"https://player.klair.test/{VIDEO}", tmp_path, SiteAccess(socket_timeout=5))

    assert path.stat().st_size > 0
    assert f"/files/{SOLVED}.mp4" in site.hits[before:]


def test_a_configured_runtime_is_the_one_that_solves(site: MediaServer, tmp_path: Path) -> None:
    """KLAIR_YTDLP_JS_RUNTIME names the binary: this one records each run, then is deno."""
    calls = tmp_path / "calls.log"
    wrapper = tmp_path / "bin" / "deno"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexec {packaged_deno()} "$@"\n')
    wrapper.chmod(0o755)

    download(
        f"https://player.klair.test/{VIDEO}",
        tmp_path / "out",
        SiteAccess(socket_timeout=5, js_runtime=str(wrapper)),
    )

    runs = calls.read_text().splitlines()
    assert "--version" in runs  # yt-dlp asked it what it is
    assert any(run.startswith("run ") and "--no-remote" in run for run in runs)


def test_without_a_working_runtime_the_challenge_stays_unsolved(
    site: MediaServer, tmp_path: Path
) -> None:
    access = SiteAccess(socket_timeout=5, js_runtime=str(tmp_path / "no-such-deno"))
    before = len(site.hits)

    with pytest.raises(KlairError):
        download(f"https://player.klair.test/{VIDEO}", tmp_path / "out", access)

    assert f"/files/{SOLVED}.mp4" not in site.hits[before:]


def test_yt_dlp_reports_the_runtime_it_is_given_as_available() -> None:
    """What `yt-dlp -v` prints: the runtime's name and version, no "(unsupported)" (a deno
    older than the release supports)."""
    lines: list[str] = []

    class Capture:
        def debug(self, message: str) -> None:
            lines.append(message)

        info = warning = error = debug

    with YoutubeDL({"verbose": True, "js_runtimes": js_runtimes(None), "logger": Capture()}):
        pass

    (reported,) = [line for line in lines if "JS runtimes:" in line]
    assert re.fullmatch(r"\[debug\] JS runtimes: deno-[\d.]+", reported), reported


@pytest.mark.parametrize(
    ("path", "kind"),
    [("/opt/node/bin/node", "node"), ("/usr/local/bin/bun", "bun"), ("/srv/qjs", "quickjs")],
)
def test_the_configured_runtime_is_named_as_yt_dlp_knows_it(path: str, kind: str) -> None:
    assert js_runtimes(path) == {kind: {"path": path}}


def cookie_file(value: str) -> str:
    return f"# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tklair_session\t{value}\n"


def test_the_operators_cookies_reach_a_site_that_needs_a_session(
    site: MediaServer, tmp_path: Path
) -> None:
    before = len(site.cookies)
    session = SESSION_COOKIE.partition("=")[2]

    path = download(
        f"{SITE}/members", tmp_path, SiteAccess(socket_timeout=5, cookies=cookie_file(session))
    )

    assert path.stat().st_size > 0
    assert SESSION_COOKIE in site.cookies[before:][-1]


def test_without_cookies_the_members_file_is_refused(site: MediaServer, tmp_path: Path) -> None:
    with pytest.raises(KlairError) as refused:
        download(f"{SITE}/members", tmp_path, SiteAccess(socket_timeout=5))

    assert refused.value.code == "source_forbidden"
    assert list(tmp_path.glob("*")) == []


def test_cookies_stay_off_the_disk(site: MediaServer, tmp_path: Path) -> None:
    """yt-dlp reads the jar from a stream and writes it back there on close: no file of the
    secret is left anywhere a later job (or a crash dump of /tmp) could read it."""
    session = SESSION_COOKIE.partition("=")[2]
    marker = f"{session}-{tmp_path.name}"
    tmp = Path("/tmp")
    before = {p for p in tmp.iterdir() if p.is_file()}

    with pytest.raises(KlairError):
        download(
            f"{SITE}/members", tmp_path, SiteAccess(socket_timeout=5, cookies=cookie_file(marker))
        )

    created = {p for p in tmp.iterdir() if p.is_file()} - before
    assert not [p for p in created if marker in p.read_text(errors="replace")]


def test_a_cookie_file_without_its_header_is_accepted_and_a_broken_one_refused() -> None:
    line = "127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tsecret-value"
    assert check_cookies(line).startswith("# Netscape HTTP Cookie File\n")

    with pytest.raises(ValueError, match="line 2") as broken:
        YtDlpDownloader(LOCAL, access=SiteAccess(cookies=f"{line}\nsession=secret-value"))
    assert "secret-value" not in str(broken.value)


def test_a_malformed_cookie_secret_fails_the_wiring_not_the_first_download() -> None:
    from klair.bootstrap import media_adapters
    from klair.config import Settings

    with pytest.raises(ValueError, match="line 1") as broken:
        media_adapters(Settings(ytdlp_cookies="session=secret-value"))
    assert "secret-value" not in str(broken.value)

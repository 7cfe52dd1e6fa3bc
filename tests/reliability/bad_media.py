"""The bad media matrix's inputs, made small with ffmpeg and byte surgery: each case is a
file (or a page whose metadata lies) and what the job must end with."""

from __future__ import annotations

import functools
import http.server
import io
import json
import random
import struct
import subprocess
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

TEN_HOURS = 36_000.0


def _ffmpeg(*args: str) -> None:
    command = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def talk(
    path: Path,
    seconds: float = 4.0,
    *,
    video: bool = True,
    audio: bool = True,
    size: str = "320x180",
    faststart: bool = True,
) -> Path:
    """A test pattern with a tone: the smallest source that passes every check."""
    inputs: list[str] = []
    codecs: list[str] = []
    if video:
        inputs += ["-f", "lavfi", "-i", f"testsrc2=s={size}:r=25:d={seconds}"]
        codecs += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if audio:
        inputs += ["-f", "lavfi", "-i", f"sine=f=440:r=44100:d={seconds}"]
        codecs += ["-c:a", "aac", "-b:a", "64k"]
    flags = ["-movflags", "+faststart"] if faststart else []
    _ffmpeg(*inputs, *codecs, *flags, "-f", "mp4", str(path))
    return path


def boxes(data: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[bytes, int, int]]:
    """(type, offset, size) of the ISO-BMFF boxes in data[start:end] (32-bit sizes only)."""
    end = len(data) if end is None else end
    offset = start
    while offset + 8 <= end:
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        yield kind, offset, size
        offset += size


def box(data: bytes, kind: bytes, start: int = 0, end: int | None = None) -> tuple[int, int]:
    """(offset, size) of the first box of `kind`."""
    return next((at, size) for found, at, size in boxes(data, start, end) if found == kind)


def empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def truncated(path: Path) -> Path:
    """An MP4 written the usual way (index last) and cut in half: no `moov` at all."""
    whole = talk(path.with_name("whole-" + path.name), faststart=False).read_bytes()
    assert b"moov" not in whole[: len(whole) // 2]
    path.write_bytes(whole[: len(whole) // 2])
    return path


def audio_only(path: Path) -> Path:
    return talk(path, video=False)


def silent_video(path: Path) -> Path:
    return talk(path, audio=False)


def corrupt(path: Path) -> Path:
    """Garbage over the middle 40% of the media data; the headers and index stay intact, so
    only decoding finds it."""
    data = bytearray(talk(path.with_name("clean-" + path.name), seconds=6).read_bytes())
    at, size = box(bytes(data), b"mdat")
    begin, end = at + 8 + int(size * 0.3), at + int(size * 0.7)
    noise = random.Random(12)
    data[begin:end] = bytes(noise.randrange(256) for _ in range(end - begin))
    path.write_bytes(bytes(data))
    return path


def eight_k(path: Path) -> Path:
    """7680x4320, two frames over 4 s."""
    _ffmpeg(
        "-f", "lavfi", "-i", "color=c=gray:s=7680x4320:r=0.5:d=4",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path),
    )  # fmt: skip
    return path


def claim_duration(data: bytes, seconds: float) -> bytes:
    """The file with its movie header (`mvhd`) claiming `seconds`; the media is unchanged."""
    moov, moov_size = box(data, b"moov")
    mvhd, _ = box(data, b"mvhd", moov + 8, moov + moov_size)
    patched = bytearray(data)
    if data[mvhd + 8] == 1:  # version 1: 64-bit times; timescale at +28, duration at +32
        (scale,) = struct.unpack(">I", data[mvhd + 28 : mvhd + 32])
        struct.pack_into(">Q", patched, mvhd + 32, int(seconds * scale))
    else:  # version 0: timescale at +20, duration at +24
        (scale,) = struct.unpack(">I", data[mvhd + 20 : mvhd + 24])
        struct.pack_into(">I", patched, mvhd + 24, int(seconds * scale))
    return bytes(patched)


def ten_hours(path: Path) -> Path:
    """A 4-second MP4 whose header says it lasts 10 hours."""
    real = talk(path.with_name("real-" + path.name)).read_bytes()
    path.write_bytes(claim_duration(real, TEN_HOURS))
    return path


def text(path: Path) -> Path:
    path.write_text("definitely not a video\n" * 100)
    return path


def html(path: Path) -> Path:
    path.write_text(
        "<!DOCTYPE html>\n<html><head><title>Holiday</title></head>"
        "<body><h1>Page not found</h1></body></html>\n"
    )
    return path


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("readme.txt", "hidden payload\n" * 200)
        archive.writestr("run.sh", "#!/bin/sh\necho hi\n")
    return buffer.getvalue()


def zip_archive(path: Path) -> Path:
    path.write_bytes(zip_bytes())
    return path


def mp4_with_zip(path: Path) -> Path:
    """A playable MP4 with a ZIP archive appended: both readers accept the same bytes."""
    media = talk(path.with_name("media-" + path.name)).read_bytes()
    path.write_bytes(media + zip_bytes())
    return path


def pdf_then_mp4(path: Path) -> Path:
    media = talk(path.with_name("media-" + path.name)).read_bytes()
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + media)
    return path


@dataclass(frozen=True)
class Case:
    """One row: the file a user sends (or a page that describes a video), and the refusal."""

    name: str
    code: str
    make: Callable[[Path], Path] | None  # None: a URL job on the lying page
    filename: str = "holiday.mp4"
    kind: str = "video"
    content_type: str = "video/mp4"
    tier: str = "creator"  # faster queue; the plan-cap cases run on free
    stage: str = "ingest"


CASES = (
    # `size_bytes` must be > 0: the client declares 1 byte, and the finalize refuses the 0 sent.
    Case("0-byte file", "upload_size_mismatch", empty, stage="admit"),
    Case("truncated MP4 (moov missing)", "truncated_media", truncated),
    Case("audio-only file, video job", "no_video_stream", audio_only, "voice.m4a",
         content_type="audio/mp4"),
    Case("video without audio, audio job", "no_audio_stream", silent_video, kind="audio"),
    Case("corrupt stream mid-file", "corrupt_media", corrupt, stage="transcode"),
    Case("8K above the plan's cap", "resolution_too_high", eight_k, tier="free"),
    Case("upload claiming 10 h", "source_too_long", ten_hours, tier="free"),
    Case("URL whose metadata claims 10 h", "source_too_long", None, tier="free"),
    Case("text named .mp4", "unsupported_media", text),
    Case("HTML page named .mp4", "unsupported_media", html),
    Case("ZIP archive named .mp4", "polyglot_file", zip_archive),
    Case("MP4 with a ZIP appended", "polyglot_file", mp4_with_zip),
    Case("PDF signature before an MP4", "polyglot_file", pdf_then_mp4),
)  # fmt: skip


class Site:
    """A local web page whose schema.org metadata says the video lasts 10 hours; records
    every path requested, to show the video itself is never fetched."""

    PAGE, MEDIA = "/ten-hours.html", "/ten-hours.mp4"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requested: list[str] = []
        talk(root / self.MEDIA.lstrip("/"))

    def write_page(self, base: str) -> str:
        meta = {
            "@context": "https://schema.org",
            "@type": "VideoObject",
            "name": "Ten hours of rain",
            "description": "Rain, for ten hours.",
            "uploadDate": "2026-01-01",
            "thumbnailUrl": f"{base}/thumb.jpg",
            "duration": "PT10H",
            "encodingFormat": "video/mp4",
            "contentUrl": f"{base}{self.MEDIA}",
        }
        page = (
            "<!DOCTYPE html><html><head><title>Ten hours of rain</title>"
            f'<script type="application/ld+json">{json.dumps(meta)}</script>'
            "</head><body>rain</body></html>"
        )
        (self.root / self.PAGE.lstrip("/")).write_text(page)
        return f"{base}{self.PAGE}"


@contextmanager
def serving(site: Site) -> Iterator[str]:
    """The site on a free local port; yields the page's URL."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requested.append(self.path)
            super().do_GET()

        def do_HEAD(self) -> None:
            site.requested.append(self.path)
            super().do_HEAD()

        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Handler, directory=str(site.root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield site.write_page(f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()

"""Sniffing a file's bytes before ffprobe (adapters/media_sniff.py): archives, documents and
polyglots, MP4s cut short, and what a file that is not media holds. Bytes only, no ffmpeg."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from klair.adapters import media_sniff as sniff
from klair.domain.errors import UnsupportedMedia


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(media: bytes = b"\x00" * 64) -> bytes:
    """A minimal ISO-BMFF layout: ftyp, moov (with an mvhd), mdat."""
    return (
        box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41")
        + box(b"moov", box(b"mvhd", b"\x00" * 100))
        + box(b"mdat", media)
    )


def zipped() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello " * 50)
    return buffer.getvalue()


def sniffed(data: bytes, name: str = "holiday.mp4") -> sniff.Sniffed:
    def read(offset: int, length: int) -> bytes:
        return data[offset : offset + length]

    return sniff.sniff_bytes(read, len(data), name)


def refusal(data: bytes) -> UnsupportedMedia:
    with pytest.raises(UnsupportedMedia) as caught:
        sniff.check_layout(sniffed(data))
    return caught.value


def test_a_whole_mp4_passes_and_its_boxes_are_read() -> None:
    found = sniffed(mp4())
    sniff.check_layout(found)
    assert found.boxes is not None and found.boxes.kinds == ("ftyp", "moov", "mdat")
    assert found.foreign is None and not found.appended


def test_a_last_box_to_the_end_of_the_file_and_64_bit_sizes_are_whole() -> None:
    to_end = mp4()[:-72] + struct.pack(">I", 0) + b"mdat" + b"\x00" * 64
    sniff.check_layout(sniffed(to_end))
    large = struct.pack(">I4sQ", 1, b"mdat", 16 + 32) + b"\x00" * 32
    found = sniffed(mp4()[:-72] + large)
    sniff.check_layout(found)
    assert found.boxes is not None and found.boxes.kinds[-1] == "mdat"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (mp4(b"\x00" * 1000)[:-500], "ends before its last box does (43% of it is missing)"),
        (box(b"ftyp", b"isom") + box(b"mdat", b"\x00" * 1000)[:300], "has no index (moov atom)"),
        (box(b"ftyp", b"isom") + box(b"mdat", b"\x00" * 100), "has no index (moov atom)"),
    ],
    ids=["data cut short", "index never written, cut", "index never written"],
)
def test_an_mp4_cut_short_is_truncated_media(data: bytes, words: str) -> None:
    refused = refusal(data)
    assert refused.code == "truncated_media"
    assert words in refused.message and refused.message.startswith("holiday.mp4 ")


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (zipped(), "a ZIP archive"),
        (zipped() + mp4(), "a ZIP archive"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + mp4(), "a PDF document"),
        (mp4()[:200] + b"%PDF-1.4" + mp4()[200:], "a PDF document"),
        (b"Rar!\x1a\x07\x01\x00" + b"\x00" * 50, "a RAR archive"),
        (b"7z\xbc\xaf\x27\x1c" + b"\x00" * 50, "a 7-Zip archive"),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 50, "a gzip archive"),
    ],
    ids=["zip", "zip then mp4", "pdf then mp4", "pdf in the first kilobyte", "rar", "7z", "gzip"],
)
def test_a_file_that_starts_as_an_archive_or_document_is_refused(data: bytes, what: str) -> None:
    refused = refusal(data)
    assert refused.code == "polyglot_file"
    assert refused.message == f"holiday.mp4 is {what}, not a video or audio file"


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (mp4() + zipped(), "a ZIP archive"),
        (b"\x1a\x45\xdf\xa3" + b"\x00" * 500 + zipped(), "a ZIP archive"),  # any container
        (mp4(b"\x00" * 2000) + b"%PDF-1.7\n1 0 obj\n", "a PDF document"),
        (mp4() + b"7z\xbc\xaf\x27\x1c" + b"\x00" * 50, "a 7-Zip archive"),
    ],
    ids=["mp4 + zip", "mkv + zip", "mp4 + pdf", "mp4 + 7z"],
)
def test_media_carrying_another_format_after_it_is_a_polyglot(data: bytes, what: str) -> None:
    refused = refusal(data)
    assert refused.code == "polyglot_file"
    assert f"carries {what} after its media (a polyglot file)" in refused.message


def test_zip_like_bytes_without_a_central_directory_are_not_a_zip() -> None:
    """Compressed media can hold the end record's four bytes; its fields must also agree."""
    stray = mp4(b"\x00" * 100 + b"PK\x05\x06" + b"\x07" * 18)
    assert not sniff.zip_at_end(lambda at, n: stray[at : at + n], len(stray))
    sniff.check_layout(sniffed(stray))
    junk = mp4() + b"\xde\xad\xbe\xef" * 3  # unreadable trailing bytes are tolerated
    sniff.check_layout(sniffed(junk))


def test_an_empty_file_is_refused_as_empty() -> None:
    refused = refusal(b"")
    assert (refused.code, refused.message) == (
        "unsupported_media",
        "holiday.mp4 is empty (0 bytes)",
    )


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"<!DOCTYPE html>\n<html><body>404</body></html>", "an HTML page"),
        (b"\xef\xbb\xbf  <html lang='en'><head>", "an HTML page"),
        (b'<?xml version="1.0"?><rss/>', "an XML document"),
        (b"definitely not a video\n" * 10, "text"),
        ("caf\u00e9 ".encode() * 819 + b"caf\xc3", "text"),  # a character cut at 4 KiB
        (b"\x00\x01\x02garbage\xff", None),
    ],
)
def test_what_a_file_that_is_not_media_holds(head: bytes, what: str | None) -> None:
    assert sniff.looks_like(head[: sniff.HEAD_BYTES]) == what


def test_ffprobes_refusal_of_bytes_that_are_not_media_says_what_they_are() -> None:
    ffprobe = UnsupportedMedia("holiday.mp4 is not readable media: Invalid data found")
    text = sniff.unreadable(sniffed(b"not a video\n" * 40), ffprobe)
    assert text.code == "unsupported_media"
    assert text.message == "holiday.mp4 is not a video or audio file: it holds text"
    noise = sniff.unreadable(sniffed(bytes(range(7, 200)) * 4), ffprobe)
    assert noise.message.endswith("its bytes match no audio or video format")
    mkv = b"\x1a\x45\xdf\xa3" + b"\x00" * 100
    assert sniff.unreadable(sniffed(mkv), ffprobe) is ffprobe  # media: ffprobe's words


@pytest.mark.parametrize(
    "head",
    [
        mp4(),
        b"\x1a\x45\xdf\xa3\x00",
        b"RIFF\x00\x00\x00\x00WAVE",
        b"OggS\x00",
        b"ID3\x04",
        b"\xff\xfb\x90\x00",
        b"\xff\xf1\x50\x80",
        (b"\x47" + b"\x00" * 187) * 2,
    ],
    ids=["mp4", "matroska", "wav", "ogg", "mp3 tags", "mp3 frame", "adts", "mpeg-ts"],
)
def test_media_containers_are_recognised_by_their_signatures(head: bytes) -> None:
    assert sniff.media_signature(head)


def test_a_file_on_disk_is_sniffed_by_small_reads(tmp_path: Path) -> None:
    path = tmp_path / "talk.mp4"
    path.write_bytes(mp4() + zipped())
    found = sniff.sniff(path)
    assert (found.name, found.size, found.foreign) == (
        "talk.mp4",
        path.stat().st_size,
        "a ZIP archive",
    )
    with pytest.raises(UnsupportedMedia) as missing:
        sniff.sniff(tmp_path / "gone.mp4")
    assert missing.value.code == "unsupported_media"


def test_a_walk_through_many_fragments_stops_at_its_budget_of_reads() -> None:
    """A fragmented MP4 has two top-level boxes per fragment; over the network each header is
    one request, so stored media is walked through a bounded number of them."""
    data = mp4() + box(b"moof", b"\x00" * 8) * 5000
    reads: list[int] = []

    def read(offset: int, length: int) -> bytes:
        reads.append(offset)
        return data[offset : offset + length]

    found = sniff.sniff_bytes(read, len(data), "long.mp4", max_boxes=100)

    sniff.check_layout(found)
    assert found.boxes is not None and len(found.boxes.kinds) == 100
    assert len(reads) < 110

"""What a file's own bytes say it is, read before ffprobe is trusted with it.

ffprobe reads an MP4 with a ZIP archive appended as a fine MP4, and refuses every unreadable
`.mp4` in the same words ("moov atom not found") whether it holds text, an archive or an MP4
cut short. A few small reads tell these apart, each refusal with its own code:
- `polyglot_file`: an archive or document signature at the start (ZIP, PDF, RAR, 7-Zip,
  gzip), a ZIP's end record pointing at its central directory at the end (an archive
  appended to media), or such a signature right after an MP4's last box;
- `truncated_media`: ISO-BMFF (MP4, MOV, M4A, 3GP) whose top-level boxes, walked by their
  headers, run past the end of the file, or that has no `moov` index at all;
- `unsupported_media`, when ffprobe cannot read the file either: its bytes named as what
  they look like (empty, an HTML page, text, or no media format at all).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from klair.domain.errors import UnsupportedMedia

HEAD_BYTES = 4096
ZIP_TAIL = 22 + 0xFFFF  # the end-of-central-directory record and its longest comment
PDF_WINDOW = 1024  # readers find `%PDF-` anywhere in the first kilobyte
MAX_BOXES = 200_000  # a fragmented MP4 has two top-level boxes per fragment

FOREIGN: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"PK\x07\x08", "a ZIP archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b\x08", "a gzip archive"),
    (b"%PDF-", "a PDF document"),
)
ISO_TOP_LEVEL = {b"ftyp", b"styp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot"}
MEDIA_SIGNATURES: tuple[bytes, ...] = (
    b"\x1a\x45\xdf\xa3",  # Matroska, WebM
    b"RIFF",  # WAV, AVI
    b"OggS",
    b"fLaC",
    b"ID3",  # MP3 with tags
    b"FLV",
    b"FORM",  # AIFF
    b"caff",
    b"#!AMR",
    b"\x30\x26\xb2\x75",  # ASF, WMV
    b"\x00\x00\x01\xba",  # MPEG program stream
)

Read = Callable[[int, int], bytes]


@dataclass(frozen=True)
class Boxes:
    """An ISO-BMFF file's top-level boxes as their headers declare them."""

    kinds: tuple[str, ...]
    end: int  # where the walk stopped: the end of the last whole box
    overrun: int  # bytes the last box declares beyond the end of the file

    @property
    def indexed(self) -> bool:
        return "moov" in self.kinds


@dataclass(frozen=True)
class Sniffed:
    name: str
    size: int
    head: bytes
    foreign: str | None  # an archive or document the file is, starts as, or carries
    appended: bool  # the foreign format follows the media (a polyglot)
    boxes: Boxes | None  # None: not ISO-BMFF


def foreign_start(head: bytes) -> str | None:
    """The archive or document a file starts as, if any."""
    for signature, what in FOREIGN:
        if head.startswith(signature):
            return what
    return "a PDF document" if b"%PDF-" in head[:PDF_WINDOW] else None


def _box_type(kind: bytes) -> bool:
    """Top-level box types are four letters, digits or spaces (`ftyp`, `moov`, `uuid`)."""
    return kind[:1].isalpha() and all(c < 0x80 and (chr(c).isalnum() or c == 0x20) for c in kind)


def is_iso_bmff(head: bytes) -> bool:
    return len(head) >= 8 and head[4:8] in ISO_TOP_LEVEL


def _box_at(read: Read, offset: int, size: int) -> tuple[str, int] | None:
    """(type, declared size) of the box at `offset`, or None where no box header is."""
    header = read(offset, 16)
    if len(header) < 8:
        return None
    declared, kind = struct.unpack(">I4s", header[:8])
    if not _box_type(kind) or any(header.startswith(sig) for sig, _ in FOREIGN):
        return None
    if declared == 1:
        if len(header) < 16:
            return None
        declared = struct.unpack(">Q", header[8:16])[0]
        return (kind.decode("ascii"), declared) if declared >= 16 else None
    if declared == 0:  # the last box, to the end of the file
        return kind.decode("ascii"), size - offset
    return (kind.decode("ascii"), declared) if declared >= 8 else None


def walk_boxes(read: Read, size: int, max_boxes: int = MAX_BOXES) -> Boxes:
    """Follow the top-level box headers from the start until the file or the boxes end (or
    `max_boxes` were read: each is one read, a network request for stored media)."""
    kinds: list[str] = []
    offset = 0
    while offset + 8 <= size and len(kinds) < max_boxes:
        box = _box_at(read, offset, size)
        if box is None:
            break  # trailing bytes that are not a box
        kinds.append(box[0])
        if offset + box[1] > size:
            return Boxes(tuple(kinds), offset, offset + box[1] - size)
        offset += box[1]
    return Boxes(tuple(kinds), offset, 0)


def zip_at_end(read: Read, size: int) -> bool:
    """Whether the file ends with a ZIP's end record whose central directory is where it
    says: the structure unzip reads, however the file starts."""
    start = max(0, size - ZIP_TAIL)
    tail = read(start, size - start)
    at = tail.rfind(b"PK\x05\x06")
    while at >= 0:
        record = tail[at + 12 : at + 22]
        if len(record) == 10:
            directory, _, comment = struct.unpack("<IIH", record)
            if at + 22 + comment == len(tail):
                if directory in (0, 0xFFFFFFFF):
                    return True  # empty, or ZIP64 (its own locator precedes)
                where = start + at - directory
                if where >= 0 and read(where, 4) == b"PK\x01\x02":
                    return True
        at = tail.rfind(b"PK\x05\x06", 0, at)
    return False


def looks_like(head: bytes) -> str | None:
    """What a head that is not media reads as: an HTML page, an XML document or text."""
    body = head[: len(head) - 3] if len(head) == HEAD_BYTES else head
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 0x20 and c not in "\t\n\r\f" for c in text):
        return None
    lowered = text.lstrip("\ufeff \t\r\n").lower()
    if lowered.startswith("<!doctype html") or "<html" in lowered[:1024]:
        return "an HTML page"
    if lowered.startswith("<?xml"):
        return "an XML document"
    return "text"


def media_signature(head: bytes) -> bool:
    """Whether the file starts the way some audio or video container does."""
    if is_iso_bmff(head) or head.startswith(MEDIA_SIGNATURES):
        return True
    if len(head) > 188 and head[0] == 0x47 and head[188] == 0x47:
        return True  # MPEG transport stream packets
    return len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0  # MPEG audio, ADTS


def _appended(read: Read, size: int, boxes: Boxes | None) -> str | None:
    if zip_at_end(read, size):
        return "a ZIP archive"
    if boxes is not None and boxes.overrun == 0 and boxes.end < size:
        return foreign_start(read(boxes.end, PDF_WINDOW))
    return None


def sniff_bytes(read: Read, size: int, name: str, max_boxes: int = MAX_BOXES) -> Sniffed:
    """`read(offset, length)` gives the file's bytes there (fewer at its end)."""
    head = read(0, HEAD_BYTES)
    boxes = walk_boxes(read, size, max_boxes) if is_iso_bmff(head) else None
    leading = foreign_start(head)
    trailing = None if leading else _appended(read, size, boxes)
    return Sniffed(name, size, head, leading or trailing, trailing is not None, boxes)


def sniff(path: Path) -> Sniffed:
    try:
        with path.open("rb") as file:

            def read(offset: int, length: int) -> bytes:
                file.seek(offset)
                return file.read(length)

            return sniff_bytes(read, path.stat().st_size, path.name)
    except OSError as exc:
        raise UnsupportedMedia(f"{path.name} cannot be read: {exc.strerror}") from exc


def check_layout(found: Sniffed) -> None:
    """Refuse what the bytes alone tell: nothing, another format, an MP4 cut short."""
    if found.size == 0:
        raise UnsupportedMedia(f"{found.name} is empty (0 bytes)")
    if found.foreign is not None:
        raise _polyglot(found, found.foreign)
    if found.boxes is not None and (found.boxes.overrun or not found.boxes.indexed):
        raise _truncated(found, found.boxes)


def _truncated(found: Sniffed, boxes: Boxes) -> UnsupportedMedia:
    parts = []
    if boxes.overrun:
        missing = 100 * boxes.overrun / (found.size + boxes.overrun)
        parts.append(f"ends before its last box does ({missing:.0f}% of it is missing)")
    if not boxes.indexed:
        parts.append("has no index (moov atom)")
    return UnsupportedMedia(
        f"{found.name} {' and '.join(parts)}: the file was cut short or its recording never "
        "finished; send the complete file",
        code="truncated_media",
        missing_bytes=boxes.overrun,
    )


def _polyglot(found: Sniffed, what: str) -> UnsupportedMedia:
    if found.appended:
        message = (
            f"{found.name} carries {what} after its media (a polyglot file); Klair takes "
            "plain video or audio files: send the media file alone"
        )
    else:
        message = f"{found.name} is {what}, not a video or audio file"
    return UnsupportedMedia(message, code="polyglot_file", format=what)


def unreadable(found: Sniffed, refused: UnsupportedMedia) -> UnsupportedMedia:
    """ffprobe could not read the file: say what it holds instead, when the bytes tell."""
    if media_signature(found.head):
        return refused  # media that ffprobe refused: its own words say more
    what = looks_like(found.head)
    holds = f"it holds {what}" if what else "its bytes match no audio or video format"
    return UnsupportedMedia(f"{found.name} is not a video or audio file: {holds}")

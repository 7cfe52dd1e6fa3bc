"""A chunk's segment of audio on the source's clock: the segment's WAV (its samples from
0) placed at its start second in a sparse file, so readers seeking by the source's seconds
find the chunk's samples where the whole file had them, and nothing is stored before."""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

from klair.adapters.whisper_transcriber import read_window
from klair.handlers.steps.segments import on_source_clock, wav_layout

pytestmark = pytest.mark.media


@pytest.fixture(scope="module")
def wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the transcode writes: 16 kHz mono s16 (with ffmpeg's LIST chunk), 10 minutes."""
    path = tmp_path_factory.mktemp("wav") / "audio.wav"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anoisesrc=d=600:c=pink:r=16000",
         "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", str(path)],
        check=True,
    )  # fmt: skip
    return path


@pytest.mark.parametrize("window", [(0.0, 120.0), (250.5, 370.25), (540.0, 600.0)])
def test_a_segment_lands_at_its_own_seconds(
    wav: Path, tmp_path: Path, window: tuple[float, float]
) -> None:
    segment = tmp_path / "segment.wav"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", str(window[0]), "-t", str(window[1] - window[0]),
         "-i", str(wav), "-c:a", "pcm_s16le", str(segment)],
        check=True,
    )  # fmt: skip
    out = tmp_path / "audio.wav"

    on_source_clock(segment, window[0], out)

    assert abs(out.stat().st_size - (wav.stat().st_size - 600 * 32000 + window[1] * 32000)) < 64
    inner = (window[0] + 0.01, window[1] - 0.01)
    assert np.array_equal(read_window(out, *inner), read_window(wav, *inner))
    assert not read_window(out, 0.0, max(0.0, window[0] - 0.01)).any()
    assert out.stat().st_blocks * 512 < 0.5 * wav.stat().st_size + 2 * segment.stat().st_size


def test_a_file_that_is_not_a_plain_wav_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" + bytes(5000))
    with pytest.raises(ValueError, match="not a PCM WAV"):
        on_source_clock(bad, 10.0, tmp_path / "out.wav")


def chunk(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) % 2 else b"")


FMT = chunk(b"fmt ", struct.pack("<HHIIHH", 1, 1, 16000, 32000, 2, 16))


def test_layout_walks_padded_chunks_to_the_data() -> None:
    head = b"RIFF\x00\x00\x00\x00WAVE" + FMT + chunk(b"LIST", b"odd") + chunk(b"data", bytes(8))
    layout = wav_layout(head)
    assert layout is not None
    assert (layout.data_offset, layout.data_size, layout.byte_rate, layout.block_align) == (
        len(head) - 8, 8, 32000, 2,
    )  # fmt: skip


@pytest.mark.parametrize(
    "head",
    [
        b"OggS" + bytes(100),
        b"RIFF\x00\x00\x00\x00WAVE" + chunk(b"data", bytes(8)),  # no fmt before the data
        b"RIFF\x00\x00\x00\x00WAVE" + FMT + b"data" + struct.pack("<I", 0xFFFFFFFF),  # streamed
        b"RIFF\x00\x00\x00\x00WAVE" + FMT,  # the data starts past what was read
    ],
)
def test_layout_is_none_for_what_cannot_be_read_in_place(head: bytes) -> None:
    assert wav_layout(head) is None

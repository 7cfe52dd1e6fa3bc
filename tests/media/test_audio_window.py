"""A chunk's window of audio.wav fetched with two ranged reads into a sparse file of the
whole file's length: the window's samples are the file's, the rest is a hole, and only
the header and the window's bytes are read."""

from __future__ import annotations

import struct
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from klair.adapters.memory.blobs import MemoryBlobs
from klair.adapters.whisper_transcriber import read_window
from klair.handlers.steps.artifacts import MARGIN_SECONDS, fetch_window, wav_layout
from tests.unit.api_world import make_world

pytestmark = pytest.mark.media
NAME = "work/job_x/audio.wav"


class CountingBlobs(MemoryBlobs):
    """The memory adapter, counting the bytes handed out."""

    def __init__(self) -> None:
        super().__init__()
        self.read = 0

    def read_range(self, name: str, start: int, end: int) -> bytes:
        data = super().read_range(name, start, end)
        self.read += len(data)
        return data

    def download(self, name: str, path: Path) -> None:
        super().download(name, path)
        self.read += path.stat().st_size


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


def fetched(wav: Path, tmp_path: Path, start: float, end: float) -> tuple[Path, CountingBlobs]:
    world = make_world()
    blobs = CountingBlobs()
    blobs.put_file(NAME, wav)
    deps = replace(world.deps, blobs=blobs)
    out = tmp_path / "audio.wav"
    fetch_window(deps, NAME, out, start, end)
    return out, blobs


@pytest.mark.parametrize("window", [(0.0, 120.0), (250.5, 370.25), (540.0, 600.0)])
def test_the_windows_samples_are_the_files_and_only_they_are_read(
    wav: Path, tmp_path: Path, window: tuple[float, float]
) -> None:
    out, blobs = fetched(wav, tmp_path, *window)

    assert out.stat().st_size == wav.stat().st_size
    assert np.array_equal(read_window(out, *window), read_window(wav, *window))
    seconds = window[1] - window[0] + 2 * MARGIN_SECONDS
    assert blobs.read <= 4096 + seconds * 32000 + 2  # header + the window, 2 bytes a sample
    assert out.stat().st_blocks * 512 < 0.5 * wav.stat().st_size  # the rest is a hole
    outside = read_window(out, 0.0, max(0.0, window[0] - MARGIN_SECONDS - 0.01))
    assert not outside.any()


def test_a_file_that_is_not_a_plain_wav_is_downloaded_whole(tmp_path: Path) -> None:
    blobs = CountingBlobs()
    blobs.put_bytes(NAME, b"RIFF\x00\x00\x00\x00WAVEjunk" + bytes(5000))
    world = make_world()
    deps = replace(world.deps, blobs=blobs)

    fetch_window(deps, NAME, tmp_path / "a.wav", 0.0, 1.0)

    assert (tmp_path / "a.wav").read_bytes() == blobs.read_bytes(NAME)
    assert blobs.read == 4096 + 5016  # the header's range, then the whole file


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

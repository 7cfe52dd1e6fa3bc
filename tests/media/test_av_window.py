"""The in-process reader of a clip's window (PyAV) against the ffmpeg command line it
replaced: the same frames (turned upright, cut at the same edges) and the same EBU R128
measurement, on seekable and linear containers; broken input and overruns are errors."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.render.av_window import Deadline, grey_frames, loudness
from klair.adapters.render.cut import Window
from klair.domain.errors import Transient, UnsupportedMedia

pytestmark = pytest.mark.media
SIZE = (160, 90)


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """10 s of moving test pattern with a tone that gets louder half way."""
    path = tmp_path_factory.mktemp("av") / "clip.mp4"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=10",
        "-f", "lavfi", "-i", "sine=f=440:d=10,volume='if(lt(t,5),0.1,0.6)':eval=frame",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-c:a", "aac", "-ac", "2",
        "-shortest", str(path),
    )  # fmt: skip
    return path


def cli_frames(path: Path, start: float, end: float, size: tuple[int, int]) -> np.ndarray:
    """What the command line delivers: `-ss` seek, 4 fps, autorotated, grey."""
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", f"{start}", "-t", f"{end - start}", "-i", str(path),
         "-vf", f"fps=4,scale={size[0]}:{size[1]},format=gray", "-f", "rawvideo", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(out, np.uint8).reshape(-1, size[1], size[0])


def cli_loudness(path: Path, start: float, end: float) -> tuple[float, float]:
    log = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-ss", f"{start}", "-t", f"{end - start}",
         "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    integrated = re.findall(r"I:\s+(-?[\d.]+) LUFS", log)[-1]
    peak = re.findall(r"Peak:\s+(-?[\d.]+) dBFS", log)[-1]
    return float(integrated), float(peak)


def read(path: Path, window: Window, size: tuple[int, int] = SIZE, rotation: int = 0) -> np.ndarray:
    return np.stack(list(grey_frames(path, window, size, 4.0, Deadline(60), rotation)))


@pytest.mark.parametrize("window", [(0.0, 3.0), (2.3, 7.9), (6.0, 10.0)])
def test_frames_are_the_command_lines(clip: Path, window: tuple[float, float]) -> None:
    ours = read(clip, Window(*window, linear=False))
    theirs = cli_frames(clip, *window, SIZE)

    assert ours.shape == theirs.shape
    assert float(np.abs(ours.astype(int) - theirs).mean()) < 2.0


def test_a_linear_container_is_read_from_its_start_and_cut_the_same(
    clip: Path, tmp_path: Path
) -> None:
    ts = tmp_path / "clip.ts"
    ffmpeg("-i", str(clip), "-c", "copy", str(ts))

    ours = read(ts, Window(4.0, 6.0, linear=True))
    theirs = cli_frames(clip, 4.0, 6.0, SIZE)

    assert ours.shape == theirs.shape
    assert float(np.abs(ours.astype(int) - theirs).mean()) < 2.0


def test_a_rotated_phone_video_is_turned_upright(clip: Path, tmp_path: Path) -> None:
    phone = tmp_path / "phone.mp4"
    ffmpeg("-i", str(clip), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(phone))

    media = FfprobeMediaProbe().probe(phone)  # as the renderer passes it
    portrait = (SIZE[1], SIZE[0])  # the displayed size
    ours = read(phone, Window(1.0, 3.0, linear=False), portrait, media.rotation)
    theirs = cli_frames(phone, 1.0, 3.0, portrait)  # autorotated

    assert media.rotation in (90, 270) and (media.width, media.height) == (180, 320)
    assert ours.shape == theirs.shape == (8, SIZE[0], SIZE[1])
    assert float(np.abs(ours.astype(int) - theirs).mean()) < 2.0


@pytest.mark.parametrize("window", [(0.5, 4.5), (3.0, 9.0), (5.5, 10.0)])
def test_loudness_is_ebur128s(clip: Path, window: tuple[float, float]) -> None:
    measured = loudness(clip, Window(*window, linear=False), Deadline(60))
    integrated, peak = cli_loudness(clip, *window)

    assert measured is not None
    assert measured.integrated == pytest.approx(integrated, abs=0.15)
    assert measured.true_peak == pytest.approx(peak, abs=0.15)


def test_silence_and_no_audio_measure_nothing(tmp_path: Path) -> None:
    silent, mute = tmp_path / "silent.m4a", tmp_path / "mute.mp4"
    ffmpeg("-f", "lavfi", "-i", "anullsrc=d=3", "-c:a", "aac", str(silent))
    ffmpeg("-f", "lavfi", "-i", "testsrc2=s=64x36:d=2", str(mute))

    assert loudness(silent, Window(0.0, 3.0, linear=False), Deadline(60)) is None
    assert loudness(mute, Window(0.0, 2.0, linear=False), Deadline(60)) is None


def test_garbage_is_unsupported_media(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all " * 500)

    with pytest.raises(UnsupportedMedia):
        read(junk, Window(0.0, 2.0, linear=False))
    with pytest.raises(UnsupportedMedia):
        loudness(junk, Window(0.0, 2.0, linear=False), Deadline(60))


def test_an_overrun_is_a_transient_error(clip: Path) -> None:
    with pytest.raises(Transient, match="timed out"):
        list(grey_frames(clip, Window(0.0, 10.0, linear=False), SIZE, 4.0, Deadline(-1)))

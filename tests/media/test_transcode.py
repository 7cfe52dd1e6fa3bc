"""The one-pass transcode on the sources phones and sites produce: rotated, variable frame
rate, odd sizes, no audio; the proxy's promises (≤480p, 5 fps, keyframes every 2 s) and the
signals and progress it reports."""

from __future__ import annotations

import json
import subprocess
import wave
from itertools import pairwise
from pathlib import Path

import pytest

from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.ffmpeg_transcode import FfmpegTranscoder
from klair.cli.sample import Sample, make_sample_video
from klair.domain.errors import KlairError
from klair.domain.media import MediaInfo
from klair.domain.signals import Signals
from klair.ports.media import Transcoded

pytestmark = pytest.mark.media

probe = FfprobeMediaProbe()


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def lavfi(path: Path, size: str, seconds: float, *extra: str, audio: bool = True) -> Path:
    inputs = ["-f", "lavfi", "-i", f"testsrc2=s={size}:r=30:d={seconds}"]
    if audio:
        inputs += ["-f", "lavfi", "-i", f"sine=f=300:d={seconds}"]
    ffmpeg(*inputs, *extra, "-c:v", "libx264", "-preset", "ultrafast", "-shortest", str(path))
    return path


def video_stream(path: Path, *entries: str) -> dict[str, str]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=" + ",".join(entries), "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return dict(json.loads(out)["streams"][0])


def keyframe_times(path: Path) -> list[float]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-skip_frame", "nokey",
         "-show_entries", "frame=pts_time", "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [float(line.strip(",")) for line in out.split()]


def transcode(source: Path, work: Path, **progress: object) -> tuple[MediaInfo, Transcoded]:
    media = probe.probe(source)
    return media, FfmpegTranscoder().transcode(source, work, media, **progress)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def talk(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    return make_sample_video(
        tmp_path_factory.mktemp("talk") / "talk.mp4", 14, width=640, height=360
    )


def test_the_proxy_is_small_5fps_with_a_keyframe_every_2s(talk: Sample, tmp_path: Path) -> None:
    seen: list[float] = []

    _, out = transcode(talk.path, tmp_path, on_progress=seen.append)

    proxy = probe.probe(out.proxy)
    stream = video_stream(out.proxy, "r_frame_rate", "avg_frame_rate", "codec_name")
    assert (stream["codec_name"], stream["r_frame_rate"], stream["avg_frame_rate"]) == (
        "h264", "5/1", "5/1",
    )  # fmt: skip
    assert (proxy.width, proxy.height) == (640, 360) and not proxy.vfr
    keys = keyframe_times(out.proxy)
    assert keys[0] == 0 and max(b - a for a, b in pairwise(keys)) <= 2.0
    assert proxy.duration == pytest.approx(14, abs=0.15)
    assert out.proxy.stat().st_size * 8 / 14 < 1_200_000
    assert seen and seen == sorted(seen) and seen[-1] == pytest.approx(1.0, abs=0.05)


def test_the_video_proxy_is_silent_and_its_sound_a_file_of_its_own(
    talk: Sample, tmp_path: Path
) -> None:
    # Gemini watches the silent proxy when the transcript is in its prompt (no audio tokens
    # billed) and is given the audio proxy beside it only when it has to listen.
    _, out = transcode(talk.path, tmp_path)

    assert not probe.probe(out.proxy).has_audio
    assert out.audio_proxy is not None and out.audio_proxy.name == "proxy.m4a"
    sound = probe.probe(out.audio_proxy)
    assert sound.has_audio and not sound.has_video
    assert sound.duration == pytest.approx(14, abs=0.15)


def test_signals_carry_activity_and_integrated_loudness(talk: Sample, tmp_path: Path) -> None:
    _, out = transcode(talk.path, tmp_path)

    signals = Signals.model_validate_json(out.signals.read_text())
    assert [t for t, _ in signals.activity] == [i + 0.5 for i in range(14)]
    assert all(0 <= v <= 1 for _, v in signals.activity)
    assert signals.integrated_loudness is not None and -40 < signals.integrated_loudness < -5
    cut = talk.cuts[0]
    around_cut = signals.activity_between(cut - 0.5, cut + 0.5)
    assert around_cut > signals.activity_between(cut + 1.5, cut + 2.5)


def test_a_rotated_phone_video_gets_an_upright_proxy(tmp_path: Path) -> None:
    plain = lavfi(tmp_path / "plain.mp4", "640x360", 2)
    phone = tmp_path / "phone.mp4"
    ffmpeg("-i", str(plain), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(phone))

    media, out = transcode(phone, tmp_path / "work")

    assert media.rotation in (90, 270) and (media.width, media.height) == (360, 640)
    proxy = probe.probe(out.proxy)
    assert (proxy.width, proxy.height, proxy.rotation) == (270, 480, 0)


def test_a_variable_frame_rate_source_gets_a_constant_rate_proxy(tmp_path: Path) -> None:
    # 30 fps for a second, then every third frame: how phones drop frames in low light.
    vfr = lavfi(tmp_path / "vfr.mp4", "320x180", 4, "-vf", "select='lt(n,30)+not(mod(n,3))'",
                "-fps_mode", "vfr")  # fmt: skip

    media, out = transcode(vfr, tmp_path / "work")

    assert media.vfr
    stream = video_stream(out.proxy, "r_frame_rate", "avg_frame_rate", "nb_frames")
    assert stream["r_frame_rate"] == stream["avg_frame_rate"] == "5/1"
    assert int(stream["nb_frames"]) == pytest.approx(20, abs=1)
    with wave.open(str(out.audio)) as wav:
        assert wav.getnframes() / 16000 == pytest.approx(media.duration, abs=0.1)


@pytest.mark.parametrize(("size", "proxy"), [("1920x1081", (854, 480)), ("321x241", (320, 240))])
def test_odd_sizes_give_even_proxies(tmp_path: Path, size: str, proxy: tuple[int, int]) -> None:
    source = lavfi(tmp_path / "odd.mp4", size, 1)

    _, out = transcode(source, tmp_path / "work")

    found = probe.probe(out.proxy)
    assert (found.width, found.height) == proxy


def test_a_source_without_audio_gets_silent_audio_and_signals(tmp_path: Path) -> None:
    mute = lavfi(tmp_path / "mute.mp4", "320x180", 3, audio=False)

    media, out = transcode(mute, tmp_path / "work")

    assert not media.has_audio
    assert not probe.probe(out.proxy).has_audio
    signals = Signals.model_validate_json(out.signals.read_text())
    assert signals.silences == [(0.0, 3.0)] and signals.integrated_loudness is None
    assert {v for _, v in signals.loudness} == {-70.0}
    with wave.open(str(out.audio)) as wav:
        assert (wav.getframerate(), wav.getnchannels()) == (16000, 1)
        assert wav.getnframes() / 16000 == pytest.approx(3, abs=0.05)


def test_an_exception_from_the_progress_callback_stops_ffmpeg(talk: Sample, tmp_path: Path) -> None:
    class Cancelled(KlairError):
        code = "cancelled"

    def cancel(fraction: float) -> None:
        raise Cancelled("the job was cancelled")

    with pytest.raises(Cancelled):
        transcode(talk.path, tmp_path, on_progress=cancel)
    assert not (tmp_path / "signals.json").exists()

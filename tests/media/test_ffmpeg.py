"""Media adapters on real ffmpeg: probe, one-pass transcode and clip render (downloads are in
test_download.py)."""

from __future__ import annotations

import json
import struct
import subprocess
import wave
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.ffmpeg_render import FfmpegClipRenderer
from klair.adapters.ffmpeg_transcode import FfmpegTranscoder
from klair.adapters.signals_analyzer import SignalsAnalyzer
from klair.cli.sample import Sample, make_sample_video
from klair.domain.analysis.selection import select_clips
from klair.domain.clip import Clip
from klair.domain.errors import UnsupportedMedia
from klair.domain.media import MediaInfo
from klair.domain.signals import Signals
from klair.ports.media import Transcoded

pytestmark = pytest.mark.media

probe = FfprobeMediaProbe()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    path = tmp_path_factory.mktemp("sample") / "talk.mp4"
    return make_sample_video(path, 40, width=960, height=540)


@pytest.fixture(scope="module")
def audio_sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    return make_sample_video(tmp_path_factory.mktemp("audio") / "talk.m4a", 20, video=False)


@pytest.fixture(scope="module")
def transcoded(sample: Sample, tmp_path_factory: pytest.TempPathFactory) -> Transcoded:
    work = tmp_path_factory.mktemp("work")
    return FfmpegTranscoder(proxy_height=480).transcode(sample.path, work, probe.probe(sample.path))


@pytest.fixture(scope="module")
def signals(transcoded: Transcoded) -> Signals:
    return Signals.model_validate_json(transcoded.signals.read_text())


def top_level_boxes(path: Path) -> list[str]:
    """The order of an MP4's top-level boxes (faststart puts moov before mdat)."""
    names = []
    with path.open("rb") as f:
        while header := f.read(8):
            size, name = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", f.read(8))[0] - 8
            names.append(name.decode("latin-1"))
            f.seek(size - 8, 1)
    return names


def streams(path: Path) -> list[dict[str, Any]]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return list(json.loads(out)["streams"])


def test_probe_reads_what_the_sample_contains(sample: Sample) -> None:
    info = probe.probe(sample.path)

    assert info.duration == pytest.approx(40, abs=0.1)
    assert (info.container, info.video_codec, info.audio_codec) == ("mp4", "h264", "aac")
    assert (info.width, info.height, info.fps, info.rotation) == (960, 540, 25.0, 0)
    assert info.size_bytes == sample.path.stat().st_size


def test_cover_art_does_not_make_audio_a_video(audio_sample: Sample, tmp_path: Path) -> None:
    cover, tagged = tmp_path / "cover.png", tmp_path / "tagged.m4a"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=red:s=64x64:d=1",
         "-frames:v", "1", str(cover)],
        check=True,
    )  # fmt: skip
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(audio_sample.path), "-i", str(cover),
         "-map", "0", "-map", "1", "-c", "copy", "-disposition:v:0", "attached_pic",
         str(tagged)],
        check=True,
    )  # fmt: skip

    info = probe.probe(tagged)

    assert any(s["codec_type"] == "video" for s in streams(tagged))
    assert not info.has_video
    assert info.audio_codec == "aac"


@pytest.mark.parametrize("content", [b"this is not a video\n" * 50, b""])
def test_probe_refuses_files_that_are_not_media(tmp_path: Path, content: bytes) -> None:
    fake = tmp_path / "movie.mp4"
    fake.write_bytes(content)

    with pytest.raises(UnsupportedMedia) as caught:
        probe.probe(fake)

    assert caught.value.code == "unsupported_media"
    assert "movie.mp4" in caught.value.message


def test_transcode_writes_a_small_proxy_and_16k_mono_audio(transcoded: Transcoded) -> None:
    proxy = probe.probe(transcoded.proxy)
    assert (proxy.video_codec, proxy.audio_codec) == ("h264", None)  # silent: the model's view
    assert transcoded.audio_proxy is not None  # its sound beside it, for a model that listens
    assert probe.probe(transcoded.audio_proxy).audio_codec == "aac"
    assert proxy.height == 480
    assert proxy.width is not None and proxy.width % 2 == 0
    assert proxy.width / proxy.height == pytest.approx(16 / 9, rel=0.01)
    assert top_level_boxes(transcoded.proxy).index("moov") < top_level_boxes(
        transcoded.proxy
    ).index("mdat")
    with wave.open(str(transcoded.audio)) as audio:
        assert (audio.getframerate(), audio.getnchannels(), audio.getsampwidth()) == (16000, 1, 2)
        assert audio.getnframes() / 16000 == pytest.approx(40, abs=0.1)


def test_signals_find_the_pauses_and_the_cuts(sample: Sample, signals: Signals) -> None:
    assert signals.duration == pytest.approx(40, abs=0.1)
    assert signals.has_video
    for start, end in sample.pauses:
        middle = (start + end) / 2
        assert any(a <= middle <= b for a, b in signals.silences), (start, end)
    speech = sum(e - s for s, e in sample.speech)
    assert signals.silence_between(0, 40) == pytest.approx(40 - speech, abs=2.0)
    assert len(signals.scenes) == len(sample.cuts)
    for detected, cut in zip(signals.scenes, sample.cuts, strict=True):
        assert detected == pytest.approx(cut, abs=0.1)
    steps = {round(b[0] - a[0], 3) for a, b in pairwise(signals.loudness)}
    assert steps == {0.1}  # EBU R128 momentary loudness every 100 ms
    quiet, loud = sample.speech[4], sample.speech[2]  # espeak amplitudes 25 and 120
    assert signals.mean_loudness(*loud) > signals.mean_loudness(*quiet) + 6


def test_candidates_start_and_end_in_the_generated_pauses(
    sample: Sample, transcoded: Transcoded, signals: Signals
) -> None:
    raw = json.loads(transcoded.signals.read_text())

    candidates = SignalsAnalyzer().analyze(transcoded.audio, raw, 0, signals.duration, 8, 20)

    gaps = [(0.0, sample.speech[0][0]), *sample.pauses, (sample.speech[-1][1], 40.0)]
    assert candidates
    for c in candidates:
        assert any(a - 0.05 <= c.start <= b for a, b in gaps), c.start
        assert any(a <= c.end <= b + 0.05 for a, b in gaps), c.end


def test_render_cuts_the_clip_exactly_with_faststart(
    sample: Sample, signals: Signals, tmp_path: Path
) -> None:
    analyzer = SignalsAnalyzer()
    candidates = analyzer.analyze(Path("unused.wav"), signals.model_dump(), 0, 40, 8, 20)
    clip = select_clips(candidates, 1)[0]

    out = FfmpegClipRenderer().render(sample.path, clip, tmp_path / clip.id)

    assert set(out) == {"source", "thumbnail", "edl", "otio"}
    assert out["source"].name == "source.mp4"
    kinds = {s["codec_type"]: s for s in streams(out["source"])}
    assert set(kinds) == {"video", "audio"}
    assert float(kinds["video"]["duration"]) == pytest.approx(clip.duration, abs=1 / 25)
    boxes = top_level_boxes(out["source"])
    assert boxes.index("moov") < boxes.index("mdat")
    [thumbnail] = streams(out["thumbnail"])
    assert (thumbnail["codec_name"], thumbnail["width"], thumbnail["height"]) == ("mjpeg", 960, 540)


def test_a_clip_from_mpeg_ts_starts_where_asked(sample: Sample, tmp_path: Path) -> None:
    source = tmp_path / "talk.ts"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(sample.path), "-t", "15", "-c", "copy", str(source)],
        check=True,
    )
    cut = sample.cuts[0]
    clip = Clip(id="clip_01", rank=1, start=cut - 1.0, end=cut + 1.0, score=50)

    out = FfmpegClipRenderer().render(source, clip, tmp_path / "clip")

    detect = subprocess.run(
        ["ffmpeg", "-hide_banner", "-i", str(out["source"]), "-vf",
         "select='gt(scene,0.3)',metadata=print:file=-", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    times = [
        float(line.split("pts_time:")[1]) for line in detect.splitlines() if "pts_time" in line
    ]
    assert times == [pytest.approx(1.0, abs=0.05)]


def test_render_crops_to_a_vertical_variant(sample: Sample, tmp_path: Path) -> None:
    clip = Clip(id="clip_02", rank=2, start=10.02, end=13.5, score=50)

    out = FfmpegClipRenderer(aspect="9:16").render(sample.path, clip, tmp_path)

    video = probe.probe(out["9:16"])
    assert out["9:16"].name == "9x16.mp4"
    assert video.height == 540
    assert video.width is not None and video.width / 540 == pytest.approx(9 / 16, abs=0.01)
    assert video.duration == pytest.approx(3.48, abs=1 / 25 + 0.03)


def test_an_audio_only_source_transcodes_and_renders_as_audio(
    audio_sample: Sample, tmp_path: Path
) -> None:
    media: MediaInfo = probe.probe(audio_sample.path)
    assert not media.has_video

    done = FfmpegTranscoder().transcode(audio_sample.path, tmp_path / "work", media)
    signals = Signals.model_validate_json(done.signals.read_text())
    candidates = SignalsAnalyzer().analyze(done.audio, signals.model_dump(), 0, 20, 5, 10)
    clip = select_clips(candidates, 1)[0]
    out = FfmpegClipRenderer().render(audio_sample.path, clip, tmp_path / "clip")

    assert done.proxy.name == "proxy.m4a"
    assert not probe.probe(done.proxy).has_video
    assert not signals.has_video and signals.scenes == []
    assert signals.silences and signals.loudness
    assert list(out) == ["source", "edl", "otio"]
    assert out["source"].suffix == ".m4a"
    assert [s["codec_type"] for s in streams(out["source"])] == ["audio"]

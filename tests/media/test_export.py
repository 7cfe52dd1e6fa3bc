"""Clip export on real ffmpeg: every variant, burned captions, sidecars, loudness, thumbnail,
the edit list (JSON and OpenTimelineIO, with the clip's title and hook line), and a re-export
through the API."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import opentimelineio as otio  # type: ignore[import-untyped]
import pytest

from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.ffmpeg_render import FfmpegClipRenderer
from klair.cli.face_sample import FaceVideo, make_face_video
from klair.domain.clip import Clip
from klair.domain.edit_list import EditList
from klair.domain.events import ClipSelected
from klair.domain.export_options import RenderSpec
from klair.domain.ids import ClipId, JobId
from klair.domain.media import MediaInfo
from klair.domain.status import JobStatus as S
from klair.domain.transcript import Transcript, Word
from klair.entry import wire
from klair.handlers.pipeline.export_clip import export_clip
from klair.handlers.steps.artifacts import transcript_files
from tests.conftest import trust_source_hosts
from tests.media.test_ffmpeg import streams, top_level_boxes
from tests.unit.api_world import ALICE, make_world

pytestmark = pytest.mark.media

probe = FfprobeMediaProbe()
CLIP = Clip(
    id=ClipId("clip_01"), rank=1, start=1.0, end=5.0, score=50,
    title="Nobody Tells You This", hook_line="Nobody tells you this.",
)  # fmt: skip
TEXT = "Here is the thing. Nobody tells you this."
WORDS = tuple(
    Word(start=1.3 + i * 0.3, end=1.3 + i * 0.3 + 0.25, text=t) for i, t in enumerate(TEXT.split())
)


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> FaceVideo:
    return make_face_video(tmp_path_factory.mktemp("face") / "face.mp4", seconds=6.0, face=80)


@pytest.fixture(scope="module")
def files(video: FaceVideo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    spec = RenderSpec(
        aspects=("9:16", "1:1", "source"), caption_style="karaoke", words=WORDS,
        loudness_lufs=-16, max_short_side=240, source_name="sources/job_x/source.mp4",
    )  # fmt: skip
    return FfmpegClipRenderer().render(video.path, CLIP, tmp_path_factory.mktemp("out"), spec)


def loudness(path: Path) -> float:
    log = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128", "-f", "null",
         "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", log)[-1])


def test_every_variant_is_h264_aac_faststart_under_the_cap(files: dict[str, Path]) -> None:
    sizes = {"9:16+karaoke": (202, 360), "1:1+karaoke": (240, 240), "source+karaoke": (426, 240)}
    for key, size in sizes.items():
        kinds = {s["codec_type"]: s for s in streams(files[key])}
        assert (kinds["video"]["codec_name"], kinds["audio"]["codec_name"]) == ("h264", "aac")
        assert (kinds["video"]["width"], kinds["video"]["height"]) == size
        assert kinds["audio"]["sample_rate"] == "48000"
        assert float(kinds["video"]["duration"]) == pytest.approx(4.0, abs=1 / 25)
        boxes = top_level_boxes(files[key])
        assert boxes.index("moov") < boxes.index("mdat")
    assert files["9:16+karaoke"].name == "9x16-karaoke.mp4"
    assert loudness(files["1:1+karaoke"]) == pytest.approx(-16, abs=1.5)


def _frame(path: Path, at: float, width: int, height: int) -> np.ndarray:  # type: ignore[type-arg]
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", str(at), "-i", str(path), "-frames:v", "1", "-f",
         "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, np.uint8).reshape(height, width, 3)


def test_captions_are_burned_in_above_the_bottom_fifth(files: dict[str, Path]) -> None:
    def bright(at: float) -> int:
        frame = _frame(files["9:16+karaoke"], at, 202, 360)
        lower = frame[int(360 * 0.55) : int(360 * 0.8)]
        white = lower.min(axis=2) > 230
        r, g, b = lower[..., 0], lower[..., 1], lower[..., 2]
        return int(white.sum() + ((r > 200) & (g > 170) & (b < 80)).sum())

    assert bright(1.0) > 100  # "Here is the thing." on screen
    assert bright(3.8) < 20  # after the last word
    frame = _frame(files["9:16+karaoke"], 1.0, 202, 360)
    assert (frame[int(360 * 0.8) :].min(axis=2) > 230).sum() < 5, "nothing under the safe line"


def test_sidecars_thumbnail_and_edit_list(files: dict[str, Path]) -> None:
    srt = files["srt"].read_text()
    assert "00:00:00,300 -->" in srt and "Here is the thing." in srt
    assert files["vtt"].read_text().startswith("WEBVTT")
    [thumb] = streams(files["thumbnail"])
    assert (thumb["codec_name"], thumb["width"], thumb["height"]) == ("mjpeg", 202, 360)
    edl = EditList.model_validate_json(files["edl"].read_text())
    assert (edl.source, edl.source_in, edl.source_out) == ("sources/job_x/source.mp4", 1.0, 5.0)
    assert [v.key for v in edl.variants] == ["9:16+karaoke", "1:1+karaoke", "source+karaoke"]
    vertical = edl.variants[0]
    assert vertical.reframe == "faces" and vertical.keyframes
    assert (vertical.crop_width, vertical.crop_height) == (202, 360)
    assert edl.captions.style == "karaoke"
    assert [w.text for e in edl.captions.events for w in e.words] == TEXT.split()
    assert edl.audio is not None and edl.audio.loudness_lufs == -16
    timeline = otio.adapters.read_from_file(str(files["otio"]))
    [cut] = timeline.video_tracks()[0].find_clips()
    assert cut.source_range.start_time.to_seconds() == pytest.approx(1.0)
    assert cut.source_range.duration.to_seconds() == pytest.approx(4.0)
    assert cut.media_reference.target_url == "sources/job_x/source.mp4"
    assert len(cut.markers) == len(edl.captions.events)
    assert cut.metadata["klair"]["variants"][0]["key"] == "9:16+karaoke"
    assert (edl.title, edl.hook_line) == ("Nobody Tells You This", "Nobody tells you this.")
    assert cut.metadata["klair"]["title"] == "Nobody Tells You This"
    assert timeline.name == "clip_01 · Nobody Tells You This"
    assert timeline.metadata["klair"]["hook_line"] == "Nobody tells you this."


def test_an_audio_only_clip_is_normalised_m4a(tmp_path: Path) -> None:
    source = tmp_path / "tone.m4a"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=300:duration=6",
         "-af", "volume=-20dB", "-c:a", "aac", str(source)],
        check=True,
    )  # fmt: skip
    out = FfmpegClipRenderer().render(source, CLIP, tmp_path / "out")
    assert set(out) == {"source", "edl", "otio"}
    assert out["source"].suffix == ".m4a"
    assert loudness(out["source"]) == pytest.approx(-14, abs=1.5)


def test_a_reexport_adds_variants_to_a_finished_jobs_clip(
    video: FaceVideo, monkeypatch: pytest.MonkeyPatch
) -> None:
    trust_source_hosts(monkeypatch)  # the stand-in host of the submitted URL
    world = make_world()
    world.bus.subscribe(ClipSelected, lambda event: None, name="export")
    job_id = world.submit(ALICE)
    source = f"sources/{job_id}/source.mp4"
    world.deps.blobs.put_file(source, video.path)
    transcript = Transcript(start=0, end=6, words=list(WORDS))
    world.deps.blobs.put_bytes(
        transcript_files(JobId(job_id))["json"], transcript.model_dump_json().encode()
    )
    world.move(job_id, S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING,
               source_object=source)  # fmt: skip
    world.deps.store.put_clips(JobId(job_id), [CLIP])
    world.move(job_id, S.COMPLETED, clips_total=1, clips_exported=1)

    response = world.call(
        "POST", "/api/klair/export", json={"job_id": job_id, "aspect_ratios": ["9:16"],
                                           "caption_style": "bold"},
    )  # fmt: skip
    assert response.status_code == 202, response.get_json()
    [envelope] = world.bus.pending()
    assert export_clip(world.deps, wire.decode(envelope.data, envelope.attributes, ClipSelected))

    results = world.call("GET", f"/api/klair/results/{job_id}").get_json()
    urls = results["clips"][0]["urls"]
    assert {"9:16+bold", "thumbnail", "srt", "vtt", "edl", "otio"} <= set(urls)
    assert world.job(job_id).status is S.COMPLETED
    name = f"clips/{job_id}/clip_01/9x16-bold.mp4"
    assert world.deps.blobs.exists(name)


class NoProbe:
    def probe(self, path: Path) -> MediaInfo:
        raise AssertionError(f"{path} probed again")


def test_the_probe_recorded_at_ingest_spares_probing_the_source_again(
    video: FaceVideo, tmp_path: Path
) -> None:
    spec = RenderSpec(aspects=("9:16",), max_short_side=240, media=probe.probe(video.path))

    out = FfmpegClipRenderer(probe=NoProbe()).render(video.path, CLIP, tmp_path, spec)

    [stream] = [s for s in streams(out["9:16"]) if s["codec_type"] == "video"]
    assert (stream["width"], stream["height"]) == (202, 360)  # 9:16 of the 640 × 360 source

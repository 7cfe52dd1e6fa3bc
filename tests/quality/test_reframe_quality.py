"""Reframe quality on a synthetic video whose face position is known in every frame: the 9:16
crop keeps the face inside in ≥ 95 % of frames, in the crop path and in the rendered pixels,
and the crop centre does not jitter."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from klair.adapters.ffmpeg_render import FfmpegClipRenderer
from klair.adapters.render.face_track import _cascade
from klair.cli.face_sample import FaceVideo, make_face_video
from klair.domain.clip import Clip
from klair.domain.edit_list import EditList, VariantEdit
from klair.domain.export_options import RenderSpec
from klair.domain.reframe_path import position_at

pytestmark = pytest.mark.media

SKIN = np.array([150, 180, 220])  # BGR of the drawn face


@dataclass
class Reframed:
    video: FaceVideo
    variant: VariantEdit
    output: Path


@pytest.fixture(scope="module")
def reframed(tmp_path_factory: pytest.TempPathFactory) -> Reframed:
    assert _cascade() is not None, "OpenCV without its Haar face model (opencv 5.x?): pin <5"
    work = tmp_path_factory.mktemp("reframe")
    video = make_face_video(work / "face.mp4", seconds=8.0, width=640, height=360, face=80)
    clip = Clip(id="clip_01", rank=1, start=0.0, end=8.0, score=50)
    files = FfmpegClipRenderer().render(
        video.path, clip, work / "out", RenderSpec(aspects=("9:16",))
    )
    edl = EditList.model_validate_json(files["edl"].read_text())
    return Reframed(video, edl.variants[0], files["9:16"])


def _centres(r: Reframed) -> list[float]:
    frames = len(r.video.boxes)
    return [
        position_at(r.variant.keyframes, i / r.video.fps)[0] + r.variant.crop_width / 2
        for i in range(frames)
    ]


def test_the_crop_path_keeps_the_face_inside_in_95_percent_of_frames(r: Reframed) -> None:
    assert r.variant.reframe == "faces"
    assert (r.variant.width, r.variant.height) == (202, 360)
    inside = 0
    for i, (x, _) in enumerate(r.video.boxes):
        left = position_at(r.variant.keyframes, i / r.video.fps)[0]
        inside += left - 0.5 <= x and x + r.video.face <= left + r.variant.crop_width + 0.5
    assert inside / len(r.video.boxes) >= 0.95


def test_the_rendered_frames_show_the_whole_face(r: Reframed) -> None:
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(r.output), "-f", "rawvideo", "-pix_fmt", "bgr24",
         "pipe:1"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    frames = np.frombuffer(raw, np.uint8).reshape(-1, r.variant.height, r.variant.width, 3)
    skin = (np.abs(frames.astype(np.int16) - SKIN) < 30).all(axis=3)
    area = skin.sum(axis=(1, 2))
    edges = skin[:, :, :2].sum(axis=(1, 2)) + skin[:, :, -2:].sum(axis=(1, 2))
    whole = (area >= 0.8 * np.median(area)) & (edges == 0)
    assert len(frames) == len(r.video.boxes)
    assert whole.mean() >= 0.95


def test_the_crop_centre_moves_smoothly(r: Reframed) -> None:
    centres = _centres(r)
    velocity = [b - a for a, b in pairwise(centres)]
    acceleration = [abs(b - a) for a, b in pairwise(velocity)]
    # The face itself moves 5.4 px a frame and turns round once; the crop follows without
    # shaking: tiny frame-to-frame changes of speed, and never a jump.
    assert float(np.sqrt(np.mean(np.square(acceleration)))) < 0.5
    assert max(acceleration) < 3.0  # the face itself turns round by 10.8 px/frame²
    assert max(abs(v) for v in velocity) < 0.1 * r.variant.crop_width


@pytest.fixture
def r(reframed: Reframed) -> Reframed:
    return reframed

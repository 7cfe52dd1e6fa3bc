"""The reframe analysed on the transcode's proxy (480p or less, 5 frames a second), as the
`export` function runs it, meets the same bounds as the reframe analysed on the source: the
face inside the 9:16 crop in ≥ 95 % of frames and a smooth crop centre."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.ffmpeg_render import FfmpegClipRenderer
from klair.adapters.ffmpeg_transcode import FfmpegTranscoder
from klair.cli.face_sample import make_face_video
from klair.domain.clip import Clip
from klair.domain.edit_list import EditList
from klair.domain.export_options import RenderSpec
from klair.domain.reframe_path import position_at
from tests.quality.test_reframe_quality import Reframed

pytestmark = pytest.mark.media
START = 1.0


@pytest.fixture(scope="module")
def reframed(tmp_path_factory: pytest.TempPathFactory) -> Reframed:
    work = tmp_path_factory.mktemp("reframe-proxy")
    # 720p, so the proxy is smaller than the source, as for real uploads.
    video = make_face_video(work / "face.mp4", seconds=8.0, width=1280, height=720, face=160)
    media = FfprobeMediaProbe().probe(video.path)
    proxy = FfmpegTranscoder().transcode(video.path, work / "transcode", media).proxy
    # Starting a second in: the proxy's frames must line up with the source's cut.
    clip = Clip(id="clip_01", rank=1, start=START, end=8.0, score=50)
    spec = RenderSpec(aspects=("9:16",), max_short_side=720, proxy=proxy)
    files = FfmpegClipRenderer().render(video.path, clip, work / "out", spec)
    edl = EditList.model_validate_json(files["edl"].read_text())
    return Reframed(video, edl.variants[0], files["9:16"])


def test_the_face_stays_inside_the_crop(reframed: Reframed) -> None:
    r = reframed
    assert r.variant.reframe == "faces"
    boxes = r.video.boxes[round(START * r.video.fps) :]
    inside = 0
    for i, (x, _) in enumerate(boxes):
        left = position_at(r.variant.keyframes, i / r.video.fps)[0]
        inside += left - 1 <= x and x + r.video.face <= left + r.variant.crop_width + 1
    assert inside / len(boxes) >= 0.95


def test_the_crop_centre_moves_smoothly(reframed: Reframed) -> None:
    r = reframed
    frames = len(r.video.boxes) - round(START * r.video.fps)
    centres = [
        position_at(r.variant.keyframes, i / r.video.fps)[0] + r.variant.crop_width / 2
        for i in range(frames)
    ]
    velocity = [b - a for a, b in pairwise(centres)]
    acceleration = [abs(b - a) for a, b in pairwise(velocity)]
    # Twice the face size of the source-analysed test (1280 px wide): twice its bounds.
    assert float(np.sqrt(np.mean(np.square(acceleration)))) < 1.0
    assert max(acceleration) < 6.0
    assert max(abs(v) for v in velocity) < 0.1 * reframed.variant.crop_width

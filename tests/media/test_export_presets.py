"""4:5 variants and a platform preset's caption safe area on real ffmpeg: the size the 4:5
variant comes out at, the margin in the ASS file the export burns in, the position of the
burned captions in the picture, and the edit list's record of it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pysubs2
import pytest

from klair.adapters.ffmpeg_render import FfmpegClipRenderer
from klair.cli.face_sample import FaceVideo, make_face_video
from klair.domain.edit_list import EditList
from klair.domain.export_options import RenderSpec
from klair.domain.presets import PRESETS
from tests.media.test_export import CLIP, WORDS, _frame
from tests.media.test_ffmpeg import streams

pytestmark = pytest.mark.media

REELS = PRESETS["reels"].safe_area  # 35 % of the height kept clear under 9:16 captions


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> FaceVideo:
    return make_face_video(tmp_path_factory.mktemp("face") / "face.mp4", seconds=6.0, face=80)


def _render(video: FaceVideo, out: Path, **spec: object) -> dict[str, Path]:
    full = RenderSpec.model_validate(
        {"caption_style": "clean", "words": WORDS, "max_short_side": 1080, **spec}
    )
    return FfmpegClipRenderer().render(video.path, CLIP, out, full)


@pytest.fixture(scope="module")
def preset(video: FaceVideo, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("preset")
    return _render(video, out, aspects=("9:16", "4:5"), safe_area=REELS)


def test_a_4x5_variant_is_the_portrait_crop_of_the_frame(preset: dict[str, Path]) -> None:
    [video] = [s for s in streams(preset["4:5+clean"]) if s["codec_type"] == "video"]
    assert (video["codec_name"], video["width"], video["height"]) == ("h264", 288, 360)
    assert float(video["duration"]) == pytest.approx(4.0, abs=1 / 25)
    assert preset["4:5+clean"].name == "4x5-clean.mp4"
    edl = EditList.model_validate_json(preset["edl"].read_text())
    portrait = next(v for v in edl.variants if v.aspect == "4:5")
    assert (portrait.crop_width, portrait.crop_height) == (288, 360)


def test_the_safe_area_is_the_burned_captions_margin(preset: dict[str, Path]) -> None:
    out = preset["9:16+clean"].parent
    vertical = pysubs2.load(str(out / "9x16-clean.ass")).styles["Default"]
    assert vertical.marginv == round(360 * 0.35)
    # The preset's area is for its aspect; the 4:5 variant keeps its shape's placement.
    portrait = pysubs2.load(str(out / "4x5-clean.ass")).styles["Default"]
    assert portrait.marginv == round(360 * 0.12)
    edl = EditList.model_validate_json(preset["edl"].read_text())
    assert [(v.aspect, v.caption_bottom) for v in edl.variants] == [("9:16", 0.35), ("4:5", 0.12)]


def _lowest_caption_row(path: Path) -> int:
    """The lowest row of the frame holding white caption pixels, one second in."""
    frame = _frame(path, 1.0, 202, 360)
    white = (frame.min(axis=2) > 230).sum(axis=1)
    rows = np.nonzero(white >= 3)[0]
    assert rows.size, "no caption on screen"
    return int(rows.max())


def test_burned_captions_sit_above_the_platforms_overlay(
    preset: dict[str, Path], video: FaceVideo, tmp_path: Path
) -> None:
    plain = _render(video, tmp_path, aspects=("9:16",))
    safe, default = (
        _lowest_caption_row(preset["9:16+clean"]),
        _lowest_caption_row(plain["9:16+clean"]),
    )
    assert safe <= 360 * (1 - 0.35) + 3  # the outline and shadow reach a few pixels lower
    assert safe >= 360 * (1 - 0.35) - 20
    assert default > 360 * (1 - 0.22) - 20 > safe

"""The crop path: which subject it follows and how smoothly (pure domain, no video)."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klair.domain.export_options import geometry
from klair.domain.reframe_path import Face, FrameSample, crop_path, position_at

FPS = 5.0
GEO = geometry("9:16", 1920, 1080, 1080)  # 606 × 1080 window sliding over 1920


def _xs(samples: list[FrameSample]) -> list[float]:
    keys = crop_path(samples, GEO)
    return [position_at(keys, s.t)[0] for s in samples]


def _face(cx: float, size: float = 200, activity: float = 0.0) -> Face:
    return Face(x=cx - size / 2, y=400, w=size, h=size, activity=activity)


def test_geometry_crops_the_largest_window_and_scales_under_the_cap() -> None:
    assert (GEO.crop_width, GEO.crop_height, GEO.width, GEO.height) == (606, 1080, 606, 1080)
    uhd = geometry("9:16", 3840, 2160, 1080)
    assert (uhd.crop_width, uhd.crop_height) == (1214, 2160)
    assert (uhd.width, uhd.height) == (1080, 1920)
    square = geometry("1:1", 1280, 720, 720)
    assert (square.crop_width, square.crop_height, square.width) == (720, 720, 720)
    source = geometry("source", 1280, 720, 480)
    assert not source.crops and (source.width, source.height) == (852, 480)
    wide = geometry("16:9", 1080, 1920, 1080)
    assert (wide.crop_width, wide.crop_height) == (1080, 606)


def test_a_still_face_seen_with_detector_noise_gives_a_still_frame() -> None:
    rng = random.Random(3)
    samples = [
        FrameSample(t=i / FPS, faces=(_face(1300 + rng.uniform(-12, 12)),)) for i in range(100)
    ]
    keys = crop_path(samples, GEO)
    assert len(keys) == 1
    assert keys[0].x <= 1300 - 100 and keys[0].x + GEO.crop_width >= 1300 + 100


def test_a_moving_face_stays_inside_a_smooth_window() -> None:
    samples = [FrameSample(t=i / FPS, faces=(_face(150 + i * 16),)) for i in range(100)]
    xs = _xs(samples)
    for x, sample in zip(xs, samples, strict=True):
        face = sample.faces[0]
        assert x <= face.x + 1 and face.x + face.w <= x + GEO.crop_width + 1
    steps = [b - a for a, b in pairwise(xs)]
    assert all(step >= -1 for step in steps), "the pan never reverses"
    assert max(abs(b - a) for a, b in pairwise(steps)) < 12, "no jerks"


def test_without_faces_the_window_goes_to_the_salient_region_else_the_centre() -> None:
    salient = [FrameSample(t=i / FPS, salient=(1700.0, 500.0)) for i in range(20)]
    assert _xs(salient)[-1] == GEO.source_width - GEO.crop_width
    plain = [FrameSample(t=i / FPS) for i in range(20)]
    assert _xs(plain) == [(1920 - 606) // 2] * 20


def test_it_follows_the_face_whose_mouth_moves_while_someone_speaks() -> None:
    left, right = _face(400, 260), _face(1500, 200, activity=9.0)
    talking = [FrameSample(t=i / FPS, faces=(left, right), speech=True) for i in range(20)]
    assert _xs(talking)[-1] <= 1400 <= _xs(talking)[-1] + GEO.crop_width
    quiet = [FrameSample(t=i / FPS, faces=(left, right)) for i in range(20)]
    assert _xs(quiet)[-1] <= 400 <= _xs(quiet)[-1] + GEO.crop_width, "else the largest face"


def test_two_similar_faces_do_not_make_the_camera_ping_pong() -> None:
    samples = []
    for i in range(40):
        big, small = (260, 250) if i % 2 else (250, 260)
        samples.append(FrameSample(t=i / FPS, faces=(_face(400, big), _face(1500, small))))
    xs = _xs(samples)
    assert max(xs) - min(xs) <= 2


def test_a_face_missed_for_a_few_frames_is_held() -> None:
    samples = [
        FrameSample(t=i / FPS, faces=() if 10 <= i < 14 else (_face(1500),)) for i in range(30)
    ]
    xs = _xs(samples)
    assert max(xs) - min(xs) <= 2


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.floats(min_value=100, max_value=1820)), min_size=1, max_size=60
    )
)
def test_the_window_stays_in_the_frame_and_pans_no_faster_than_the_limit_between_cuts(
    centres: list[float | None],
) -> None:
    samples = [
        FrameSample(t=i / FPS, faces=() if c is None else (_face(c),))
        for i, c in enumerate(centres)
    ]
    keys = crop_path(samples, GEO)
    assert keys and keys[0].t == pytest.approx(0.0)
    for key in keys:
        assert 0 <= key.x <= GEO.source_width - GEO.crop_width
        assert key.y == 0
    cuts = [b.t for a, b in pairwise(keys) if b.t - a.t < 0.01]
    xs = _xs(samples)
    for (ta, a), (tb, b) in pairwise(zip([s.t for s in samples], xs, strict=True)):
        if not any(ta < cut <= tb for cut in cuts):  # a pan, not a cut to another subject
            assert abs(b - a) <= 1.2 * GEO.crop_width / FPS + 1


def test_a_face_found_far_away_is_cut_to_not_panned_to() -> None:
    # The face on the left is gone (held 1 s, then the face nearest in time, the new one).
    samples = [FrameSample(t=i / FPS, faces=(_face(1700),)) for i in range(10)]
    samples += [FrameSample(t=(10 + i) / FPS) for i in range(10)]
    samples += [FrameSample(t=(20 + i) / FPS, faces=(_face(200),)) for i in range(10)]
    keys = crop_path(samples, GEO)
    moving = [position_at(keys, i / 50)[0] for i in range(300)]
    steps = [abs(b - a) for a, b in pairwise(moving)]
    assert moving[0] == 1920 - 606 and moving[-1] == 0
    assert sorted(steps)[-2] < 10  # one jump, no pan across


def test_a_faceless_frame_follows_the_face_seen_nearest_in_time_not_the_salient_region() -> None:
    # A small speaker inset at the right, missed by the detector in most frames, beside a
    # bright slide on the left (the salient region).
    samples = [
        FrameSample(t=i / FPS, faces=(_face(1750, size=60),) if i % 7 == 3 else (),
                    salient=(400.0, 500.0))
        for i in range(40)
    ]  # fmt: skip
    xs = _xs(samples)
    inside = [x <= 1750 - 30 and x + 606 >= 1750 + 30 for x in xs]
    assert all(inside)
    alone = [FrameSample(t=i / FPS, salient=(400.0, 500.0)) for i in range(10)]
    assert _xs(alone)[-1] == 400 - 606 // 2  # no face anywhere: the salient region

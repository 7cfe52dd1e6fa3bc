"""Small faces beside a slide: how often the reframe analysis finds the speaker's face, by
face size, and what the analysis costs, for each face-search design.

    python -m bench.small_faces [--seconds 4]

The video: a bright slide filling a 1280x720 frame at 15 fps, the drawn face of
klair.cli.face_sample in a corner inset (bench/quality_video.py's slide shots), one shot of
`--seconds` per face size (40–90 px) and corner; analysed from the transcode's 480p proxy as
`export` does. The cost: seconds of analysis per minute of clip on that video and on the
export benchmark's talk (test patterns, no face: every whole-frame search finds nothing, the
worst case of a search that runs only when the first pass finds nothing). Designs:

- before: one pass at 180 px high (faces from about 96 px at 720p);
- 360 single: one pass at 360 px high (every search four times the pixels);
- two-pass/N: a pass at 180 px, then at 360 px for small faces only when the first found
  nothing, at a cut and at most every N-th analysed frame while no face is tracked (the
  shipped design: 432 two-pass/16).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import structlog

from bench.quality_video import Scene, render
from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.ffmpeg_transcode import FfmpegTranscoder
from klair.adapters.render import analysis, face_track
from klair.adapters.render.cut import window
from klair.cli.sample import make_sample_video
from klair.domain.clip import Clip

WIDTH, HEIGHT, FPS = 1280, 720, 15
SIZES = (40, 48, 56, 64, 72, 90)
DESIGNS: dict[str, dict[str, int]] = {
    "before (180 px)": {"ANALYSIS_SHORT_SIDE": 180, "COARSE_SIDE": 180},
    "360 single": {"ANALYSIS_SHORT_SIDE": 360, "COARSE_SIDE": 360},
    "360 two-pass/4": {"ANALYSIS_SHORT_SIDE": 360, "SMALL_SEARCH_EVERY": 4},
    "432 two-pass/4": {"ANALYSIS_SHORT_SIDE": 432, "SMALL_SEARCH_EVERY": 4},
    "432 two-pass/8": {"ANALYSIS_SHORT_SIDE": 432, "SMALL_SEARCH_EVERY": 8},
    "480 two-pass/8": {"ANALYSIS_SHORT_SIDE": 480, "SMALL_SEARCH_EVERY": 8},
    "432 two-pass/16": {"ANALYSIS_SHORT_SIDE": 432, "SMALL_SEARCH_EVERY": 16},
}


@contextmanager
def design(settings: dict[str, int]) -> Iterator[None]:
    """The analysis modules' constants set for one design, restored after."""
    modules = (analysis, face_track)
    saved = {(m, k): getattr(m, k) for m in modules for k in settings if hasattr(m, k)}
    for (module, key), _ in saved.items():
        setattr(module, key, settings[key])
    try:
        yield
    finally:
        for (module, key), value in saved.items():
            setattr(module, key, value)


def slide_scenes(seconds: float) -> list[Scene]:
    """One shot per face size, the inset in each corner in turn (24 px from the edges)."""
    scenes, margin = [], 24
    for n, size in enumerate(SIZES):
        x = margin if n % 2 == 0 else WIDTH - size - margin
        y = margin if n // 2 % 2 == 0 else HEIGHT - size - margin
        box = (x, y, size, size)
        scenes.append(Scene("slide", n * seconds, (n + 1) * seconds, box, box))
    return scenes


def _slide_video(work: Path, scenes: list[Scene]) -> Path:
    audio, video = work / "tone.wav", work / "slides.mp4"
    duration = scenes[-1].end
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
         f"sine=frequency=220:duration={duration}", str(audio)],
        check=True,
    )  # fmt: skip
    render(video, audio, scenes, WIDTH, HEIGHT, FPS, seed=11)
    return video


def _proxy(source: Path, work: Path) -> Path:
    media = FfprobeMediaProbe().probe(source)
    return FfmpegTranscoder().transcode(source, work, media).proxy


def _found(view: face_track.FrameView, scale: float, truth: tuple[int, int, int, int]) -> bool:
    """A detected face's centre inside the true face box."""
    x, y, w, h = truth
    for face in view.faces:
        cx, cy = (face.x + face.w / 2) * scale, (face.y + face.h / 2) * scale
        if x <= cx <= x + w and y <= cy <= y + h:
            return True
    return False


def detection(source: Path, proxy: Path, scenes: list[Scene]) -> dict[int, float]:
    """Share of analysed frames, per face size, where the face was found (a shot's first
    second left out: a face that comes in is searched for at most once a second)."""
    media = FfprobeMediaProbe().probe(source)
    clip = Clip(id="clip_01", rank=1, start=0.0, end=scenes[-1].end, score=50)
    result = analysis.analyse(source, window(clip, media), media, 600.0, proxy)
    hits: dict[int, list[bool]] = {}
    for t, view in zip(result.times, result.views, strict=True):
        scene = next((s for s in scenes if s.start <= t < s.end), None)
        if scene is None or t < scene.start + 1.0:
            continue
        hit = _found(view, result.scale, scene.box_at(t))
        hits.setdefault(scene.box0[2], []).append(hit)
    return {size: sum(h) / len(h) for size, h in sorted(hits.items())}


def per_minute(source: Path, proxy: Path, seconds: float) -> float:
    """CPU seconds (every thread of this process: steadier than wall time on a shared box)
    of analysis per minute of clip, median of three runs after one to warm up."""
    media = FfprobeMediaProbe().probe(source)
    clip = Clip(id="clip_01", rank=1, start=0.0, end=seconds, score=50)
    runs = []
    for _ in range(4):
        started = time.process_time()
        analysis.analyse(source, window(clip, media), media, 600.0, proxy)
        runs.append(time.process_time() - started)
    return statistics.median(runs[1:]) / (seconds / 60)


def main() -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=4.0, help="seconds per face size")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="klair-bench-small-") as tmp:
        work = Path(tmp)
        scenes = slide_scenes(args.seconds)
        slides = _slide_video(work, scenes)
        slides_proxy = _proxy(slides, work / "slides-work")
        talk = work / "talk.mp4"
        make_sample_video(talk, seconds=60, width=WIDTH, height=HEIGHT)
        talk_proxy = _proxy(talk, work / "talk-work")
        sizes = " ".join(f"{s:>5}px" for s in SIZES)
        print(f"design            {sizes}  cpu s/min slides, talk")
        for name, settings in DESIGNS.items():
            with design(settings):
                rates = detection(slides, slides_proxy, scenes)
                cost = per_minute(slides, slides_proxy, scenes[-1].end)
                talk_cost = per_minute(talk, talk_proxy, 58.0)
            cells = " ".join(f"{rates.get(s, 0.0):>6.0%}" for s in SIZES)
            print(f"{name:<17} {cells}  {cost:5.2f} {talk_cost:5.2f}", flush=True)


if __name__ == "__main__":
    main()

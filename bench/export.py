"""Klair's export of 5 clips against the minimal ffmpeg commands that make the same files.

    python -m bench.export [--seconds 120] [--clip 15] [--repeat 2]

Klair: per clip one analysis pass (faces, saliency and sharpness from the proxy the transcode
stage already wrote, loudness from the source's audio) and one render (9:16 reframe,
loudness normalised, fades, thumbnail, edit list), as the `export` function runs it. The
proxy is made before the timing, by Klair's transcoder, as the pipeline makes it before
export. Baseline: per clip one ffmpeg command with the same cut, the same crop path
(Klair's, from its edit list), the same encoder settings and the same thumbnail, no captions
and no loudness analysis. Medians of interleaved runs; targets are printed, never asserted.
Also prints the reframe analysis time per minute of clip, on the talk and on a video with a
moving face, from the proxy and (for comparison) from the source.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import subprocess
import tempfile
import time
from functools import partial
from pathlib import Path

import structlog
from rich.console import Console
from rich.table import Table

from bench.run import _side_by_side
from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.ffmpeg_render import FfmpegClipRenderer
from klair.adapters.ffmpeg_transcode import FfmpegTranscoder
from klair.adapters.render.analysis import analyse
from klair.adapters.render.cut import AUDIO_CODEC, VIDEO_CODEC, position_expr, window
from klair.domain.clip import Clip
from klair.domain.edit_list import EditList
from klair.domain.export_options import RenderSpec
from klair.domain.ids import clip_id
from klair.face_sample import make_face_video
from klair.sample import make_sample_video

CLIPS = 5


def _clips(seconds: float, length: float) -> list[Clip]:
    step = (seconds - length) / CLIPS
    return [
        Clip(id=clip_id(n + 1), rank=n + 1, start=round(2 + n * step, 2),
             end=round(2 + n * step + length, 2), score=50)
        for n in range(CLIPS)
    ]  # fmt: skip


def _proxy(source: Path, work: Path) -> Path:
    """The transcode stage's proxy of `source` (what `export` finds under `work/{job}/`)."""
    media = FfprobeMediaProbe().probe(source)
    return FfmpegTranscoder().transcode(source, work, media).proxy


def _klair(source: Path, clips: list[Clip], out: Path, proxy: Path | None = None) -> list[EditList]:
    renderer, spec = FfmpegClipRenderer(), RenderSpec(aspects=("9:16",), proxy=proxy)
    edits = []
    for clip in clips:
        files = renderer.render(source, clip, out / clip.id, spec)
        edits.append(EditList.model_validate_json(files["edl"].read_text()))
    return edits


def _minimal(source: Path, edits: list[EditList], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for edl in edits:
        v = edl.variants[0]
        crop = (
            f"crop=w={v.crop_width}:h={v.crop_height}:x={position_expr(v.keyframes, 'x')}:"
            f"y={position_expr(v.keyframes, 'y')},setsar=1"
        )
        thumb = f"select='gte(t\\,{edl.thumbnail_at or 0})',{crop}"
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-ss", f"{edl.source_in:.3f}",
             "-t", f"{edl.duration:.3f}", "-i", str(source),
             "-vf", crop, *VIDEO_CODEC, *AUDIO_CODEC, "-movflags", "+faststart",
             str(out / f"{edl.clip_id}.mp4"),
             "-vf", thumb, "-frames:v", "1", "-q:v", "3", str(out / f"{edl.clip_id}.jpg")],
            check=True,
        )  # fmt: skip


def _reframe_per_minute(source: Path, proxy: Path | None, clips: list[Clip]) -> float:
    """Seconds of reframe analysis per minute of clip (median of three)."""
    media = FfprobeMediaProbe().probe(source)
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        for clip in clips:
            analyse(source, window(clip, media), media, 600.0, proxy)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) / (sum(c.duration for c in clips) / 60)


def main() -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--clip", type=float, default=15.0)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="klair-bench-export-") as tmp:
        work = Path(tmp)
        source = work / "talk.mp4"
        make_sample_video(source, seconds=args.seconds, width=1280, height=720)
        proxy = _proxy(source, work / "talk-work")
        clips = _clips(args.seconds, args.clip)
        edits = _klair(source, clips, work / "warm", proxy)
        base, subject = _side_by_side(
            partial(_minimal, source, edits, work / "min"),
            partial(_klair, source, clips, work / "klair", proxy),
            args.repeat,
        )
        face = make_face_video(work / "face.mp4", seconds=30, width=1280, height=720, face=200)
        face_proxy = _proxy(face.path, work / "face-work")
        face_clips = [Clip(id=clip_id(1), rank=1, start=0.0, end=30.0, score=50)]
        rows = [
            (f"export of {CLIPS} × {args.clip:.0f} s clips, 9:16", base, subject, "≤ 1.2×"),
        ]
        per_minute = [
            ("talk 720p, proxy", _reframe_per_minute(source, proxy, clips)),
            ("talk 720p, source", _reframe_per_minute(source, None, clips)),
            ("moving face 720p, proxy", _reframe_per_minute(face.path, face_proxy, face_clips)),
            ("moving face 720p, source", _reframe_per_minute(face.path, None, face_clips)),
        ]
    _print(rows, per_minute)


def _print(rows: list[tuple[str, float, float, str]], per_minute: list[tuple[str, float]]) -> None:
    table = Table(title="Klair export vs minimal ffmpeg (median seconds, same run)")
    for column in ("benchmark", "ffmpeg s", "klair s", "ratio", "target"):
        table.add_column(column)
    for name, base, subject, target in rows:
        table.add_row(name, f"{base:.2f}", f"{subject:.2f}", f"{subject / base:.2f}×", target)
    console = Console()
    console.print(table)
    for name, seconds in per_minute:
        console.print(f"reframe analysis ({name}): {seconds:.2f} s per minute of clip")


if __name__ == "__main__":
    main()

"""Run the benchmarks side by side on one generated input and print a table of ratios.

    python -m bench.run [--seconds 120] [--repeat 3]

Timings are medians of interleaved runs (baseline, subject, baseline, ...), so a noisy
machine slows both sides alike. Targets are printed, never asserted.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import structlog
from rich.console import Console
from rich.table import Table

from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.ffmpeg_render import FfmpegClipRenderer
from klair.adapters.ffmpeg_transcode import FfmpegTranscoder
from klair.domain.clip import Clip
from klair.domain.ids import clip_id
from klair.domain.job import JobOptions
from klair.embedded import run_job
from klair.sample import make_sample_video


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _side_by_side(
    base: Callable[[], object], subject: Callable[[], object], repeat: int
) -> tuple[float, float]:
    bases, subjects = [], []
    for _ in range(repeat):
        bases.append(_timed(base))
        subjects.append(_timed(subject))
    return statistics.median(bases), statistics.median(subjects)


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def main() -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="klair-bench-") as tmp:
        work = Path(tmp)
        source = work / "talk.mp4"
        make_sample_video(source, seconds=args.seconds, width=1280, height=720)
        media = FfprobeMediaProbe().probe(source)
        rows = []

        decode = partial(_ffmpeg, "-i", str(source), "-f", "null", "-")
        transcode = partial(FfmpegTranscoder().transcode, source, work / "t", media)
        base, subject = _side_by_side(decode, transcode, args.repeat)
        rows.append(("transcode vs bare ffmpeg decode", base, subject, "≤ 1.3×"))

        clip = Clip(id=clip_id(1), rank=1, start=10.0, end=40.0, score=50.0)
        cut = [
            "-ss",
            "10",
            "-i",
            str(source),
            "-t",
            "30",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-c:a",
            "aac",
            str(work / "min.mp4"),
        ]
        minimal = partial(_ffmpeg, *cut)
        render = partial(FfmpegClipRenderer().render, source, clip, work / "r")
        base, subject = _side_by_side(minimal, render, args.repeat)
        rows.append(("export vs minimal ffmpeg cut", base, subject, "≤ 1.2×"))

        whole = _timed(lambda: run_job(str(source), work / "out", JobOptions(clip_count=5)))
        rows.append(("klair run (embedded) vs source duration", media.duration, whole, "—"))
        _print(rows)


def _print(rows: list[tuple[str, float, float, str]]) -> None:
    table = Table(title="Klair benchmarks (median seconds, same run)")
    for column in ("benchmark", "baseline s", "klair s", "ratio", "target"):
        table.add_column(column)
    for name, base, subject, target in rows:
        table.add_row(name, f"{base:.2f}", f"{subject:.2f}", f"{subject / base:.2f}×", target)
    Console().print(table)


if __name__ == "__main__":
    main()

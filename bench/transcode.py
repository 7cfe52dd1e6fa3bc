"""Klair's one-pass transcode against a bare ffmpeg decode of the same source, same run.

    python -m bench.transcode [--seconds 600] [--height 720] [--repeat 3] [--source PATH]
                              [--breakdown] [--ffmpeg BINARY]

Generates a talk (espeak-ng speech with pauses over test-pattern shots with hard cuts) at
HEIGHTp30 — 10 minutes of 720p by default — then times, interleaved (decode, transcode,
decode, …) so a busy machine slows both alike:

- baseline: `ffmpeg -i src -f null -` (decode every frame and sample, nothing else);
- klair: `FfmpegTranscoder.transcode` (proxy.mp4 + audio.wav + signals.json, one decode).

It prints medians of wall time and of CPU time (user + system of the ffmpeg processes),
both ratios (target: wall ≤ 1.3×), the speed in × real time, and the longest source one
transcode fits in a 540 s function at that speed on this machine. `--breakdown` adds single
measurements of the pieces, to show where the time goes. `--ffmpeg` runs both sides with
another binary (ffmpeg 7+ threads its pipeline; Debian 12 has 5.1, which does not).
Targets are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from rich.console import Console
from rich.table import Table

from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.ffmpeg_transcode import FfmpegTranscoder
from klair.cli.sample import make_sample_video

FUNCTION_SECONDS = 540
TARGET = 1.3
BINARY = {"ffmpeg": "ffmpeg"}  # both sides run this binary (`--ffmpeg`)


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(fn: Callable[[], object]) -> Timing:
    cpu, started = _children_cpu(), time.perf_counter()
    fn()
    return Timing(time.perf_counter() - started, _children_cpu() - cpu)


def ffmpeg(*args: str) -> None:
    subprocess.run([BINARY["ffmpeg"], "-v", "error", "-nostdin", "-y", *args], check=True)


def median(timings: list[Timing]) -> Timing:
    return Timing(
        statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings)
    )


def source_for(args: argparse.Namespace, tmp: Path) -> Path:
    path = Path(args.source) if args.source else tmp / f"talk-{args.height}p.mp4"
    if not path.exists():
        width = args.height * 16 // 9 // 2 * 2
        print(f"generating {args.seconds:g} s of {width}x{args.height} at 30 fps …", flush=True)
        made = timed(
            partial(make_sample_video, path, args.seconds, width=width, height=args.height, fps=30)
        )
        print(f"  made {path} in {made.wall:.0f} s", flush=True)
    return path


def breakdown(source: Path, work: Path) -> list[tuple[str, Timing]]:
    """The pass's pieces, one at a time (each still decodes the source once)."""
    src = ["-i", str(source)]
    skip = ["-skip_loop_filter", "all", *src]
    pieces = {
        "decode video only": [*src, "-an", "-f", "null", "-"],
        "decode audio only": [*src, "-vn", "-f", "null", "-"],
        "decode, deblocking skipped": [*skip, "-an", "-f", "null", "-"],
        "… + scene scores at 160 px": [
            *skip, "-an", "-vf", "scale=160:-2:flags=fast_bilinear,select='gte(scene,0)'",
            "-f", "null", "-",
        ],
        "… + 5 fps 480p scale": [
            *skip, "-an", "-vf", "fps=5,scale=-2:480:flags=fast_bilinear", "-f", "null", "-",
        ],
        "… + x264 ultrafast 5 fps proxy": [
            *skip, "-an", "-vf", "fps=5,scale=-2:480:flags=fast_bilinear", "-c:v", "libx264",
            "-preset", "ultrafast", "-crf", "30", "-g", "10", str(work / "p.mp4"),
        ],
        "(old) x264 veryfast proxy at 30 fps": [
            *src, "-an", "-vf", "scale=-2:480", "-c:v", "libx264", "-preset", "veryfast",
            "-crf", "26", str(work / "p.mp4"),
        ],
    }  # fmt: skip
    return [(name, timed(partial(ffmpeg, *args))) for name, args in pieces.items()]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--source", help="reuse (or create) the source at this path")
    parser.add_argument("--breakdown", action="store_true")
    parser.add_argument("--ffmpeg", default="ffmpeg", help="the ffmpeg binary for both sides")
    args = parser.parse_args()
    BINARY["ffmpeg"] = args.ffmpeg
    with tempfile.TemporaryDirectory(prefix="klair-bench-transcode-") as tmp:
        work = Path(tmp)
        source = source_for(args, work)
        media = FfprobeMediaProbe().probe(source)
        transcoder = FfmpegTranscoder(ffmpeg=args.ffmpeg)
        decode = partial(ffmpeg, "-i", str(source), "-f", "null", "-")
        transcode = partial(transcoder.transcode, source, work / "out", media)
        bases, subjects = [], []
        for _ in range(args.repeat):
            bases.append(timed(decode))
            subjects.append(timed(transcode))
        pieces = breakdown(source, work) if args.breakdown else []
        version = subprocess.run([args.ffmpeg, "-version"], capture_output=True, text=True)
        print(version.stdout.split("\n", 1)[0])
        report(media.duration, median(bases), median(subjects), pieces, args.repeat)


def report(
    duration: float, base: Timing, klair: Timing, pieces: list[tuple[str, Timing]], repeat: int
) -> None:
    console = Console()
    table = Table(title=f"transcode vs bare decode — {duration:.0f} s source, median of {repeat}")
    for column in ("", "wall s", "cpu s", "× real time"):
        table.add_column(column, justify="right")
    table.add_row("ffmpeg -i src -f null -", f"{base.wall:.2f}", f"{base.cpu:.2f}",
                  f"{duration / base.wall:.1f}")  # fmt: skip
    table.add_row("klair transcode", f"{klair.wall:.2f}", f"{klair.cpu:.2f}",
                  f"{duration / klair.wall:.1f}")  # fmt: skip
    for name, piece in pieces:
        table.add_row(name, f"{piece.wall:.2f}", f"{piece.cpu:.2f}", f"{duration / piece.wall:.1f}")
    console.print(table)
    ratio = klair.wall / base.wall
    verdict = "meets" if ratio <= TARGET else "misses"
    console.print(
        f"ratio wall {ratio:.2f}× ({verdict} the ≤ {TARGET}× target), "
        f"cpu {klair.cpu / base.cpu:.2f}× on {os.cpu_count()} CPUs; one {FUNCTION_SECONDS} s "
        f"function transcodes up to {FUNCTION_SECONDS * duration / klair.wall / 60:.0f} min "
        "of this source"
    )


if __name__ == "__main__":
    main()

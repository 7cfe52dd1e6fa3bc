"""The benchmark suite (`klair bench`): every benchmark side by side with its baseline, in one
run, on one generated input; one table of ratios, and JSON in bench/results/.

    python -m bench.run [--quick] [--seconds 600] [--height 720] [--repeat 3]
                        [--only NAME …] [--skip NAME …]

The input is a generated talk (bench/talk.py: espeak-ng sentences that never repeat, with
pauses, over test-pattern shots with planted hard cuts), 10 minutes of 720p30 by default,
2 minutes with --quick (and one repeat, a shorter load test). Benchmarks, each also
runnable alone as `python -m bench.<name>`:

  transcode   Klair's one-pass transcode vs a bare ffmpeg decode (bench/transcode.py)
  detection   scene + pause detection vs PySceneDetect and ffmpeg silencedetect, agreement
  klair_run   `klair run` end to end to 5 × 9:16 captioned clips vs real time
  export      5 clips' export vs the minimal ffmpeg commands (bench/export.py)
  cold_start  `import main` of each function vs `import functions_framework`
  load        GET status at 200 req/s on the emulator stack vs a bare function

Timings are medians of interleaved runs (baseline, subject, baseline, …) so a busy machine
slows both alike. Targets are printed, never asserted; one benchmark failing is reported
and the others still run.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import structlog
from rich.console import Console

from bench.timing import Result, save, show, side_by_side

# bench/export.py imports it from here.
_side_by_side = side_by_side


@dataclass(frozen=True)
class Input:
    source: Path
    work: Path
    cuts: list[float]
    repeat: int
    quick: bool


def transcode(given: Input) -> list[Result]:
    from bench.transcode import ffmpeg, median, timed
    from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
    from klair.adapters.ffmpeg_transcode import FfmpegTranscoder

    media = FfprobeMediaProbe().probe(given.source)
    decode = partial(ffmpeg, "-i", str(given.source), "-f", "null", "-")
    klair = partial(FfmpegTranscoder().transcode, given.source, given.work / "t", media)
    bases, subjects = [], []
    for _ in range(given.repeat):
        bases.append(timed(decode))
        subjects.append(timed(klair))
    base, subject = median(bases), median(subjects)
    details: dict[str, float | str] = {
        "cpu ratio": f"{subject.cpu / base.cpu:.2f}×",
        "speed": f"{media.duration / subject.wall:.1f}× real time",
    }
    return [
        Result("transcode (proxy + wav + signals)", "ffmpeg -i src -f null -", base.wall,
               subject.wall, 1.3, details=details),
    ]  # fmt: skip


def detection(given: Input) -> list[Result]:
    from bench.detection import measure

    return measure(given.source, given.work / "d", given.repeat, given.cuts)


def klair_run(given: Input) -> list[Result]:
    from bench.klair_run import measure

    return measure(given.source, given.work / "r")


def export(given: Input) -> list[Result]:
    from bench.export import CLIPS, _clips, _klair, _minimal, _proxy
    from klair.adapters.ffmpeg_probe import FfprobeMediaProbe

    media, length = FfprobeMediaProbe().probe(given.source), 20.0  # ingest's, on the job
    clips = _clips(media.duration, length)
    proxy = _proxy(given.source, given.work / "e-proxy")  # the transcode stage's
    edits = _klair(given.source, clips, given.work / "e-warm", proxy, media)
    base, subject = side_by_side(
        partial(_minimal, given.source, edits, given.work / "e-min"),
        partial(_klair, given.source, clips, given.work / "e-klair", proxy, media),
        given.repeat,
    )
    name = f"export {CLIPS} × {length:.0f} s clips, 9:16"
    return [Result(name, "minimal ffmpeg, same cut + crop", base, subject, 1.2)]


def cold_start(given: Input) -> list[Result]:
    from bench.cold_start import measure

    return measure(3 if given.quick else 7)


def load(given: Input) -> list[Result]:
    from bench.load import measure

    return measure(200.0, 8.0 if given.quick else 20.0)


BENCHMARKS: dict[str, Callable[[Input], list[Result]]] = {
    "transcode": transcode,
    "detection": detection,
    "klair_run": klair_run,
    "export": export,
    "cold_start": cold_start,
    "load": load,
}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="2-minute input, one repeat")
    parser.add_argument("--seconds", type=float, help="input length (default 600, quick 120)")
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--repeat", type=int, help="interleaved repeats (default 3, quick 1)")
    parser.add_argument("--only", action="append", choices=list(BENCHMARKS), default=[])
    parser.add_argument("--skip", action="append", choices=list(BENCHMARKS), default=[])
    return parser.parse_args()


def main() -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    args = _arguments()
    seconds = args.seconds or (120.0 if args.quick else 600.0)
    repeat = args.repeat or (1 if args.quick else 3)
    chosen = [n for n in BENCHMARKS if (not args.only or n in args.only) and n not in args.skip]
    console = Console(width=150)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="klair-bench-") as tmp:
        from bench.talk import make_talk

        source = Path(tmp) / "talk.mp4"
        console.print(f"generating about {seconds:g} s of {args.height}p30 talk…")
        sample = make_talk(source, seconds, height=args.height)
        given = Input(source, Path(tmp), list(sample.cuts), repeat, args.quick)
        for name in chosen:
            console.print(f"[bold]{name}[/bold]…")
            try:
                results += BENCHMARKS[name](given)
            except Exception:  # one broken benchmark must not hide the others' numbers
                console.print(f"[red]{name} failed[/red]\n{traceback.format_exc()}")
    title = f"Klair benchmarks: {seconds:g} s {args.height}p input, median of {repeat}"
    show(results, title, console)
    settings = {"seconds": seconds, "height": args.height, "repeat": repeat, "only": chosen}
    console.print(f"results: {save(results, 'suite', settings)}")


if __name__ == "__main__":
    main()

"""End to end: `klair run` of a speech video to 5 exported 9:16 clips with burned captions,
against the source's own duration (real time) and a bare ffmpeg decode of it, same run.

    python -m bench.klair_run [--seconds 600] [--height 720] [--source PATH] [--quick]

The command is run as a user runs it (`python -m klair.cli.main run … --json`, a fresh process:
imports and the Whisper model load are part of it). Target: 10 minutes of 720p in ≤ 60 s on
2 cores, i.e. ≤ 0.1× real time; printed with the real-time factor, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.talk import make_talk
from bench.timing import Result, show, timed
from klair.adapters.ffmpeg_probe import FfprobeMediaProbe

TARGET = 0.1  # of real time: 60 s for 10 minutes
CLIPS = 5


def klair_run(source: Path, out: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "klair.cli.main", "run", str(source), "--out", str(out),
         "--clips", str(CLIPS), "--aspect", "9:16", "--captions", "bold", "--json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"klair run exited {done.returncode}: {done.stderr[-2000:]}")
    results: dict[str, object] = json.loads(done.stdout)
    return results


def _decode(source: Path) -> None:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin", "-i", str(source), "-f", "null", "-"], check=True
    )


def measure(source: Path, work: Path) -> list[Result]:
    media = FfprobeMediaProbe().probe(source)
    decode = timed(lambda: _decode(source))
    found: dict[str, object] = {}

    def run() -> None:
        found.update(klair_run(source, work / "klair-out"))

    wall = timed(run)
    clips = found.get("clips")
    exported = len(clips) if isinstance(clips, list) else 0
    details: dict[str, float | str] = {
        "real-time factor": f"{media.duration / wall:.1f}× faster than real time",
        "÷ bare decode": f"{wall / decode:.1f}× ({decode:.1f} s)",
        "clips exported": exported,
        "cores": str(os.cpu_count()),
    }
    name = f"klair run {media.duration / 60:.0f} min {media.height}p → {CLIPS} × 9:16 captioned"
    return [Result(name, "source duration", media.duration, wall, TARGET, details=details)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--quick", action="store_true", help="120 s instead of --seconds")
    parser.add_argument("--source", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="klair-bench-run-") as tmp:
        work = Path(tmp)
        source = args.source
        if source is None:
            source = work / "talk.mp4"
            make_talk(source, 120.0 if args.quick else args.seconds, height=args.height)
        show(measure(source, work), "klair run end to end")


if __name__ == "__main__":
    main()

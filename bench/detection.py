"""Klair's scene cuts and pauses against PySceneDetect and ffmpeg's silencedetect, same file.

    python -m bench.detection [--seconds 600] [--height 720] [--repeat 1] [--source PATH]

Klair finds both in its one transcode pass (which also writes the proxy and the 16 kHz wav):
scene scores on a 160-pixel copy of every frame, silencedetect on the decoded audio. The
peers are PySceneDetect's `ContentDetector` (its default detector, OpenCV decoding) and a
bare `ffmpeg -af silencedetect` with Klair's thresholds, one decode each. Printed: the time
ratio and how well the cut times agree within ±1 frame (precision and recall of Klair's cuts
against the peer's, and against the cuts the generator planted). Install the peer with
`pip install --no-deps scenedetect tqdm` (its wheel pulls opencv-python, which would replace
Klair's opencv-python-headless). Targets are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import tempfile
from functools import partial
from pathlib import Path

from bench.talk import make_talk
from bench.timing import Result, show, side_by_side
from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.ffmpeg_signals import SILENCE_MIN_SECONDS, SILENCE_NOISE
from klair.adapters.ffmpeg_transcode import FfmpegTranscoder

_SILENCE = re.compile(r"silence_(start|end): (-?[\d.]+)")


def agreement(found: list[float], reference: list[float], tolerance: float) -> tuple[float, float]:
    """(precision, recall) of `found` against `reference`, each reference time matched once."""
    unmatched = sorted(reference)
    hits = 0
    for t in sorted(found):
        near = [r for r in unmatched if abs(r - t) <= tolerance + 1e-6]
        if near:
            unmatched.remove(min(near, key=lambda r: abs(r - t)))
            hits += 1
    precision = hits / len(found) if found else float(not reference)
    recall = hits / len(reference) if reference else float(not found)
    return precision, recall


def pyscenedetect_cuts(source: Path) -> list[float] | None:
    """Cut times from PySceneDetect's ContentDetector; None when it is not installed."""
    try:
        from scenedetect import ContentDetector, detect
    except ImportError:
        return None
    scenes = detect(str(source), ContentDetector())
    # `seconds` since 0.7; `get_seconds()` before (deprecated since).
    return [
        float(start.seconds) if hasattr(type(start), "seconds") else start.get_seconds()
        for start, _ in scenes[1:]
    ]


def silencedetect(source: Path) -> list[tuple[float, float]]:
    done = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-i", str(source), "-vn",
         "-af", f"silencedetect=n={SILENCE_NOISE}:d={SILENCE_MIN_SECONDS}", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    starts, ends = [], []
    for kind, value in _SILENCE.findall(done.stderr):
        (starts if kind == "start" else ends).append(max(0.0, float(value)))
    return list(zip(starts, ends, strict=False))


def _edges(spans: list[tuple[float, float]] | list[list[float]]) -> list[float]:
    return [t for span in spans for t in span]


def _pct(value: tuple[float, float]) -> str:
    return f"P {value[0]:.0%} / R {value[1]:.0%}"


def measure(source: Path, work: Path, repeat: int, planted: list[float] | None) -> list[Result]:
    """One row: Klair's pass vs PySceneDetect + silencedetect, with agreement details."""
    media = FfprobeMediaProbe().probe(source)
    frame = 1.0 / (media.fps or 25.0)
    klair = partial(FfmpegTranscoder().transcode, source, work / "klair", media)
    peer_cuts: list[float] | None = None
    peer_silences: list[tuple[float, float]] = []

    def peers() -> None:
        nonlocal peer_cuts, peer_silences
        peer_cuts = pyscenedetect_cuts(source)
        peer_silences = silencedetect(source)

    base, subject = side_by_side(peers, klair, repeat)
    signals = json.loads((work / "klair" / "signals.json").read_text())
    found: dict[str, float | str] = {
        "cuts klair": len(signals["scenes"]), "frame": f"{frame * 1000:.0f} ms",
        "silence edges vs silencedetect": _pct(
            agreement(_edges(signals["silences"]), _edges(peer_silences), frame)
        ),
    }  # fmt: skip
    peer = "ffmpeg silencedetect (PySceneDetect not installed)"
    if peer_cuts is not None:
        peer = "PySceneDetect ContentDetector + ffmpeg silencedetect"
        found["cuts PySceneDetect"] = len(peer_cuts)
        found["klair cuts vs PySceneDetect"] = _pct(agreement(signals["scenes"], peer_cuts, frame))
        if planted is not None:
            found["PySceneDetect vs planted"] = _pct(agreement(peer_cuts, planted, frame))
    if planted is not None:
        found["klair cuts vs planted"] = _pct(agreement(signals["scenes"], planted, frame))
    name = f"scene + silence detection, {media.duration:.0f} s {media.height}p"
    return [Result(name, peer, base, subject, target=1.0, details=found)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="120 s instead of --seconds")
    parser.add_argument("--source", type=Path, help="an existing file instead of a generated one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="klair-bench-detection-") as tmp:
        work, planted = Path(tmp), None
        source = args.source
        if source is None:
            source = work / "talk.mp4"
            sample = make_talk(source, 120.0 if args.quick else args.seconds, height=args.height)
            planted = list(sample.cuts)
        show(measure(source, work, args.repeat, planted), "detection vs peers (same file)")


if __name__ == "__main__":
    main()

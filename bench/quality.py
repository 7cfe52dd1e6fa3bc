"""Clip quality against planted ground truth: Klair's top-K clips beside naive selectors,
all scored by the same rules (bench/quality_metrics.py) on the same generated talks.

    python -m bench.quality [--quick | --heldout] [--k K] [--length 15-60] [--seeds 50] [--json]

For each talk of the set (bench/quality_set.py; 3 short talks with --quick; with --heldout
the 3 held-out talks, kept apart to check that tuning generalises) Klair runs as
`klair run` does — the embedded pipeline in this process, offline analyzer, a 9:16 export —
asked for K clips (default: the talk's number of planted highlights). Baselines on the same
talks, same K and length range: random non-overlapping windows (averaged over seeds) and the
loudest windows (greedy on the mean RMS of the audio). Face-in-crop samples the 9:16 crop
path of Klair's edit lists every 0.2 s against the true face box, per scene type, beside a
fixed centre crop over the same times. Nothing is asserted; the run is saved as JSON in
bench/results/quality-<UTC time>.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import structlog

from bench.quality_metrics import (
    Score,
    Span,
    face_inside,
    frame_rms,
    loudest_windows,
    random_windows,
    score,
)
from bench.quality_report import show
from bench.quality_set import as_talk, generate, scenes_of, specs
from bench.quality_video import Scene
from bench.timing import RESULTS
from klair.cli.embedded import run_job

# Klair imports: the only lines to adjust when the package's modules move.
from klair.domain.edit_list import EditList
from klair.domain.job import JobOptions
from klair.domain.reframe_path import position_at

HOP = 0.1  # seconds per loudness frame
FACE_STEP = 0.2  # seconds between face-in-crop samples
ASPECT = "9:16"


def klair_clips(video: Path, out: Path, k: int, length: Span) -> list[dict[str, Any]]:
    """Run the embedded pipeline as `klair run` does; the clips of results.json."""
    options = JobOptions(
        clip_count=k, min_clip_seconds=length[0], max_clip_seconds=length[1],
        aspect_ratios=(ASPECT,), analyzer="offline",
    )  # fmt: skip
    result = run_job(str(video), out, options)
    if result.job.status.value != "completed":
        raise RuntimeError(f"klair run of {video} ended {result.job.status.value}")
    clips: list[dict[str, Any]] = json.loads(result.results_file.read_text())["clips"]
    return clips


def loudness(video: Path) -> np.ndarray:
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin", "-i", str(video), "-vn", "-ac", "1",
         "-ar", "16000", "-f", "f32le", "pipe:1"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return frame_rms(np.frombuffer(raw, np.float32).astype(np.float64), 16000, HOP)


def span_loudness(truth: dict[str, Any], rms: np.ndarray) -> dict[str, list[float]]:
    """Mean RMS of each planted span ÷ the talk's mean, by kind (highlights first)."""
    found: dict[str, list[float]] = {}
    mean = float(np.mean(rms)) or 1.0
    for group in ("highlights", "distractors"):
        for span in truth[group]:
            frames = rms[int(span["start"] / HOP) : int(span["end"] / HOP) + 1]
            name = span["kind"] if group == "highlights" else f"({span['kind']})"
            found.setdefault(name, []).append(float(np.mean(frames)) / mean)
    return found


def _scene_at(scenes: list[Scene], t: float) -> Scene:
    return next((s for s in scenes if s.start <= t < s.end), scenes[-1])


def face_in_crop(
    clips: list[dict[str, Any]], out: Path, scenes: list[Scene], width: int
) -> dict[str, dict[str, list[int]]]:
    """Per scene kind, [inside, samples] for Klair's crop path and for a centre crop."""
    counts: dict[str, dict[str, list[int]]] = {}
    for clip in clips:
        edl = EditList.model_validate_json((out / clip["files"]["edl"]).read_text())
        variant = next(v for v in edl.variants if v.aspect == ASPECT)
        centre = (width - variant.crop_width) / 2
        for t in np.arange(edl.source_in, edl.source_out - 1e-6, FACE_STEP):
            scene = _scene_at(scenes, float(t))
            box = scene.box_at(float(t))
            left, top = position_at(variant.keyframes, float(t) - edl.source_in)
            size = (variant.crop_width, variant.crop_height)
            row = counts.setdefault(scene.kind, {"klair": [0, 0], "centre": [0, 0]})
            row["klair"][0] += face_inside(box, left, top, *size)
            row["centre"][0] += face_inside(box, centre, top, *size)
            row["klair"][1] += 1
            row["centre"][1] += 1
    return counts


def measure(
    video: Path, truth: dict[str, Any], k: int | None, length: Span, seeds: int, work: Path
) -> dict[str, Any]:
    """One talk: Klair's clips and the baselines', each scored; face-in-crop counts."""
    talk = as_talk(truth)
    k = k or len(talk.highlights)
    out = work / talk.name
    started = time.perf_counter()
    clips = klair_clips(video, out, k, length)
    seconds = time.perf_counter() - started
    spans = [(c["start"], c["end"]) for c in clips]
    rms = loudness(video)
    loud = loudest_windows(rms, HOP, k, *length)
    base = zlib.crc32(talk.name.encode())  # seeds differ between talks, fixed per talk
    randoms = [random_windows(talk.duration, k, *length, seed=base + s) for s in range(seeds)]
    random_score = Score()
    for windows in randoms:
        random_score.add(score(talk, windows, length[0]))
    return {
        "talk": talk.name, "spec": truth["spec"], "duration": talk.duration, "k": k,
        "klair_seconds": seconds, "klair": score(talk, spans, length[0]),
        "loudest": score(talk, loud, length[0]), "random": random_score,
        "spans": {"klair": spans, "loudest": loud},
        "highlights": truth["highlights"], "loudness": span_loudness(truth, rms),
        "faces": face_in_crop(clips, out, scenes_of(truth), truth["width"]),
    }  # fmt: skip


def _document(rows: list[dict[str, Any]], args: argparse.Namespace) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        return value.__dict__ if isinstance(value, Score) else value

    settings = {"quick": args.quick, "heldout": args.heldout, "k": args.k}
    return {
        "at": datetime.now(UTC).isoformat(),
        "settings": settings | {"length": args.length, "seeds": args.seeds},
        "talks": [{key: plain(v) for key, v in row.items()} for row in rows],
    }


def _quiet_logs() -> None:
    """Only the pipeline's warnings, on stderr (as `klair run` without --verbose)."""
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--quick", action="store_true", help="3 talks of about 3 minutes")
    which.add_argument("--heldout", action="store_true", help="the 3 held-out talks instead")
    parser.add_argument("--k", type=int, help="clips per talk (default: its highlights)")
    parser.add_argument("--length", default="15-60", help="clip length range, seconds")
    parser.add_argument("--seeds", type=int, default=50, help="random baseline's seeds")
    parser.add_argument("--json", action="store_true", help="print the JSON only")
    args = parser.parse_args()
    low, high = (float(v) for v in args.length.split("-"))
    _quiet_logs()
    rows = []
    with tempfile.TemporaryDirectory(prefix="klair-quality-run-") as tmp:
        for spec in specs(args.quick, args.heldout):
            video, truth = generate(spec)
            row = measure(video, truth, args.k, (low, high), args.seeds, Path(tmp))
            if args.heldout:  # spans and kinds only: held-out texts stay out of the results
                row["highlights"] = [
                    {k: v for k, v in h.items() if k != "text"} for h in row["highlights"]
                ]
            rows.append(row)
    document = _document(rows, args)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"quality-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(document, indent=1))
    if args.json:
        print(json.dumps(document, indent=1))
    else:
        show(rows, args.seeds)
        print(f"saved: {path}")


if __name__ == "__main__":
    main()

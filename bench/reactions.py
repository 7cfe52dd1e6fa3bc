"""Audience-reaction detection against the clip-quality set's ground truth: laughter after
punchlines, applause after lessons and walk-on applause must be found (with their kind);
alarms, music and feedback must not, and should come back as loud non-speech.

    python -m bench.reactions [--cache DIR] [--no-words]

Each cached talk's audio is extracted to 16 kHz mono with ffmpeg and scanned whole; speech
spans come from the truth's sentences (as a transcript would give them), or with --no-words
from nothing at all (the acoustic rules alone must then keep speech out)."""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.quality_set import CACHE
from klair.adapters.audio_reactions import AudioEvents, scan

Span = tuple[float, float]
EXPECTED = {"laughter": "laughter", "applause": "applause", "walk-on": "applause"}
NOISES = ("alarm", "music", "feedback")
MIN_OVERLAP = 0.3  # s: a detection and a true event overlapping this much are the same event


def events(truth: dict[str, Any]) -> list[tuple[str, float, float]]:
    """True sound events: (kind, start, end); a highlight's reaction follows its last line."""
    found = []
    for h in truth["highlights"]:
        if h["kind"] in ("punchline", "lesson"):
            inside = [s["end"] for s in truth["sentences"] if h["start"] <= s["start"] < h["end"]]
            kind = "laughter" if h["kind"] == "punchline" else "applause"
            found.append((kind, max(inside) + 0.25, float(h["end"])))
    for d in truth["distractors"]:
        if d["kind"] in (*NOISES, "walk-on"):
            found.append((d["kind"], float(d["start"]), float(d["end"])))
    return sorted(found, key=lambda e: e[1])


def overlap(a: Span, b: Span) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def tally(truth: dict[str, Any], got: AudioEvents, counts: Counter[str]) -> None:
    """Adds one talk's hits, misses, confusions and false alarms to `counts`."""
    truth_events = events(truth)
    for kind, a, b in truth_events:
        hits = [r for r in got.reactions if overlap((a, b), (r.start, r.end)) >= MIN_OVERLAP]
        noisy = any(overlap((a, b), s) >= MIN_OVERLAP for s in got.loud_non_speech)
        counts[f"{kind} total"] += 1
        if kind in NOISES:
            counts[f"{kind} as reaction"] += bool(hits)
            counts[f"{kind} as loud non-speech"] += noisy
        else:
            counts[f"{kind} found"] += bool(hits)
            counts[f"{kind} right kind"] += any(r.kind == EXPECTED[kind] for r in hits)
            if hits:
                cover = sum(overlap((a, b), (r.start, r.end)) for r in hits) / (b - a)
                counts[f"{kind} cover %"] += round(100 * cover)
    for r in got.reactions:
        counts[f"detected {r.kind}"] += 1
        right = any(
            EXPECTED.get(k) == r.kind and overlap((a, b), (r.start, r.end)) >= MIN_OVERLAP
            for k, a, b in truth_events
        )
        counts[f"detected {r.kind} correct"] += right


def report(counts: Counter[str], seconds: float, audio: float) -> None:
    for kind in ("laughter", "applause"):
        detected, correct = counts[f"detected {kind}"], counts[f"detected {kind} correct"]
        print(f"{kind:9s} precision {correct}/{detected}", end="  ")
        truths = [k for k, v in EXPECTED.items() if v == kind]
        for t in truths:
            n, found = counts[f"{t} total"], counts[f"{t} found"]
            cover = counts[f"{t} cover %"] / max(1, found)
            print(f"recall[{t}] {counts[f'{t} right kind']}/{n} (found {found}, "
                  f"mean cover {cover:.0f}%)", end="  ")  # fmt: skip
        print()
    for noise in NOISES:
        n = counts[f"{noise} total"]
        print(f"{noise:9s} as reaction {counts[f'{noise} as reaction']}/{n}  "
              f"as loud non-speech {counts[f'{noise} as loud non-speech']}/{n}")  # fmt: skip
    print(f"scan time {seconds:.2f} s for {audio / 60:.1f} min of audio "
          f"({seconds / audio * 600:.2f} s per 10 min)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--no-words", action="store_true")
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    seconds = audio = 0.0
    with tempfile.TemporaryDirectory(prefix="klair-reactions-") as tmp:
        for folder in sorted(p for p in args.cache.iterdir() if (p / "truth.json").exists()):
            truth = json.loads((folder / "truth.json").read_text())
            wav = Path(tmp) / f"{folder.name}.wav"
            subprocess.run(
                ["ffmpeg", "-loglevel", "error", "-y", "-i", str(next(folder.glob("talk.*"))),
                 "-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le", str(wav)], check=True,
            )  # fmt: skip
            speech = [] if args.no_words else [(s["start"], s["end"]) for s in truth["sentences"]]
            began = time.perf_counter()
            got = scan(wav, 0.0, float(truth["duration"]), speech)
            seconds += time.perf_counter() - began
            audio += float(truth["duration"])
            tally(truth, got, counts)
    report(counts, seconds, audio)


if __name__ == "__main__":
    main()

"""The clip-quality set: seeded talks (topics, espeak-ng voices, speaker profiles) with
planted highlights and distractors, rendered to 720p video with exact ground truth.

    python -m bench.quality_set [--quick | --heldout] [--cache DIR]   # generate, summarise

HELDOUT talks (topics and wording in bench/quality_heldout.py) are kept apart for checking
that tuning on FULL/QUICK generalises: do not read their texts when tuning.

Each talk's media and `truth.json` are cached under a directory named by a hash of its spec
and of the generator's source, so reruns reuse them and any change regenerates them.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import math
import random
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench import quality_audio as audio
from bench import quality_heldout as heldout
from bench.quality_metrics import Talk
from bench.quality_scripts import NOISES, Block, Writer
from bench.quality_topics import TOPICS
from bench.quality_video import Scene, plan_scenes, render

CACHE = Path(__file__).resolve().parent / "results" / ".quality-cache"
WIDTH, HEIGHT, FPS = 1280, 720, 15
LEAD_IN = 0.8


@dataclass(frozen=True)
class TalkSpec:
    name: str
    topic: str
    profile: str  # normal | monotone | energetic
    voice: str  # espeak-ng voice
    seed: int
    blocks_between: int  # filler blocks between two highlights: sets the length


FULL = (
    TalkSpec("sleep-normal", "sleep", "normal", "en-us+m3", 101, 4),
    TalkSpec("startups-energetic", "startups", "energetic", "en+f2", 102, 5),
    TalkSpec("oceans-monotone", "oceans", "monotone", "en-gb+m1", 103, 5),
    TalkSpec("money-normal", "money", "normal", "en-us+f3", 104, 4),
    TalkSpec("languages-energetic", "languages", "energetic", "en-gb-scotland+m4", 105, 5),
    TalkSpec("gardens-monotone", "gardens", "monotone", "en-029+m2", 106, 4),
)
QUICK = (
    TalkSpec("sleep-normal-q", "sleep", "normal", "en-us+m3", 201, 1),
    TalkSpec("startups-energetic-q", "startups", "energetic", "en+f2", 202, 1),
    TalkSpec("oceans-monotone-q", "oceans", "monotone", "en-gb+m1", 203, 1),
)


# Held-out: other topics, wording, voices and seeds (bench.quality --heldout).
HELDOUT = (
    TalkSpec("memory-normal-h", "memory", "normal", "en-gb-x-rp+m5", 301, 4),
    TalkSpec("running-energetic-h", "running", "energetic", "en-us-nyc+f4", 302, 4),
    TalkSpec("cities-monotone-h", "cities", "monotone", "en-gb-x-gbclan+m6", 303, 3),
)
_HELDOUT_TOPICS = {t.name: t for t in heldout.TOPICS}


@dataclass
class _Timeline:
    """The soundtrack as it is laid out, and what was placed where."""

    rng: random.Random
    noise: np.random.Generator
    voice: str
    parts: list[tuple[float, np.ndarray]]
    cursor: float = LEAD_IN

    def place(self, samples: np.ndarray, at: float | None = None) -> tuple[float, float]:
        start = round((self.cursor if at is None else at) * audio.RATE) / audio.RATE
        self.parts.append((start, samples))
        end = start + len(samples) / audio.RATE
        self.cursor = end
        return start, end

    def pause(self, low: float, high: float) -> None:
        self.cursor += self.rng.uniform(low, high)


def _lay_block(block: Block, tl: _Timeline, truth: dict[str, Any]) -> None:
    spans: list[tuple[float, float]] = []
    if block.before:
        span = tl.place(audio.sound(block.before, tl.noise))
        truth["distractors"].append({"kind": block.before, "start": span[0], "end": span[1]})
        tl.pause(0.7, 1.1)
    for line in block.lines:
        span = tl.place(audio.speak(line, tl.voice))
        spans.append(span)
        truth["sentences"].append({"text": line.text, "start": span[0], "end": span[1]})
        tl.pause(0.55, 1.2)
    end = spans[-1][1]
    if block.after:
        end = tl.place(audio.sound(block.after, tl.noise), at=end + 0.25)[1]
        tl.pause(0.8, 1.2)
    tl.pause(0.3, 0.6)  # a longer pause between blocks
    text = " ".join(line.text for line in block.lines)
    entry = {"kind": block.kind, "start": spans[0][0], "end": end, "text": text}
    if block.highlight:
        truth["highlights"].append(entry)
    elif block.kind != "filler":
        noise = block.before in dict(NOISES) or block.before == "walk-on"
        kind = ("meta" if block.before != "walk-on" else "greeting") if noise else block.kind
        truth["distractors"].append({**entry, "kind": kind, "start": spans[0][0]})


def _soundtrack(spec: TalkSpec, blocks: list[Block], wav: Path) -> dict[str, Any]:
    tl = _Timeline(random.Random(spec.seed), np.random.default_rng(spec.seed), spec.voice, [])
    truth: dict[str, Any] = {"highlights": [], "distractors": [], "sentences": []}
    for block in blocks:
        _lay_block(block, tl, truth)
    duration = math.ceil((tl.cursor + 1.5) * FPS) / FPS  # a whole number of frames
    track = np.zeros(round(duration * audio.RATE))
    for start, samples in tl.parts:
        at = round(start * audio.RATE)
        track[at : at + len(samples)] += samples
    audio.write_wav(wav, track, spec.seed)
    truth["duration"] = duration
    edges = [0.0, *(t for s in truth["sentences"] for t in (s["start"], s["end"])), duration]
    truth["gaps"] = [[a, b] for a, b in zip(edges[::2], edges[1::2], strict=True)]
    return truth


def _key(spec: TalkSpec) -> str:
    """A hash of the spec and of the code that turns it into media (not of the spec list)."""
    digest = hashlib.sha256(json.dumps(asdict(spec)).encode())
    digest.update(f"{WIDTH}x{HEIGHT}@{FPS}+{LEAD_IN}".encode())
    for code in (_Timeline, _lay_block, _soundtrack):
        digest.update(inspect.getsource(code).encode())
    here = Path(__file__).resolve().parent
    for name in ("quality_audio", "quality_scripts", "quality_topics", "quality_video"):
        digest.update((here / f"{name}.py").read_bytes())
    if spec.topic in _HELDOUT_TOPICS:  # only held-out keys depend on the held-out texts
        digest.update((here / "quality_heldout.py").read_bytes())
    return digest.hexdigest()[:16]


def generate(spec: TalkSpec, cache: Path = CACHE) -> tuple[Path, dict[str, Any]]:
    """The talk's video and ground truth, from the cache when its spec was made before."""
    folder = cache / f"{spec.name}-{_key(spec)}"
    video, truth_file = folder / "talk.mp4", folder / "truth.json"
    if truth_file.exists() and video.exists():
        return video, json.loads(truth_file.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    blocks = _writer(spec).talk(spec.blocks_between)
    with tempfile.TemporaryDirectory(prefix="klair-quality-") as tmp:
        wav = Path(tmp) / "track.wav"
        truth = _soundtrack(spec, blocks, wav)
        scenes = plan_scenes(truth["duration"], FPS, WIDTH, HEIGHT, spec.seed)
        render(video.with_suffix(".part.mp4"), wav, scenes, WIDTH, HEIGHT, FPS, spec.seed)
    video.with_suffix(".part.mp4").replace(video)
    truth |= {"spec": asdict(spec), "width": WIDTH, "height": HEIGHT, "fps": FPS}
    truth["scenes"] = [s.json() for s in scenes]
    truth_file.write_text(json.dumps(truth, indent=1))
    return video, truth


def _writer(spec: TalkSpec) -> Writer:
    if spec.topic in _HELDOUT_TOPICS:
        return heldout.HeldoutWriter(_HELDOUT_TOPICS[spec.topic], spec.profile, spec.seed)
    topic = next(t for t in TOPICS if t.name == spec.topic)
    return Writer(topic, spec.profile, spec.seed)


def specs(quick: bool = False, held_out: bool = False) -> tuple[TalkSpec, ...]:
    """The talks of a run: HELDOUT, QUICK or FULL."""
    return HELDOUT if held_out else QUICK if quick else FULL


def as_talk(truth: dict[str, Any]) -> Talk:
    """The ground truth in the form the scoring functions take."""
    return Talk(
        name=truth["spec"]["name"],
        duration=truth["duration"],
        highlights=[(h["start"], h["end"]) for h in truth["highlights"]],
        kinds=[h["kind"] for h in truth["highlights"]],
        sentences=[(s["start"], s["end"]) for s in truth["sentences"]],
        gaps=[(a, b) for a, b in truth["gaps"]],
        distractors=[(d["kind"], (d["start"], d["end"])) for d in truth["distractors"]],
    )


def scenes_of(truth: dict[str, Any]) -> list[Scene]:
    return [
        Scene(s["kind"], s["start"], s["end"], tuple(s["box0"]), tuple(s["box1"]))
        for s in truth["scenes"]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--quick", action="store_true")
    which.add_argument("--heldout", action="store_true", help="the held-out talks")
    parser.add_argument("--cache", type=Path, default=CACHE)
    args = parser.parse_args()
    for spec in specs(args.quick, args.heldout):
        video, truth = generate(spec, args.cache)
        spans = truth["highlights"]
        lengths = ", ".join(f"{h['kind']} {h['end'] - h['start']:.0f}s" for h in spans)
        # (kinds and lengths only: never print held-out texts)
        print(f"{spec.name}: {truth['duration'] / 60:.1f} min, {lengths} → {video}")


if __name__ == "__main__":
    main()

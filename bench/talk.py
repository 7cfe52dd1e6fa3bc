"""The benchmarks' generated input: a talk of a given length whose sentences never repeat.

`klair.cli.sample.make_sample_video` cycles a short script, and selection rightly drops clips
that say the same thing again, so a long sample yields only a few distinct clips. These
sentences are drawn from a seeded vocabulary (same seed, same file), with a question or an
emphatic line now and then, over the same test-pattern shots with hard cuts.
"""

from __future__ import annotations

import random
from pathlib import Path

from klair.cli.sample import Line, Sample, make_talk_video

SUBJECTS = (
    "the editor", "our team", "the camera", "a listener", "the pipeline", "my brother",
    "the teacher", "this model", "the audience", "a stranger", "the city", "the garden",
    "every pilot", "the kitchen", "the market", "the river", "a scientist", "the orchestra",
)  # fmt: skip
VERBS = (
    "built", "painted", "measured", "rewrote", "discovered", "carried", "explained",
    "borrowed", "repaired", "questioned", "launched", "followed", "counted", "folded",
    "planted", "recorded", "translated", "delivered",
)  # fmt: skip
OBJECTS = (
    "a wooden bridge", "seven lanterns", "the winter report", "an old violin",
    "a bright orange kite", "the missing ledger", "three silver keys", "a quiet harbour",
    "the northern trail", "a paper boat", "the final chapter", "a copper kettle",
    "twelve green bottles", "the morning train", "a hidden staircase", "the loud bell",
)  # fmt: skip
ENDINGS = (
    "before sunrise", "after the storm", "without asking anyone", "in under an hour",
    "for the second time", "with borrowed tools", "against every forecast", "on a Tuesday",
    "near the old mill", "while everyone slept", "during the long meeting", "by accident",
)  # fmt: skip
WORDS_PER_SECOND = 3.05  # espeak-ng at 165 wpm, its silences trimmed
PAUSE = 1.2  # the generator's average pause between lines


def lines(seconds: float, seed: int = 11) -> list[Line]:
    """Enough distinct lines to fill about `seconds`."""
    rng = random.Random(seed)
    script: list[Line] = []
    spoken = 0.6
    while spoken < seconds:
        text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        text = f"{text} {rng.choice(ENDINGS)}".capitalize()
        kind = len(script) % 7
        if kind == 3:
            line = Line(f"Did you know that {text[0].lower()}{text[1:]}?", 90)
        elif kind == 5:
            line = Line(f"{text}, and it changed everything!", 130)
        else:
            line = Line(f"{text}.", rng.choice((40, 60, 70)))
        script.append(line)
        spoken += len(line.text.split()) / WORDS_PER_SECOND + PAUSE
    return script


def make_talk(path: Path, seconds: float, height: int = 720, fps: int = 30) -> Sample:
    width = height * 16 // 9 // 2 * 2
    return make_talk_video(path, lines(seconds), width=width, height=height, fps=fps)

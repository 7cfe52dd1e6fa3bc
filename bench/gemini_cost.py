"""Planned Gemini cost per source minute, from the request builder and the price table.

    python -m bench.gemini_cost [--minutes 60] [--seed 7]

A synthetic talk (speech with pauses, scene cuts) is chunked as the pipeline chunks it; every
configuration plans the same chunks with the same code the analyzer uses before calling
(`adapters/gemini/cost.plan`: documented per-frame and per-second token rates plus the real
prompt's length). Two-stage plans only the windows the offline analyzer shortlists. Ratios are
against the default configuration in the same run; the target is printed, never asserted.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from klair.adapters.gemini.cost import plan
from klair.adapters.gemini.options import GeminiOptions
from klair.adapters.gemini.prices import GEMINI_MODELS
from klair.adapters.gemini.prompt import lines_from
from klair.adapters.gemini.request import ChunkRequest
from klair.adapters.gemini.two_stage import shortlist
from klair.domain.analysis import candidates
from klair.domain.chunking import plan_chunks
from klair.domain.cost import ModelPrice
from klair.domain.signals import Signals
from klair.domain.transcript import Transcript, Word

TARGET_USD_PER_MINUTE = 0.004
PROXY = "gs://klair-media/work/job_bench/proxy.mp4"
FLASH, PRO, LITE = (
    GEMINI_MODELS[k] for k in ("gemini-3-flash", "gemini-3-pro", "gemini-3-flash-lite")
)
# gemini-3.8-flash after its launch price ends (2027-01-01).
FLASH_2027 = ModelPrice(input=1.50, output=7.50)
VOCABULARY = [
    "we",
    "measured",
    "the",
    "cold",
    "start",
    "and",
    "the",
    "latency",
    "halved",
    "when",
    "one",
    "import",
    "went",
    "away",
]


def synthetic_talk(minutes: float, seed: int) -> tuple[Signals, Transcript]:
    """Sentences of 8-20 words at 2.6 words a second, pauses of 0.3-1.5 s between them,
    loudness around -20 LUFS, a scene cut every 15-40 s."""
    rng, duration = random.Random(seed), minutes * 60
    words, silences, t = [], [], 0.5
    while t < duration - 10:
        for i in range(rng.randint(8, 20)):
            text = rng.choice(VOCABULARY) + ("." if i == 19 else "")
            words.append(Word(start=t, end=t + 0.3, text=text))
            t += 0.38
        words[-1] = words[-1].model_copy(update={"text": words[-1].text.rstrip(".") + "."})
        pause = rng.uniform(0.3, 1.5)
        silences.append((t, t + pause))
        t += pause
    speech = [(a[1], b[0]) for a, b in zip([(0.0, 0.5), *silences], silences, strict=False)]
    loudness = [(i * 0.2, rng.gauss(-20, 4)) for i in range(int(duration / 0.2))]
    scenes, cut = [], 0.0
    while (cut := cut + rng.uniform(15, 40)) < duration:
        scenes.append(cut)
    signals = Signals(duration=duration, loudness=loudness, silences=silences, scenes=scenes)
    return signals, Transcript(start=0, end=duration, words=words, speech=speech)


def chunk_requests(talk: tuple[Signals, Transcript], two_stage: bool) -> list[ChunkRequest]:
    signals, transcript = talk
    requests = []
    for chunk in plan_chunks(signals.duration, 600.0, 30.0):
        windows = [(chunk.start, chunk.end)]
        if two_stage:
            found = candidates.propose(
                signals, transcript, candidates.Request(chunk.start, chunk.end, 15, 60)
            )
            windows = shortlist(found, 4, 5.0, chunk.start, chunk.end, 60)
        for a, b in windows:
            lines = lines_from(transcript, a, b)
            requests.append(ChunkRequest(PROXY, a, b, 15, 60, transcript=lines, language="en"))
    return requests


@dataclass(frozen=True)
class Row:
    name: str
    calls: int
    input_per_minute: float
    output_per_minute: float
    usd_per_minute: float


def planned(name: str, requests: list[ChunkRequest], options: GeminiOptions, model: str,
            minutes: float) -> Row:  # fmt: skip
    plans = [plan(r, options, model) for r in requests]
    return Row(
        name,
        len(plans),
        sum(p.input_tokens for p in plans) / minutes,
        sum(p.output_tokens for p in plans) / minutes,
        sum(p.cost.usd for p in plans) / minutes,
    )


def label(options: GeminiOptions, model: str, two_stage: bool) -> str:
    names = {FLASH: "Flash", PRO: "Pro", LITE: "Flash-Lite"}
    resolution = (
        "model-default" if options.media_resolution == "unspecified" else (options.media_resolution)
    )
    late = " @2027 price" if options.prices.get(FLASH) == FLASH_2027 else ""
    mode = "two-stage" if two_stage else "full"
    return f"{names[model]}{late}, {resolution} res, {options.fps:g} fps, {mode}"


def rows(minutes: float, seed: int) -> list[Row]:
    talk = synthetic_talk(minutes, seed)
    requests = {False: chunk_requests(talk, False), True: chunk_requests(talk, True)}
    base = GeminiOptions(project="bench")

    def variant(**update: object) -> GeminiOptions:
        return base.model_copy(update=update)

    later = variant(prices={**base.prices, FLASH: FLASH_2027})
    table = [
        (base, FLASH, False),  # the default configuration
        (variant(media_resolution="unspecified"), FLASH, False),
        (variant(fps=0.5), FLASH, False),
        (variant(fps=1.0), FLASH, False),
        (variant(media_resolution="unspecified", fps=1.0), FLASH, False),  # nothing set
        (variant(media_resolution="high", fps=1.0), FLASH, False),
        (base, FLASH, True),
        (base, PRO, False),
        (base, PRO, True),
        (base, LITE, False),
        (later, FLASH, False),
        (later, FLASH, True),
    ]
    return [
        planned(label(opts, model, two), requests[two], opts, model, minutes)
        for opts, model, two in table
    ]


def show(found: list[Row], minutes: float) -> None:
    default = found[0]
    table = Table(title=f"Planned Gemini cost per source minute ({minutes:g}-minute talk)")
    for column in ("configuration", "calls", "in tok/min", "out tok/min", "USD/min", "vs default"):
        table.add_column(column, justify="left" if column == "configuration" else "right")
    for row in found:
        mark = " ✓" if row.usd_per_minute <= TARGET_USD_PER_MINUTE else ""
        table.add_row(
            row.name,
            str(row.calls),
            f"{row.input_per_minute:,.0f}",
            f"{row.output_per_minute:,.0f}",
            f"${row.usd_per_minute:.5f}{mark}",
            f"{row.usd_per_minute / default.usd_per_minute:.2f}×",
        )
    console = Console(width=120)
    console.print(table)
    verdict = "meets" if default.usd_per_minute <= TARGET_USD_PER_MINUTE else "MISSES"
    console.print(
        f"default ${default.usd_per_minute:.5f}/min {verdict} the ≤ ${TARGET_USD_PER_MINUTE}/min "
        "target (✓ marks every configuration under it). Gemini 3 samples video at 70 tokens a "
        "frame unless told `high`, so model-default and low resolution cost the same."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    show(rows(args.minutes, args.seed), args.minutes)


if __name__ == "__main__":
    main()

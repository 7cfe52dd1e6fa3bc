"""Per-criterion scores of a sentence-aligned window, each 0–100 with the evidence that produced
it (timestamps and a short text) and a phrase for the clip's one-line reason."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from statistics import median

from klair.domain.analysis.criterion import Criterion, clamp
from klair.domain.analysis.hook import hook, opens_with_connector
from klair.domain.analysis.lexicon import shorten
from klair.domain.analysis.sentences import Sentence
from klair.domain.clip import Evidence
from klair.domain.signals import Signals
from klair.domain.transcript import Span, Transcript

DEFAULT_WEIGHTS: dict[str, float] = {
    "hook": 0.25,
    "energy": 0.25,
    "clarity": 0.15,
    "completeness": 0.20,
    "visual": 0.15,
}
# What an ordinary stretch of talk scores: a reason names what lifts a moment above these.
TYPICAL = {"hook": 30.0, "energy": 50.0, "clarity": 85.0, "visual": 50.0}
POINTS_PER_LU = 5.0
# Loudness samples above this (LUFS) count as speech when measuring how loud speech is.
SPEECH_GATE = -50.0
FULL_SPREAD = 12.0  # LU of loudness standard deviation that counts as fully dynamic
DEAD_AIR = 1.5  # seconds of pause inside a clip before it costs clarity
DEAD_AIR_POINTS = 12.0  # per second beyond that
NOTABLE_DEAD_AIR = 0.5  # seconds beyond DEAD_AIR worth naming in the reason
FULL_SPEECH = 0.8  # a speech ratio this high is as clear as talk gets
MAX_CUTS_SHOWN = 5


@dataclass(frozen=True)
class Window:
    """Sentences `first`..`last` between the clip edges `start` and `end` (seconds)."""

    first: int
    last: int
    start: float
    end: float
    quiet_edges: bool = True

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class Context:
    """What every window of one analysis is scored against."""

    signals: Signals
    transcript: Transcript
    sentences: list[Sentence]
    quiet: list[Span]
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    @cached_property
    def file_loudness(self) -> float:
        return self.signals.mean_loudness()

    @cached_property
    def speech_loudness(self) -> float:
        """Median loudness of the file's speech (samples above a gate): how loud talk usually
        is here, untouched by pauses and by the few loudest passages."""
        values = [v for _, v in self.signals.loudness if v > SPEECH_GATE]
        return median(values) if values else self.file_loudness

    @cached_property
    def speech_rate(self) -> float:
        """Words per second of speech over the whole transcript."""
        speech = self.transcript.speech_between(self.transcript.start, self.transcript.end)
        return len(self.transcript.words) / speech if speech > 0 else 0.0

    @cached_property
    def _confidence_sums(self) -> list[float]:
        sums = [0.0]
        for word in self.transcript.words:
            sums.append(sums[-1] + word.probability)
        return sums

    def confidence(self, first_word: int, last_word: int) -> float:
        sums = self._confidence_sums
        return (sums[last_word + 1] - sums[first_word]) / max(1, last_word + 1 - first_word)

    def speech(self, a: float, b: float) -> float:
        if self.transcript.speech:
            return self.transcript.speech_between(a, b)
        return max(0.0, b - a - self.signals.silence_between(a, b))

    @cached_property
    def _quiet_ends(self) -> list[float]:
        return [end for _, end in self.quiet]

    def longest_pause(self, a: float, b: float) -> Span | None:
        i = bisect_left(self._quiet_ends, a)
        inside = [(max(s, a), min(e, b)) for s, e in self.quiet[i:] if s < b]
        # The lead-in and tail at the clip's edges are part of the cut, not dead air.
        inside = [(s, e) for s, e in inside if s > a + 1e-6 and e < b - 1e-6]
        return max(inside, key=lambda p: p[1] - p[0], default=None)


def energy(ctx: Context, w: Window) -> Criterion:
    relative = ctx.signals.mean_loudness(w.start, w.end) - ctx.file_loudness
    level = 50.0 + POINTS_PER_LU * relative
    dynamics = min(100.0, 100.0 * ctx.signals.loudness_spread(w.start, w.end) / FULL_SPREAD)
    first_word = ctx.sentences[w.first].first
    words = ctx.sentences[w.last].last + 1 - first_word
    speech = ctx.speech(w.start, w.end)
    rate = words / speech if speech > 0 else 0.0
    pace = rate / ctx.speech_rate - 1.0 if ctx.speech_rate > 0 else 0.0
    score = clamp(0.6 * level + 0.15 * dynamics + 0.25 * (50.0 + 100.0 * pace))
    evidence = []
    peak = ctx.signals.peak_between(w.start, w.end)
    if peak is not None:
        text = f"loudest moment {peak[1]:.1f} LUFS ({peak[1] - ctx.file_loudness:+.1f} LU vs file)"
        evidence.append(Evidence(at=peak[0], text=text))
    evidence.append(Evidence(at=w.start, text=f"{rate:.1f} words/s ({100 * pace:+.0f}% vs usual)"))
    tone = "lively" if score >= 60 else "calm" if score < 40 else "steady"
    return Criterion(score, evidence, f"{tone} delivery ({relative:+.1f} LU vs the whole file)")


def clarity(ctx: Context, w: Window) -> Criterion:
    ratio = ctx.speech(w.start, w.end) / w.duration
    first_word, last_word = ctx.sentences[w.first].first, ctx.sentences[w.last].last
    confidence = ctx.confidence(first_word, last_word)
    pause = ctx.longest_pause(w.start, w.end)
    dead_air = 0.0 if pause is None else max(0.0, pause[1] - pause[0] - DEAD_AIR)
    value = 100.0 * (0.65 * min(1.0, ratio / FULL_SPEECH) + 0.35 * confidence)
    score = clamp(value - DEAD_AIR_POINTS * dead_air)
    evidence = [
        Evidence(at=w.start, text=f"speech fills {100 * ratio:.0f}% of it"),
        Evidence(at=w.start, text=f"words recognised with {100 * confidence:.0f}% confidence"),
    ]
    if pause is not None:
        evidence.append(Evidence(at=pause[0], text=f"longest pause {pause[1] - pause[0]:.1f} s"))
    phrase = f"clear speech {100 * ratio:.0f}% of the time"
    if dead_air >= NOTABLE_DEAD_AIR:
        phrase += f" ({pause[1] - pause[0]:.1f} s of dead air)" if pause else ""
    return Criterion(score, evidence, phrase)


def completeness(ctx: Context, w: Window) -> Criterion:
    first, last = ctx.sentences[w.first], ctx.sentences[w.last]
    connector = opens_with_connector(first.text)
    score = 40.0 * first.opens + 40.0 * last.closes + 20.0 * w.quiet_edges - 20.0 * connector
    opening = (
        f"starts a sentence: “{shorten(first.text, 60)}”" if first.opens else "starts mid-sentence"
    )
    ending = f"ends a sentence: “{_tail(last.text)}”" if last.closes else "ends mid-sentence"
    evidence = [Evidence(at=first.start, text=opening), Evidence(at=last.end, text=ending)]
    if connector:
        evidence.append(Evidence(at=first.start, text="opens on a connective word"))
    edges = "both edges in pauses" if w.quiet_edges else "an edge between word timings"
    evidence.append(Evidence(at=w.start, text=edges))
    whole = first.opens and last.closes
    return Criterion(clamp(score), evidence, "complete sentences" if whole else "partial sentences")


def visual(ctx: Context, w: Window) -> Criterion:
    cuts = ctx.signals.scenes_between(w.start, w.end)
    window_rate = 60.0 * len(cuts) / w.duration
    file_rate = ctx.signals.scene_rate()
    total = window_rate + file_rate
    contrast = (window_rate - file_rate) / total if total else 0.0
    evidence = [Evidence(at=t, text="scene cut") for t in cuts[:MAX_CUTS_SHOWN]]
    if not cuts:
        evidence = [Evidence(at=w.start, text=f"no scene cut (file: {file_rate:.1f}/min)")]
    return Criterion(clamp(50.0 + 50.0 * contrast), evidence, f"{len(cuts)} scene cuts")


def _tail(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else "…" + flat[-(limit - 1) :].split(" ", 1)[-1]


def criteria(ctx: Context, w: Window) -> dict[str, Criterion]:
    found = {
        "hook": hook(ctx.signals, ctx.speech_loudness, ctx.sentences[w.first]),
        "energy": energy(ctx, w),
        "clarity": clarity(ctx, w),
        "completeness": completeness(ctx, w),
    }
    if ctx.signals.has_video:
        found["visual"] = visual(ctx, w)
    return found


def overall(scores: Mapping[str, float], weights: Mapping[str, float]) -> float:
    used = {k: weights.get(k, 0.0) for k in scores if weights.get(k, 0.0) > 0}
    total = sum(used.values())
    if total <= 0:
        return clamp(sum(scores.values()) / max(1, len(scores)))
    return clamp(sum(weights[k] * scores[k] for k in used) / total)


def reason(found: Mapping[str, Criterion], weights: Mapping[str, float], in_pauses: bool) -> str:
    """One line from the strongest evidence: what lifts the score the most, then how the
    moment is cut (whole sentences or not, in pauses or not)."""
    telling = [k for k in found if k != "completeness"]

    def lift(k: str) -> float:
        return (found[k].score - TYPICAL.get(k, 50.0)) * weights.get(k, 0.0)

    ranked = sorted(telling, key=lambda k: -lift(k))
    strong = [k for k in ranked if lift(k) > 0][:2] or ranked[:1]
    text = ", ".join(found[k].phrase for k in strong)
    cut = [found["completeness"].phrase] if "completeness" in found else []
    if in_pauses:
        cut.append("starts and ends on a pause")
    text = "; ".join(part for part in (text, ", ".join(cut)) if part)
    return text[:1].upper() + text[1:] + "."

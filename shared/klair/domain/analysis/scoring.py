"""Per-criterion scores of a sentence-aligned window, each 0–100 with the evidence that produced
it (timestamps and a short text) and a phrase for the clip's one-line reason."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from klair.domain.analysis.context import Context, Window
from klair.domain.analysis.criterion import Criterion, clamp
from klair.domain.analysis.hook import hook, opens_with_connector
from klair.domain.analysis.lexicon import shorten
from klair.domain.analysis.prosody import Delivery
from klair.domain.analysis.substance import content, payoff
from klair.domain.clip import Evidence

# The criteria's weights in a moment's overall score (KLAIR_SCORE_WEIGHTS overrides them).
# Substance (what is said, how it opens and what it earns) outweighs delivery: a loud
# passage of filler is not a highlight. Measured on `python -m bench.quality`.
DEFAULT_WEIGHTS: dict[str, float] = {
    "hook": 0.20,
    "content": 0.20,
    "payoff": 0.15,
    "energy": 0.10,
    "clarity": 0.10,
    "completeness": 0.20,
    "visual": 0.05,
}


# What an ordinary stretch of talk scores: a reason names what lifts a moment above these.
TYPICAL = {
    "hook": 40.0, "content": 40.0, "payoff": 40.0, "energy": 50.0, "clarity": 85.0,
    "visual": 50.0,
}  # fmt: skip


DEAD_AIR = 1.5  # seconds of pause inside a clip before it costs clarity


DEAD_AIR_POINTS = 12.0  # per second beyond that


NOTABLE_DEAD_AIR = 0.5  # seconds beyond DEAD_AIR worth naming in the reason


FULL_SPEECH = 0.8  # a speech ratio this high is as clear as talk gets


MAX_CUTS_SHOWN = 5


def energy(ctx: Context, w: Window) -> Criterion:
    """Delivery against the speaker's own baseline: the window's sentences' loudness, pace and
    pitch-range z-scores (their duration-weighted means), so only a change in the voice
    counts."""
    spoken = range(w.first, w.last + 1)
    total = sum(ctx.sentences[i].duration for i in spoken) or 1.0

    def mean(z: Callable[[Delivery], float]) -> float:
        return sum(z(ctx.delivery[i]) * ctx.sentences[i].duration for i in spoken) / total

    loud, pace = mean(lambda d: d.loudness_z), mean(lambda d: d.pace_z)
    pitch = mean(lambda d: d.pitch_z)
    score = clamp(50.0 + 12.0 * loud + 6.0 * pace + 6.0 * pitch)
    peak = max(spoken, key=lambda i: ctx.delivery[i].loudness_z)
    evidence = [
        Evidence(
            at=ctx.sentences[peak].start,
            text=f"most emphatic line {ctx.delivery[peak].loudness_z:+.1f} σ louder than the "
            "speaker's nearby lines",
        ),
        Evidence(
            at=w.start,
            text=f"loudness {loud:+.1f} σ, pace {pace:+.1f} σ, pitch range {pitch:+.1f} σ "
            "vs the speaker",
        ),
    ]
    tone = "lively" if score >= 60 else "calm" if score < 40 else "steady"
    return Criterion(score, evidence, f"{tone} delivery for this speaker ({loud:+.1f} σ)")


def clarity(ctx: Context, w: Window) -> Criterion:
    ratio = (ctx.speech(w.start, w.end) + ctx.reacted(w.start, w.end)) / w.duration
    first_word, last_word = ctx.sentences[w.first].first, ctx.sentences[w.last].last
    confidence = ctx.confidence(first_word, last_word)
    pause = ctx.longest_pause(w.start, w.end)
    heard = 0.0 if pause is None else ctx.reacted(*pause)  # laughter fills it
    dead_air = 0.0 if pause is None else max(0.0, pause[1] - pause[0] - heard - DEAD_AIR)
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
    score = 15.0 * first.opens + 15.0 * last.closes + 10.0 * w.quiet_edges - 20.0 * connector
    score += 10.0 * w.whole_units + 50.0 * w.arc
    opening = (
        f"starts a sentence: “{shorten(first.text, 60)}”" if first.opens else "starts mid-sentence"
    )
    ending = f"ends a sentence: “{_tail(last.text)}”" if last.closes else "ends mid-sentence"
    evidence = [Evidence(at=first.start, text=opening), Evidence(at=last.end, text=ending)]
    if connector:
        evidence.append(Evidence(at=first.start, text="opens on a connective word"))
    edges = "both edges in pauses" if w.quiet_edges else "an edge between word timings"
    evidence.append(Evidence(at=w.start, text=edges))
    if w.whole_units:
        evidence.append(Evidence(at=first.start, text="covers whole thoughts (no unit cut)"))
    if w.arc > 0:
        evidence.append(Evidence(at=first.start, text=f"holds {w.arc_kind} whole"))
    whole = first.opens and last.closes
    phrase = "complete sentences" if whole else "partial sentences"
    if w.arc >= 0.5 and whole:
        phrase = f"{w.arc_kind}, whole"
    elif w.whole_units and whole:
        phrase = "a whole thought"
    return Criterion(clamp(score), evidence, phrase)


def visual(ctx: Context, w: Window) -> Criterion:
    """Movement on screen against the file's own: scene cuts above the file's rate, and
    motion (the transcode's per-second activity) above the file's mean. A steady shot in a
    steady file is neutral (50), not a zero: a still speaker is no flaw."""
    cuts = ctx.signals.scenes_between(w.start, w.end)
    window_rate = 60.0 * len(cuts) / w.duration
    file_rate = ctx.signals.scene_rate()
    total = window_rate + file_rate
    cut_contrast = (window_rate - file_rate) / total if total and cuts else 0.0
    motion = ctx.signals.activity_between(w.start, w.end)
    usual = ctx.file_motion
    motion_contrast = (motion - usual) / (motion + usual) if motion + usual > 0 else 0.0
    evidence = [Evidence(at=t, text="scene cut") for t in cuts[:MAX_CUTS_SHOWN]]
    evidence.append(Evidence(at=w.start, text=f"motion {motion:.2f} (file {usual:.2f})"))
    score = clamp(50.0 + 25.0 * cut_contrast + 25.0 * motion_contrast)
    return Criterion(score, evidence, f"{len(cuts)} scene cuts")


def _tail(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else "…" + flat[-(limit - 1) :].split(" ", 1)[-1]


# Points the core's own opening loses per second of context heard before it.
LEAD_POINTS = 3.0


def opening(ctx: Context, w: Window) -> Criterion:
    """The hook of the window's first sentence, or of its core's when context added before a
    short core only delays a stronger opening by a few seconds."""
    first = hook(ctx.cues[w.first], ctx.delivery[w.first], ctx.sentences[w.first])
    if w.core is None or w.core[0] == w.first:
        return first
    k = w.core[0]
    core = hook(ctx.cues[k], ctx.delivery[k], ctx.sentences[k])
    lead = ctx.sentences[k].start - w.start
    return _padded(first, core, lead, f"{core.phrase} after a {lead:.0f} s lead-in")


def ending(ctx: Context, w: Window) -> Criterion:
    """The payoff at the window's end, or at its core's when context added after a short
    core only trails a stronger ending by a few seconds."""
    inside = max(ctx.landed[w.first : w.last], default=0.0)
    last = payoff(ctx.cues[w.last], ctx.sentences[w.last], w.reaction, inside)
    if w.core is None or w.core[1] == w.last:
        return last
    k = w.core[1]
    core = payoff(ctx.cues[k], ctx.sentences[k], ctx.landed[k], 0.0)
    trail = w.end - ctx.sentences[k].end
    return _padded(last, core, trail, f"{core.phrase}, then {trail:.0f} s more")


def _padded(edge: Criterion, core: Criterion, seconds: float, phrase: str) -> Criterion:
    """The core's criterion less LEAD_POINTS per second of context between it and the
    window's edge, when that still beats the edge's own."""
    score = core.score - LEAD_POINTS * seconds
    return edge if score <= edge.score else Criterion(clamp(score), core.evidence, phrase)


def criteria(ctx: Context, w: Window) -> dict[str, Criterion]:
    found = {
        "hook": opening(ctx, w),
        "content": content(ctx.cues, ctx.sentences, ctx.landed, (w.first, w.last), w.core),
        "payoff": ending(ctx, w),
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

"""The Gemini quality guard: a stubbed Gemini returns the planted moments of a talk at whole
seconds (as the model writes MM:SS), and after the pipeline's edge snapping and selection
every clip must start and end in a pause, hold whole sentences, and the planted moments must
be among the clips. Used by `bench.gemini_cost` per configuration and by the quality tests.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from klair.adapters.gemini.timecode import format_mmss
from klair.domain.analysis.selection import select_clips
from klair.domain.clip import Candidate, Clip
from klair.domain.signals import Signals
from klair.domain.transcript import Transcript
from klair.handlers.pipeline.select_clips import in_pauses

Span = tuple[float, float]
# A planted moment counts as found when one clip holds at least this share of it.
FOUND_SHARE = 0.5
EDGE_TOLERANCE = 0.02


def _seconds(value: str | None) -> float:
    return 0.0 if value is None else float(value.rstrip("s"))


def excerpt_of(body: dict[str, Any]) -> Span:
    """The excerpt a request shows: the first media part's clipping offsets."""
    part = body["contents"][0]["parts"][0]
    meta = next(
        part[k] for k in ("videoMetadata", "video_metadata", "audioMetadata", "audio_metadata")
        if k in part
    )  # fmt: skip
    start = meta.get("startOffset", meta.get("start_offset"))
    end = meta.get("endOffset", meta.get("end_offset"))
    return _seconds(start), _seconds(end)


def asked_moments(body: dict[str, Any]) -> int:
    text = " ".join(p.get("text", "") for p in body["contents"][0]["parts"])
    found = re.search(r"Find up to (\d+) moments", text)
    return int(found.group(1)) if found else 1


def _moment(start: float, end: float, offset: float, planted: bool) -> dict[str, Any]:
    """A moment as the model writes it: the nearest whole seconds relative to the excerpt
    (so an edge may fall inside the first or last word), and about as many words as a real
    answer (title, hook, reason, three pieces of evidence)."""
    a, b = round(start - offset), round(end - offset)
    return {
        "start": format_mmss(max(0, a)),
        "end": format_mmss(b),
        "title": "The moment that makes the point" if planted else "A quieter stretch",
        "hook": "This one step changes everything about how the rest of it works!",
        "scores": {
            "hook": 90 if planted else 50,
            "energy": 85 if planted else 45,
            "clarity": 75,
            "completeness": 80,
            "visual": 40,
        },
        "reason": "A strong claim up front, explained with a concrete example and a payoff "
        "that lands before the minute is up.",
        "evidence": [
            {"at": format_mmss(max(0, a)), "criterion": "hook", "note": "bold opening claim"},
            {"at": format_mmss(max(0, a + 3)), "criterion": "energy", "note": "louder, faster"},
            {"at": format_mmss(max(0, b - 2)), "criterion": "completeness", "note": "payoff"},
        ],
    }


def planted_answer(planted: Sequence[Span], filler: Sequence[Span] = ()) -> Any:
    """The stub's answer to one request: the planted moments inside its excerpt first, then
    `filler` moments (other sentence-aligned spans) up to the number the prompt asks for."""

    def answer(body: dict[str, Any]) -> dict[str, Any]:
        start, end = excerpt_of(body)
        strong = [(s, True) for s in planted if s[0] >= start and s[1] <= end]
        weak = [(s, False) for s in filler if s[0] >= start and s[1] <= end]
        weak = [(s, f) for s, f in weak if not any(s[0] < p[1] and p[0] < s[1] for p in planted)]
        chosen = [*strong, *weak][: asked_moments(body)]
        return {
            "summary": "The speaker walks through the steps and stresses the ones that matter.",
            "topics": ["steps", "advice"],
            "moments": [_moment(a, b, start, mark) for (a, b), mark in chosen],
        }

    return answer


def selected(
    candidates: list[Candidate], parts: list[Transcript], signals: Signals, count: int
) -> list[Clip]:
    """What the pipeline's selection makes of them: edges snapped into pauses, then chosen."""
    return select_clips(in_pauses(candidates, parts, signals), count)


def problems(
    clips: Sequence[Clip],
    sentences: Sequence[Span],
    pauses: Sequence[Span],
    planted: Sequence[Span],
) -> list[str]:
    """Why the guard fails (empty when it holds)."""
    found: list[str] = []
    for c in clips:
        for edge in (c.start, c.end):
            if not any(a - EDGE_TOLERANCE <= edge <= b + EDGE_TOLERANCE for a, b in pauses):
                found.append(f"edge {edge:.2f} of {c.start:.2f}-{c.end:.2f} is not in a pause")
        for a, b in sentences:
            if not (c.start <= a + EDGE_TOLERANCE and b <= c.end + EDGE_TOLERANCE) and not (
                b <= c.start + EDGE_TOLERANCE or a >= c.end - EDGE_TOLERANCE
            ):
                found.append(f"clip {c.start:.2f}-{c.end:.2f} cuts the sentence {a:.2f}-{b:.2f}")
    for a, b in planted:
        held = max((min(b, c.end) - max(a, c.start) for c in clips), default=0.0)
        if held < FOUND_SHARE * (b - a):
            found.append(f"planted moment {a:.2f}-{b:.2f} is not among the clips")
    return found

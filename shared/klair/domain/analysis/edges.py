"""Clip edges, one rule for every analyzer (offline, signals-only, Gemini): the pause between
two sentences (the transcode's silences and the voice detector's gaps, else the gap between
word timings) and the point inside it where a clip starts or ends, so no clip starts or ends
inside a word; without pauses, loudness minima."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from klair.domain.signals import Signals, merge_spans
from klair.domain.transcript import Span, Word

# A clip starts this long before speech resumes and ends this long after it stops, or at the
# pause's own edge when the pause is shorter.
LEAD_IN = 0.25


TAIL = 0.35


@dataclass(frozen=True)
class Boundary:
    """A pause [start, end] between two stretches of speech; `quiet` when it was heard (a
    silence or no voice), not only read from word timings."""

    start: float
    end: float
    quiet: bool

    @property
    def length(self) -> float:
        return self.end - self.start

    @property
    def start_edge(self) -> float:
        """Where a clip that begins after this pause starts."""
        return self._millisecond(max(self.start, self.end - LEAD_IN))

    @property
    def end_edge(self) -> float:
        """Where a clip that ends before this pause ends."""
        return self._millisecond(min(self.end, self.start + TAIL))

    def _millisecond(self, t: float) -> float:
        """`t` rounded to the millisecond when that stays inside the pause."""
        rounded = round(t, 3)
        return rounded if self.start <= rounded <= self.end else t


def quiet_spans(*sources: Iterable[Span]) -> list[Span]:
    """The union of pause lists, sorted and merged."""
    return merge_spans([span for source in sources for span in source])


class PauseFinder:
    """Finds the pause separating two neighbouring words among known quiet spans."""

    def __init__(self, quiet: Sequence[Span]) -> None:
        self._quiet = list(quiet)
        self._ends = [end for _, end in self._quiet]

    def widest(self, left: float, right: float) -> Span | None:
        """The quiet span overlapping (left, right) the most, clipped to it."""
        best: Span | None = None
        i = bisect_right(self._ends, left)
        while i < len(self._quiet) and self._quiet[i][0] < right:
            a, b = max(self._quiet[i][0], left), min(self._quiet[i][1], right)
            if b > a and (best is None or b - a > best[1] - best[0]):
                best = (a, b)
            i += 1
        return best

    def between(
        self,
        before: Word | None,
        after: Word | None,
        window: Span,
        *,
        source_edge: bool = False,
    ) -> Boundary | None:
        """The pause between `before` and `after`; a missing word means the window's edge on
        that side (`window` is (start, end) of the words' window).

        Acoustic pauses are searched between the two words' middles, so word timings a little
        off still find the pause that separates them. Without one, the gap between the word
        timings is the pause; at a window edge that is not also the source's edge
        (`source_edge`) speech may run on past the window, so only a heard pause counts there.
        """
        left = before.middle if before is not None else window[0]
        right = after.middle if after is not None else window[1]
        heard = self.widest(left, right)
        if heard is not None:
            return Boundary(heard[0], heard[1], quiet=True)
        if (before is None or after is None) and not source_edge:
            return None
        gap_start = before.end if before is not None else window[0]
        gap_end = after.start if after is not None else window[1]
        if gap_end < gap_start:
            return None
        return Boundary(gap_start, gap_end, quiet=False)


# Without pauses, edges sit at loudness minima at least this many seconds apart.
MINIMA_RADIUS = 1.0


def pause_edges(signals: Signals, start: float, end: float) -> tuple[list[float], list[float]]:
    """Start edges just before speech resumes and end edges just after it stops."""
    starts: set[float] = set()
    ends: set[float] = set()
    for pause_start, pause_end in signals.silences:
        before_speech = max(pause_start, pause_end - LEAD_IN)
        after_speech = min(pause_end, pause_start + TAIL)
        if start <= before_speech < end:
            starts.add(before_speech)
        if start < after_speech <= end:
            ends.add(after_speech)
    return sorted(starts), sorted(ends)


def minima_edges(signals: Signals, start: float, end: float) -> list[float]:
    """Local loudness minima (a breath, a beat between words) when nothing is silent enough;
    a regular grid when the loudness is flat."""
    edges: list[float] = []
    for t, value in signals.points_between(start, end):
        around = signals.loudness_between(t - MINIMA_RADIUS, t + MINIMA_RADIUS)
        is_minimum = value <= min(around) and value < max(around)
        if is_minimum and (not edges or t - edges[-1] >= MINIMA_RADIUS):
            edges.append(t)
    if len(edges) < 2:
        count = int((end - start) / MINIMA_RADIUS) + 1
        edges = [start + i * MINIMA_RADIUS for i in range(count) if start + i * MINIMA_RADIUS < end]
    return edges


def signal_edges(signals: Signals, start: float, end: float) -> tuple[list[float], list[float]]:
    starts, ends = pause_edges(signals, start, end)
    if not starts or not ends:
        minima = minima_edges(signals, start, end)
        starts, ends = sorted({*starts, *minima}), sorted({*ends, *minima})
    if start <= 0:
        starts = sorted({0.0, *starts})
    if end >= signals.duration:
        ends = sorted({*ends, signals.duration})
    return starts, ends


# How far an edge may move to reach a pause, and the pause a moved edge prefers.
REACH = 2.0
MIN_PAUSE = 0.25


def snap(
    t: float,
    words: Sequence[Word],
    finder: PauseFinder,
    *,
    start: bool,
    starts: Sequence[float] | None = None,
) -> float:
    """`t` moved to the clip edge of the nearest pause within REACH (a longer pause wins
    over a word gap when both are in reach): any analyzer's edge (Gemini's whole seconds
    included) lands between words, never inside one. An edge already in a pause, or with no
    words in reach, stays. `starts` (the words' start times) saves rebuilding them per call."""
    if not words:
        return t
    i = bisect_right([w.start for w in words], t)
    gap = (
        words[i - 1].end if i > 0 else t - REACH,
        words[i].start if i < len(words) else t + REACH,
    )
    if gap[0] <= t <= gap[1] and gap[1] - gap[0] >= MIN_PAUSE:
        return t  # already in a pause (a beat into applause, say): it stays
    found: list[Boundary] = []
    for j in range(max(0, i - 8), min(len(words), i + 8) + 1):
        before = words[j - 1] if j > 0 else None
        after = words[j] if j < len(words) else None
        window = (before.end if before else t - REACH, after.start if after else t + REACH)
        pause = finder.between(before, after, window, source_edge=True)
        if pause is not None:
            found.append(pause)
    near = [p for p in found if abs(_edge(p, start) - t) <= REACH]
    if not near:
        return t
    long = [p for p in near if p.length >= MIN_PAUSE] or near
    return _edge(min(long, key=lambda p: abs(_edge(p, start) - t)), start)


def _edge(pause: Boundary, start: bool) -> float:
    return pause.start_edge if start else pause.end_edge

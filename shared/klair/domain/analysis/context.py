"""What the windows of one analysis are scored against: a window (its sentences, edges, the
audience reaction it ends into, the arc and core it holds) and the context they share
(signals, transcript, sentences, pauses, cues, the speaker's delivery, reactions, pitch)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from klair.domain.analysis.cues import Cues, cues
from klair.domain.analysis.prosody import Delivery, deliveries
from klair.domain.analysis.reactions import Reaction
from klair.domain.analysis.sentences import Sentence
from klair.domain.analysis.units import reaction_after
from klair.domain.signals import Signals
from klair.domain.transcript import Span, Transcript


@dataclass(frozen=True)
class Window:
    """Sentences `first`..`last` between the clip edges `start` and `end` (seconds)."""

    first: int
    last: int
    start: float
    end: float
    quiet_edges: bool = True
    # The audience's reaction the moment ends a beat into (0: none), and whether the window
    # is a run of whole units (no thought cut off at either end).
    reaction: float = 0.0
    whole_units: bool = False
    # The most complete arc the window holds whole (0–1, see units.arc) and its name.
    arc: float = 0.0
    arc_kind: str = ""
    # The window's core (first, last sentence): the whole units it was cut for; sentences
    # outside it are context added only to reach the shortest allowed length.
    core: tuple[int, int] | None = None

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
    weights: Mapping[str, float]
    reactions: Sequence[Reaction] = ()
    pitch: Sequence[tuple[float, float]] = ()

    @cached_property
    def file_motion(self) -> float:
        return self.signals.activity_between(0.0, self.signals.duration)

    @cached_property
    def cues(self) -> list[Cues]:
        return [cues(s.text) for s in self.sentences]

    @cached_property
    def delivery(self) -> list[Delivery]:
        return deliveries(self.signals, self.sentences, self.pitch)

    @cached_property
    def landed(self) -> list[float]:
        """Per sentence: the strength of the audience's reaction right after it (0: none)."""
        return [
            r.strength if (r := reaction_after(self.sentences, k, self.reactions)) else 0.0
            for k in range(len(self.sentences))
        ]

    def reacted(self, a: float, b: float) -> float:
        """Seconds of audience reaction inside [a, b]: applause is not dead air."""
        return sum(max(0.0, min(b, r.end) - max(a, r.start)) for r in self.reactions)

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

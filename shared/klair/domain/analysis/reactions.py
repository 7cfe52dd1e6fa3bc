"""Audience reactions as a signal: what a reaction is (laughter or applause, its span and
strength) and the rules that tell one, from a loud stretch's acoustic summary, apart from
loud non-speech that must never count as energy (alarms, music, feedback, rumble).

Pure and numpy-free (the domain is imported on cold start); the adapter
`klair.adapters.audio_reactions` measures the features these rules read. Every level rule
is relative to the talk's own speech level, so it holds for quiet and loud recordings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ReactionKind = Literal["laughter", "applause"]
# "tonal": alarms, feedback, music; "noise": broadband but neither reaction (rumble, wind);
# "voice": someone talking without transcript words (neither a reaction nor non-speech).
Verdict = Literal["laughter", "applause", "tonal", "noise", "voice"]

# A reaction is at least this long: a single cough, clap or bang is not an audience reacting.
MIN_DURATION = 0.8
# A stretch counts as loud when its smoothed level is within this many dB of the talk's
# median speech level (room-mic laughter sits 5–15 dB under a close-miked speaker) ...
BELOW_SPEECH_DB = 15.0
# ... and this far above the room's own noise floor, so hiss never qualifies when speech is
# quiet. Both are relative: a recording 20 dB hotter or quieter gives the same decisions.
ABOVE_FLOOR_DB = 12.0
# Energy-weighted octave-band spectral flatness (geometric / arithmetic mean of the power):
# white noise through a Hann window reads ~0.56, a tone or a few harmonics near 0, voiced
# speech 0.03–0.1. Crowds (many unsynchronised voices or hands) are noise-like; anything
# under this is tonal — one or a few stable partials — and no audience.
TONAL_FLATNESS = 0.2
# A dominant spectral peak at the same frequency in at least this share of the loud frames is
# a whine or an alarm even over a noisy room, while flatness is still only moderate.
STABLE_PEAK_SHARE = 0.5
STABLE_PEAK_FLATNESS = 0.3
# Noise centred this low is rumble (wind, handling, HVAC), neither hands nor voices.
RUMBLE_CENTROID_HZ = 200.0
# Laughter is a train of "ha" bursts at 3–7 syllables per second (mean ~4.5 Hz), modulating
# the level deeply; applause from many hands averages into a steady crackle.
LAUGH_RATE_HZ = (3.0, 7.0)
LAUGH_MODULATION = 0.4  # modulation index (depth) in that band; applause reads < 0.2
# Strength: duration saturates at a long reaction of its kind; a reaction as loud as the
# speech itself earns the full level share, one BELOW_SPEECH_DB under it none.
FULL_DURATION = {"laughter": 3.0, "applause": 5.0}
DURATION_WEIGHT = 0.6


@dataclass(frozen=True)
class Reaction:
    """An audience reaction, absolute seconds; `strength` in [0, 1]."""

    start: float
    end: float
    kind: ReactionKind
    strength: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Stretch:
    """A loud stretch not covered by words, summarised by the adapter.

    `level_db`/`speech_db` are mean levels (dBFS) of the stretch and of the talk's speech;
    flatness, centroid and high share are energy-weighted over the stretch's frames;
    `peak_share` is the share of loud frames whose strongest bin is the most common one;
    `modulation_hz`/`modulation` are the frequency of the strongest envelope modulation
    (1.5–16 Hz) and the modulation index in LAUGH_RATE_HZ."""

    start: float
    end: float
    level_db: float
    speech_db: float
    flatness: float
    centroid_hz: float
    high_share: float
    peak_share: float
    modulation_hz: float
    modulation: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def verdict(s: Stretch) -> Verdict:
    """What a loud stretch is: a reaction kind, loud non-speech of some sort, or a voice."""
    if s.flatness < TONAL_FLATNESS:
        # Harmonic but with a wandering pitch and syllable-rate bursts: a voice. Alarms,
        # feedback and held chords keep one peak or a steady level.
        voice = s.peak_share < STABLE_PEAK_SHARE and s.modulation >= LAUGH_MODULATION
        return "voice" if voice else "tonal"
    if s.peak_share >= STABLE_PEAK_SHARE and s.flatness < STABLE_PEAK_FLATNESS:
        return "tonal"
    if s.centroid_hz < RUMBLE_CENTROID_HZ:
        return "noise"
    low, high = LAUGH_RATE_HZ
    if low <= s.modulation_hz <= high and s.modulation >= LAUGH_MODULATION:
        return "laughter"
    return "applause"


def strength(s: Stretch, kind: ReactionKind) -> float:
    """0..1 from how long and how loud (relative to the speech) the reaction is."""
    lasting = min(1.0, s.duration / FULL_DURATION[kind])
    loud = (s.level_db - (s.speech_db - BELOW_SPEECH_DB)) / BELOW_SPEECH_DB
    loud = min(1.0, max(0.0, loud))
    return round(DURATION_WEIGHT * lasting + (1 - DURATION_WEIGHT) * loud, 3)


def reaction(s: Stretch) -> Reaction | None:
    """The reaction a stretch is, if it is one and lasts long enough."""
    kind = verdict(s)
    if kind not in ("laughter", "applause") or s.duration < MIN_DURATION:
        return None
    return Reaction(s.start, s.end, kind, strength(s, kind))


def follows_speech(
    r: Reaction, speech: list[tuple[float, float]], within: float = 1.5
) -> tuple[float, float] | None:
    """The speech span a reaction answers: the last one ending at most `within` seconds before
    it starts. None for a reaction nothing was said before (walk-on or organiser applause),
    which earns nothing."""
    before = [s for s in speech if s[1] <= r.start + 0.25 and r.start - s[1] <= within]
    return max(before, key=lambda s: s[1]) if before else None

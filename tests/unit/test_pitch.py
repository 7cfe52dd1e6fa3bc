"""The speaker's pitch from the audio (autocorrelation per voiced frame) and its range as a
z-score against the speaker's nearby lines: intonation counts as energy, a flat line does
not, noise has no pitch."""

from __future__ import annotations

import numpy as np
import pytest

from klair.adapters.audio_pitch import REFERENCE, track
from klair.domain.analysis.prosody import deliveries
from klair.domain.analysis.sentences import Sentence
from tests.unit.talk_builder import build_talk, words_of

RATE = 16000


def voice(hz: np.ndarray) -> np.ndarray:
    """A voiced sound following `hz` per sample: a fundamental and two harmonics."""
    phase = 2 * np.pi * np.cumsum(hz) / RATE
    return 0.3 * np.sin(phase) + 0.15 * np.sin(2 * phase) + 0.1 * np.sin(3 * phase)


@pytest.mark.parametrize("hz", [90.0, 140.0, 230.0, 350.0])
def test_a_steady_voice_is_tracked_at_its_fundamental(hz: float) -> None:
    found = track(voice(np.full(RATE, hz)), RATE, start=10.0)
    assert len(found) > 40 and all(10.0 <= t <= 11.0 for t, _ in found)
    median = REFERENCE * 2 ** (np.median([st for _, st in found]) / 12)
    assert median == pytest.approx(hz, rel=0.03)  # never an octave off


def test_noise_and_silence_have_no_pitch() -> None:
    noise = np.random.default_rng(0).normal(0, 0.1, RATE)
    assert track(noise, RATE) == []
    assert track(np.zeros(RATE), RATE) == []


def test_a_glide_is_followed() -> None:
    found = track(voice(np.linspace(100.0, 200.0, 2 * RATE)), RATE)
    tones = [st for _, st in found]
    assert tones[-1] - tones[0] == pytest.approx(12.0, abs=1.0)  # one octave


def test_a_line_with_a_wider_pitch_range_stands_out_against_the_speakers_own() -> None:
    talk = build_talk(words_of(" ".join(["The weather was mild today."] * 9)))
    lines = [
        Sentence(first=i, last=i, start=a, end=b, text="x", opens=True, closes=True)
        for i, (a, b) in enumerate(talk.sentences)
    ]
    rng = np.random.default_rng(1)
    pitch = []
    for i, (a, b) in enumerate(talk.sentences):
        spread = 8.0 if i == 4 else 2.0
        pitch += [(t, 20.0 + spread * rng.random()) for t in np.arange(a, b, 0.02)]
    found = deliveries(talk.signals, lines, pitch)
    assert found[4].pitch_z > 2
    assert all(abs(d.pitch_z) < 1.5 for i, d in enumerate(found) if i != 4)
    assert all(d.pitch_z == 0 for d in deliveries(talk.signals, lines))  # no pitch, no term

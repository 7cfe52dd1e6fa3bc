"""Per-criterion scores of the offline analysis, each with evidence, and the one-line reason."""

from __future__ import annotations

import pytest

from klair.domain.analysis.candidates import Request, from_transcript, scored_windows
from klair.domain.analysis.scoring import DEFAULT_WEIGHTS, overall
from tests.unit.talk_builder import Talk, build_talk, words_of

PLAIN = "The weather was mild in the valley this week."


def talk_with(opening: str, *, loud: set[int] | None = None, has_video: bool = True) -> Talk:
    """Plain sentences with `opening` as the fifth and a long pause before it."""
    script = " ".join([PLAIN] * 4 + [opening] + [PLAIN] * 6)
    return build_talk(words_of(script), pauses=[0.8], loud=loud, has_video=has_video)


@pytest.mark.parametrize(
    ("opening", "cue"),
    [
        ("Why do most people get this completely wrong?", "a question"),
        ("Seven hundred people tried this in one month.", "a number"),
        ("This is the biggest mistake you can make.", "a claim"),
    ],
)
def test_a_strong_opening_scores_a_higher_hook_with_its_evidence(opening: str, cue: str) -> None:
    talk = talk_with(opening)
    found = scored_windows(talk.signals, talk.transcript, Request(0, talk.signals.duration, 6, 12))
    start = talk.sentences[4][0]
    strong = max((c for c in found if c.start <= start < c.start + 0.3), key=lambda c: c.score)
    plain = [c for c in found if not c.start <= start < c.start + 0.3]

    assert strong.scores["hook"] >= max(c.scores["hook"] for c in plain) + 8
    assert cue in strong.evidence["hook"][0].text
    assert strong.evidence["hook"][0].at == pytest.approx(start)
    assert cue in strong.reason


def test_a_connective_opening_costs_hook_and_completeness() -> None:
    talk = talk_with("And so the weather was mild in the valley again.")
    found = scored_windows(talk.signals, talk.transcript, Request(0, talk.signals.duration, 6, 12))
    start = talk.sentences[4][0]
    leaning = next(c for c in found if c.start <= start < c.start + 0.3)

    assert leaning.scores["hook"] < 30
    assert leaning.scores["completeness"] <= 80
    assert any("connective" in e.text for e in leaning.evidence["completeness"])


def test_louder_passages_score_more_energy_and_rank_first() -> None:
    talk = talk_with(PLAIN, loud={5, 6})
    found = from_transcript(talk.signals, talk.transcript, Request(0, talk.signals.duration, 6, 12))
    best = max(found, key=lambda c: c.score)

    assert best.start <= talk.sentences[5][0] and talk.sentences[6][1] <= best.end
    assert best.scores["energy"] > 70
    assert "σ" in best.evidence["energy"][0].text  # against the speaker's own lines


def test_every_criterion_has_evidence_inside_the_moment_and_a_one_line_reason() -> None:
    talk = talk_with(PLAIN)
    for c in from_transcript(
        talk.signals, talk.transcript, Request(0, talk.signals.duration, 6, 12)
    ):
        assert set(c.scores) == set(DEFAULT_WEIGHTS)
        for name in c.scores:
            assert c.evidence[name] and all(c.start <= e.at <= c.end for e in c.evidence[name])
        assert c.reason.endswith(".") and "\n" not in c.reason
        assert c.transcript.startswith("The weather")


def test_audio_has_no_visual_criterion_and_dead_air_costs_clarity() -> None:
    talk = build_talk(words_of(" ".join([PLAIN] * 8)), pauses=[0.6, 0.6, 4.0], has_video=False)
    found = scored_windows(talk.signals, talk.transcript, Request(0, talk.signals.duration, 6, 14))

    assert found and all("visual" not in c.scores for c in found)
    with_gap = [
        c for c in found if any("longest pause 4.0" in e.text for e in c.evidence["clarity"])
    ]
    without = [c for c in found if c not in with_gap]
    assert with_gap and without
    assert max(c.scores["clarity"] for c in with_gap) < min(c.scores["clarity"] for c in without)


def test_weights_decide_the_overall_score() -> None:
    scores = {"hook": 90.0, "energy": 10.0, "clarity": 50.0, "completeness": 100.0}
    used = {k: DEFAULT_WEIGHTS[k] for k in scores}

    assert overall(scores, DEFAULT_WEIGHTS) == pytest.approx(
        sum(used[k] * scores[k] for k in used) / sum(used.values()), abs=0.05
    )
    assert overall(scores, {"hook": 1.0}) == 90.0
    assert overall(scores, {"energy": 1.0, "hook": 0.0}) == 10.0

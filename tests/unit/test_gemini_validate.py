"""Turning the model's MM:SS answer into candidates, without any HTTP: timecodes, window and
length rules, overlaps, audio-only scoring, and the two-stage shortlist."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klair.adapters.gemini import timecode
from klair.adapters.gemini.request import ChunkRequest
from klair.adapters.gemini.schema import ChunkAnalysis, EvidenceNote, Moment, Scores
from klair.adapters.gemini.two_stage import shortlist
from klair.adapters.gemini.validate import validate
from klair.domain.analysis.scoring import DEFAULT_WEIGHTS
from klair.domain.clip import Candidate

CHUNK = ChunkRequest(
    media_uri="gs://b/work/job_1/proxy.mp4", start=570, end=1170, min_seconds=15, max_seconds=60
)


def moment(
    start: str,
    end: str,
    hook: int = 70,
    visual: int = 50,
    evidence: list[EvidenceNote] | None = None,
) -> Moment:
    scores = Scores(hook=hook, energy=60, clarity=70, completeness=80, visual=visual)
    return Moment(
        start=start,
        end=end,
        title="t",
        hook="h",
        scores=scores,
        reason="r",
        evidence=evidence or [],
    )


def answer(*moments: Moment) -> ChunkAnalysis:
    return ChunkAnalysis(summary=" s ", topics=["a", " ", "b "], moments=list(moments))


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("00:00", 0.0),
        ("01:05", 65.0),
        ("9:59", 599.0),
        ("12:30.5", 750.5),
        ("75:10", 4510.0),
        ("1:02:03", 3723.0),
        ("42", 42.0),
        ("42.5s", 42.5),
        (" 03:07 ", 187.0),
    ],
)
def test_timecodes_the_model_writes(text: str, seconds: float) -> None:
    assert timecode.parse(text) == seconds


@pytest.mark.parametrize("text", ["", "ab:cd", "5m10s", "01:60", "1:60:00", "-00:05", "1:2:3:4"])
def test_timecodes_that_are_refused(text: str) -> None:
    assert timecode.parse(text) is None


@given(st.integers(min_value=0, max_value=10 * 3600))
def test_mmss_round_trips(seconds: int) -> None:
    assert timecode.parse(timecode.format_mmss(seconds)) == seconds


def test_offsets_are_protobuf_durations() -> None:
    assert [timecode.duration(x) for x in (570, 12.5, 0.0, 1170.25)] == [
        "570s", "12.5s", "0s", "1170.25s",
    ]  # fmt: skip


def test_rounding_at_the_edges_is_clamped_not_dropped() -> None:
    # 10:01 ends one second past a 10:00 excerpt; 00:00-00:14 is 14 s for a 15 s minimum.
    result = validate(answer(moment("09:20", "10:01"), moment("00:00", "00:14")), CHUNK)
    assert sorted((c.start, c.end) for c in result.candidates) == [
        (570.0, 584.0),
        (1130.0, 1170.0),
    ]
    assert result.dropped == {}


def test_end_before_start_is_a_bad_timecode() -> None:
    assert validate(answer(moment("02:00", "01:30")), CHUNK).dropped == {"bad_timecode": 1}


def test_overlapping_moments_keep_the_better_one() -> None:
    weaker, better = moment("01:00", "01:40", hook=40), moment("01:20", "02:00", hook=95)
    result = validate(answer(weaker, better, moment("03:00", "03:30")), CHUNK)
    assert [c.start for c in result.candidates] == [650.0, 750.0]
    assert result.dropped == {"overlap": 1}
    assert result.summary == "s" and result.topics == ["a", "b"]


def _weighed(scores: dict[str, float]) -> float:
    """The offline analyzer's weights over the criteria the model scored."""
    used = {k: DEFAULT_WEIGHTS[k] for k in scores}
    return round(sum(used[k] * scores[k] for k in used) / sum(used.values()), 1)


def test_the_overall_score_uses_the_offline_weights_over_the_models_criteria() -> None:
    [c] = validate(answer(moment("01:00", "01:30", hook=100, visual=0)), CHUNK).candidates
    scores = {"hook": 100, "energy": 60, "clarity": 70, "completeness": 80, "visual": 0}
    assert c.score == _weighed(scores)
    assert c.score > _weighed({**scores, "hook": 50})  # the hook weighs most


def test_audio_jobs_are_not_scored_on_visuals() -> None:
    audio = ChunkRequest(
        media_uri="gs://b/work/j/audio.wav",
        mime_type="audio/wav",
        start=0,
        end=600,
        min_seconds=15,
        max_seconds=60,
    )
    [c] = validate(answer(moment("01:00", "01:30", hook=100, visual=100)), audio).candidates
    assert "visual" not in c.scores
    assert c.score == _weighed({"hook": 100, "energy": 60, "clarity": 70, "completeness": 80})


def test_evidence_outside_the_excerpt_is_ignored_not_fatal() -> None:
    notes = [
        EvidenceNote(at="01:10", criterion="energy", note="laughs"),
        EvidenceNote(at="99:00", criterion="hook", note="stray"),
        EvidenceNote(at="soon", criterion="hook", note="unparseable"),
    ]
    [c] = validate(answer(moment("01:00", "01:30", evidence=notes)), CHUNK).candidates
    assert {k: [e.at for e in v] for k, v in c.evidence.items()} == {"energy": [640.0]}


def test_scores_out_of_range_are_clamped() -> None:
    scores = Scores.model_validate(
        {"hook": 105, "energy": -3, "clarity": 50.6, "completeness": 1, "visual": 0}
    )
    assert scores.model_dump() == {
        "hook": 100, "energy": 0, "clarity": 51, "completeness": 1, "visual": 0,
    }  # fmt: skip


def candidate(start: float, end: float, score: float) -> Candidate:
    return Candidate(start=start, end=end, score=score)


def test_the_shortlist_pads_merges_and_clips_the_best_windows() -> None:
    found = [
        candidate(600, 630, 90),
        candidate(640, 670, 80),  # close to the first: merged with it
        candidate(1120, 1168, 70),  # near the chunk end: clipped to it
        candidate(800, 830, 10),  # not among the best three
    ]
    windows = shortlist(found, size=3, padding=5, start=570, end=1170, max_seconds=60)
    # Each window is widened to the 60 s maximum clip length, and by at least 5 s a side.
    assert windows == [(585.0, 685.0), (1114.0, 1170.0)]

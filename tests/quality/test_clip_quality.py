"""What users judge Klair by, measured on speech with known sentence boundaries and planted
emphatic passages: clips cut in pauses around whole sentences, the planted moments found,
no overlaps or repeats, an accurate transcript, and every score explained."""

from __future__ import annotations

from itertools import pairwise

import pytest

from bench.quality_metrics import word_error_rate
from klair.domain.analysis.lexicon import tokens
from tests.quality.conftest import MAX_SECONDS, MIN_SECONDS, Analyzed

pytestmark = pytest.mark.media

# Clip edges are compared with the generated audio's sample-exact speech spans; this is less
# than one 20 ms audio frame.
EDGE_TOLERANCE = 0.02
RECALL = 0.8
MAX_WER = 0.3
# A planted passage counts as found when one clip holds at least this share of it.
FOUND_SHARE = 0.5


def in_gap(t: float, talk: Analyzed) -> bool:
    return any(a - EDGE_TOLERANCE <= t <= b + EDGE_TOLERANCE for a, b in talk.sample.gaps)


def test_every_clip_edge_falls_inside_a_pause(quality_set: list[Analyzed]) -> None:
    edges = [(t.name, c.id, e) for t in quality_set for c in t.clips for e in (c.start, c.end)]
    outside = [
        (name, clip, edge)
        for talk in quality_set
        for name, clip, edge in edges
        if name == talk.name and not in_gap(edge, talk)
    ]
    assert len(edges) >= 2 * len(quality_set)
    assert outside == []


def test_clips_hold_whole_sentences_only(quality_set: list[Analyzed]) -> None:
    for talk in quality_set:
        for clip in talk.clips:
            for line in talk.sample.sentences:
                inside = clip.start <= line.start and line.end <= clip.end
                outside = line.end <= clip.start or line.start >= clip.end
                assert inside or outside, (talk.name, clip.start, clip.end, line.text)


def test_planted_moments_are_found(quality_set: list[Analyzed]) -> None:
    planted = found = 0
    for talk in quality_set:
        for start, end in talk.sample.emphatic:
            planted += 1
            held = max((min(end, c.end) - max(start, c.start) for c in talk.clips), default=0.0)
            found += held >= FOUND_SHARE * (end - start)
    assert planted >= 6
    assert found / planted >= RECALL, f"found {found} of {planted} planted moments"


def test_no_two_clips_overlap_or_repeat(quality_set: list[Analyzed]) -> None:
    for talk in quality_set:
        spans = sorted((c.start, c.end) for c in talk.clips)
        assert all(a[1] <= b[0] for a, b in pairwise(spans)), talk.name
        texts = [c.transcript for c in talk.clips]
        assert len(set(texts)) == len(texts)
        assert all(MIN_SECONDS - 1e-6 <= c.duration <= MAX_SECONDS + 1e-6 for c in talk.clips)


def test_the_transcript_is_accurate(quality_set: list[Analyzed]) -> None:
    for talk in quality_set:
        rate = word_error_rate(tokens(talk.sample.text), tokens(talk.transcript.text))
        assert rate <= MAX_WER, f"{talk.name}: WER {rate:.2f}"


def test_every_score_has_evidence_and_the_clip_a_reason(quality_set: list[Analyzed]) -> None:
    for talk in quality_set:
        for clip in talk.clips:
            expected = {"hook", "content", "payoff", "energy", "clarity", "completeness"}
            expected |= {"visual"} if talk.signals.has_video else set()
            assert set(clip.scores) == expected
            for criterion in clip.scores:
                evidence = clip.evidence[criterion]
                assert evidence, (talk.name, criterion)
                assert all(clip.start <= e.at <= clip.end and e.text for e in evidence)
            assert clip.reason and "\n" not in clip.reason
            assert clip.transcript


def test_insights_describe_the_talk(quality_set: list[Analyzed]) -> None:
    topics = {"bread": {"bread", "oven", "dough"}, "rockets": {"rocket", "fuel", "orbit"}}
    topics["garden"] = {"tomatoes", "soil", "water", "plant"}
    for talk in quality_set:
        insights = talk.insights
        terms = {w for k in insights.keywords for w in k.term.split()}
        assert terms & topics[talk.name], (talk.name, terms)
        chapters = insights.chapters
        assert chapters[0].start == 0 and chapters[-1].end == talk.signals.duration
        assert all(a.end == b.start for a, b in pairwise(chapters))
        assert insights.quotes
        for quote in insights.quotes:
            assert 4.0 - 1e-6 <= quote.end - quote.start <= 15.0 + 1e-6
            assert in_gap(quote.start, talk) and in_gap(quote.end, talk)
            assert quote.reason and quote.text

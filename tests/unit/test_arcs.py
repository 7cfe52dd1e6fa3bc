"""The analysis' notion of a whole thought: cues read from a sentence, units of sentences that
belong together, arcs (story, question and answer, setup and reaction), delivery against the
speaker's own baseline, and the best set of clips chosen by dynamic programming."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations, pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klair.domain.analysis.candidates import Request, scored_windows
from klair.domain.analysis.cues import cues
from klair.domain.analysis.prosody import deliveries
from klair.domain.analysis.reactions import Reaction
from klair.domain.analysis.selection import best_set, snapped
from klair.domain.analysis.sentences import Sentence
from klair.domain.analysis.units import arc, units
from klair.domain.clip import Candidate
from tests.unit.talk_builder import build_talk, words_of


@pytest.mark.parametrize(
    "text",
    [
        "Can everyone in the back hear me?",
        "Is this microphone on?",
        "Could somebody dim the lights a little?",
        "Before we begin, the wifi password is on the card.",
        "This session is brought to you by our friends at Acme.",
        "Is that a fire drill?",
        "Good morning and thank you so much for having me.",
    ],
)
def test_talk_about_the_event_is_meta_and_worth_little(text: str) -> None:
    found = cues(text)
    assert found.meta
    assert found.interest < 20


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("As you can see on this slide, the numbers go up.", "context"),
        ("I think it might sort of be important, maybe.", "hedges"),
        ("Here is the lesson nobody wants to hear.", "stakes"),
        ("Last summer my brother tried to sail alone.", "story"),
        ("Why do we forget names so fast?", "question"),
    ],
)
def test_cues_an_editor_would_name(text: str, cue: str) -> None:
    assert getattr(cues(text), cue)


def test_substance_outranks_filler_and_filler_outranks_meta_talk() -> None:
    claim = cues("Most people get this completely wrong, and it costs them years.")
    filler = cues("Sleep happens in cycles of about ninety minutes.")
    meta = cues("Can you see the slides from over there?")
    assert claim.interest > filler.interest > meta.interest


def sentence(i: int, text: str, start: float, end: float) -> Sentence:
    return Sentence(first=i, last=i, start=start, end=end, text=text, opens=True, closes=True)


def script(*lines: str, gap: float = 0.8, length: float = 3.0) -> list[Sentence]:
    return [
        sentence(i, text, i * (length + gap), i * (length + gap) + length)
        for i, text in enumerate(lines)
    ]


def grouped(lines: list[Sentence], reactions: tuple[Reaction, ...] = ()) -> list[list[str]]:
    found = [cues(s.text) for s in lines]
    return [
        [s.text for s in lines[u.first : u.last + 1]] for u in units(lines, found, reactions, 60)
    ]


def test_a_story_told_in_the_past_stays_one_unit_and_filler_around_it_does_not_join() -> None:
    lines = script(
        "Coffee contains caffeine.",
        "Last winter my neighbour Tom decided to fix his sleep.",
        "He bought a fancy mattress and a ring that tracked every breath.",
        "Every morning he checked his score before he opened his eyes.",
        "A month later Tom was more tired than ever.",
        "So he put the ring in a drawer.",
        "Naps can help a little.",
    )
    assert grouped(lines) == [
        ["Coffee contains caffeine."],
        [s.text for s in lines[1:6]],
        ["Naps can help a little."],
    ]


def test_a_question_keeps_its_answer_and_an_announcement_its_payoff() -> None:
    lines = script(
        "Why do you feel worse after sleeping in?",
        "Because your body clock shifted by two hours.",
        "The moon is far away.",
        "So here is the one rule to take home.",
        "Get up at the same time every day.",
    )
    assert grouped(lines) == [
        [lines[0].text, lines[1].text],
        [lines[2].text],
        [lines[3].text, lines[4].text],
    ]


def test_meta_talk_and_slide_bound_lines_stand_alone_and_a_reaction_ends_a_unit() -> None:
    lines = script(
        "My doctor told me to sleep eight hours a night.",
        "So now I sleep eight hours a night and I am late for everything.",
        "And then she laughed.",
        "Can everyone in the back hear me?",
        "As you can see on this slide, it goes up.",
    )
    laughter = Reaction(start=lines[1].end + 0.1, end=lines[1].end + 2.5, kind="laughter",
                        strength=0.9)  # fmt: skip
    parts = grouped(lines, (laughter,))
    assert parts[0] == [lines[0].text, lines[1].text]
    assert [lines[3].text] in parts and [lines[4].text] in parts
    found = [cues(s.text) for s in lines]
    landed = [0.0, 0.9, 0.0, 0.0, 0.0]
    first = units(lines, found, (laughter,), 60)[0]
    assert arc(first, found, landed) == (0.9, "a setup and the audience's reaction")


def test_a_unit_longer_than_a_clip_is_cut_at_its_weakest_link() -> None:
    lines = script(*(["He walked on and he kept going."] * 12), length=6.0)
    for part in grouped(lines):
        assert len(part) * 6.8 <= 60 + 6.8


def test_delivery_is_measured_against_the_speakers_own_lines() -> None:
    talk = build_talk(words_of(" ".join(["The weather was mild today."] * 9)), loud={4})
    lines = script(*(["The weather was mild today."] * 9))
    spans = zip(lines, talk.sentences, strict=True)
    found = deliveries(
        talk.signals, [sentence(i, s.text, a, b) for i, (s, (a, b)) in enumerate(spans)]
    )
    assert found[4].loudness_z > 3
    assert all(abs(d.loudness_z) < 1 for i, d in enumerate(found) if i != 4)
    everyone_loud = build_talk(words_of(" ".join(["It was loud."] * 9)), loud=set(range(9)))
    flat = deliveries(everyone_loud.signals, [
        sentence(i, "It was loud.", a, b) for i, (a, b) in enumerate(everyone_loud.sentences)
    ])  # fmt: skip
    assert all(abs(d.loudness_z) < 1 for d in flat)


def test_a_punchline_clip_ends_a_beat_into_the_laughter_and_is_credited() -> None:
    lines = (
        "The weather was mild in the valley. " * 4
        + (
            "My doctor told me to sleep eight hours. "
            "So now I sleep eight hours and I am late for everything. "
        )
        + "The weather was mild in the valley. " * 4
    )
    talk = build_talk(words_of(lines), pauses=[0.8, 0.8, 0.8, 0.8, 0.8, 3.0])
    punchline_end = talk.sentences[5][1]
    laughter = Reaction(start=punchline_end + 0.2, end=punchline_end + 2.8, kind="laughter",
                        strength=1.0)  # fmt: skip
    request = Request(0, talk.signals.duration, 5, 20)
    found = scored_windows(talk.signals, talk.transcript, request, reactions=(laughter,))
    ending = [c for c in found if punchline_end < c.end <= laughter.end]
    assert ending and all(c.end == pytest.approx(punchline_end + 0.2 + 1.5) for c in ending)
    best = max(found, key=lambda c: c.score)
    assert best in ending
    assert best.scores["payoff"] >= 90
    assert "reacts" in best.reason


@dataclass(frozen=True)
class Item:
    start: float
    end: float
    score: float


items = st.lists(
    st.builds(
        lambda a, length, score: Item(a, a + length, score),
        st.floats(0, 50), st.floats(0.5, 15), st.floats(0, 100),
    ),
    max_size=9,
)  # fmt: skip


@settings(deadline=None, max_examples=150)
@given(items, st.integers(1, 4), st.sampled_from([0.0, 3.0]))
def test_best_set_is_the_highest_total_of_disjoint_items(
    pool: list[Item], limit: int, gap: float
) -> None:
    """Against brute force over every subset: no first-fit shortcut."""

    def apart(chosen: tuple[Item, ...]) -> bool:
        ordered = sorted(chosen, key=lambda i: i.start)
        return all(a.end + gap <= b.start + 1e-9 for a, b in pairwise(ordered))

    sets = (c for k in range(limit + 1) for c in combinations(pool, k) if apart(c))
    best = max((sum(i.score for i in c) for c in sets), default=0.0)
    chosen = best_set(pool, limit, gap)
    assert len(chosen) <= limit and apart(tuple(chosen))
    assert sum(i.score for i in chosen) == pytest.approx(best)


def test_first_fit_would_waste_the_set_that_the_best_set_keeps() -> None:
    middle = Item(9, 21, 60)  # the single best, overlapping both others
    left, right = Item(0, 12, 55), Item(18, 30, 55)
    assert best_set([middle, left, right], 2) == [left, right]


def test_any_analyzers_edges_are_snapped_into_pauses_and_edges_in_pauses_stay() -> None:
    talk = build_talk(words_of("One two three four. Five six seven eight. Nine ten eleven."))
    words = talk.words
    first_gap = (talk.sentences[0][1], talk.sentences[1][0])
    mid_word = (words[5].start + words[5].end) / 2  # inside "six"
    moment = Candidate(start=mid_word, end=words[-2].start + 0.05, score=50)  # cuts "ten"

    [moved] = snapped([moment], words, talk.signals.silences)
    [kept] = snapped([moved], words, talk.signals.silences)

    assert first_gap[0] <= moved.start <= first_gap[1]
    assert any(a <= moved.end <= b for a, b in talk.signals.silences)  # the nearest pause
    assert not any(w.start < moved.end < w.end for w in words)
    assert (kept.start, kept.end) == (moved.start, moved.end)

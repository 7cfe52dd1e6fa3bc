"""Offline titles and hook lines: short, from the clip's own words, a question kept a question,
meta-talk never the hook, deterministic; a model's own title kept; clips do not share one."""

from __future__ import annotations

import re

import pytest

from klair.domain.analysis.titles import (
    HOOK_CHARS,
    TITLE_CHARS,
    hook_line_for,
    split_text,
    title_for,
    titled,
    titled_clips,
)
from klair.domain.clip import Candidate, Clip
from klair.domain.ids import clip_id

STORY = (
    "So I was sitting in the airport at three in the morning when my phone buzzed. "
    "It was the pager. The whole site was down and nobody knew why."
)
QUESTION = (
    "Why do most startups fail? It's not the product. "
    "It's that they run out of money before they find customers."
)
CLAIM = (
    "We cut our cloud bill by 70 percent in two weeks. Here is exactly how we did it. "
    "First we looked at idle machines, then at storage nobody had touched in years."
)
JOKE = (
    "My wife asked me to stop acting like a flamingo. So I had to put my foot down. "
    "And that was the end of that conversation."
)
RULE = (
    "The rule is simple. Never deploy on a Friday. "
    "If you deploy on a Friday, you will be working on Saturday."
)
FILLER = (
    "Um, so, you know, basically what we, uh, actually found is that, like, the cache "
    "was really the whole problem. Um, yeah, so that was, uh, basically it."
)
META = (
    "Can everyone hear me? Okay, great. Let me share my screen. "
    "The biggest mistake teams make is measuring output instead of outcomes."
)
SHORT = "Yes it works."
NON_ASCII = (
    "Der Kaffee in München kostet fünf Euro. Ça coûte très cher: naïve café prices are über wild!"
)
UNPUNCTUATED = (
    "and so what we did next was we took the whole thing apart and put it back together "
    "again in a different order and it kind of worked out better than anyone expected really"
)
LONG = "Here is the thing. " + " ".join(["the reliability of the queue matters most"] * 8) + "."
ALL = [STORY, QUESTION, CLAIM, JOKE, RULE, FILLER, META, SHORT, NON_ASCII, UNPUNCTUATED, LONG]


def _words(text: str) -> set[str]:
    """The transcript's words, lower-cased, without the punctuation around them."""
    return {w.strip(".,;:!?…\"'“”‘’()").lower() for w in text.split()}


def _sentences(text: str) -> set[str]:
    return {" ".join(s.split()) for s in split_text(text)}


@pytest.mark.parametrize("text", ALL)
def test_titles_are_short_nonempty_and_made_of_the_clips_words(text: str) -> None:
    title = title_for(text)
    assert title and len(title) <= TITLE_CHARS
    assert 1 <= len(title.split()) <= 8
    assert title == title.strip() and not re.search(r"[,;:.…]$", title)
    spoken = _words(text)
    assert all(w.strip("?").lower() in spoken for w in title.split()), title
    assert not {"um", "uh", "basically", "actually", "really"} & _words(title)


@pytest.mark.parametrize("text", ALL)
def test_hook_lines_are_one_of_the_clips_sentences_within_the_limit(text: str) -> None:
    hook = hook_line_for(text)
    assert hook and len(hook) <= HOOK_CHARS
    assert hook[0].isupper() or not hook[0].isalpha()
    if hook.endswith("…"):  # cut at a word boundary, only when the sentence was too long
        assert hook[:-1].split()[-1] in text
    else:
        assert re.search(r"[.?!]$", hook), "the speaker's ending punctuation is kept"
    spoken = _words(text)
    assert all(w.strip(".,;:!?…").lower() in spoken for w in hook.rstrip("…").split())


@pytest.mark.parametrize("text", ALL)
def test_titles_and_hook_lines_are_deterministic(text: str) -> None:
    assert {(title_for(text), hook_line_for(text)) for _ in range(3)} == {
        (title_for(text), hook_line_for(text))
    }


def test_a_question_hook_stays_a_question() -> None:
    assert hook_line_for(QUESTION) == "Why do most startups fail?"
    assert title_for(QUESTION).endswith("?")
    assert title_for(QUESTION).lower() == "why do most startups fail?"


def test_a_bold_claim_with_a_number_opens_the_clip_and_keeps_its_number() -> None:
    assert hook_line_for(CLAIM) == "We cut our cloud bill by 70 percent in two weeks."
    assert "70" in title_for(CLAIM).split()


def test_a_story_opening_drops_its_warm_up_word() -> None:
    hook = hook_line_for(STORY)
    assert hook.startswith("I was sitting in the airport")  # "So" is not the speaker's point
    # The title is a run of the hook sentence's words ("Three in the Morning When…").
    assert {w.lower() for w in title_for(STORY).split()} <= _words(hook)


def test_meta_talk_and_greetings_are_never_the_hook_line() -> None:
    hook = hook_line_for(META)
    assert hook == "The biggest mistake teams make is measuring output instead of outcomes."
    assert "hear" not in title_for(META).lower()
    welcome = "Welcome back to the channel. Today we talk about the worst bug I ever shipped."
    assert hook_line_for(welcome).startswith("Today")


def test_a_rule_keeps_its_negation_and_a_joke_its_setup() -> None:
    assert title_for(RULE) == "Never Deploy on a Friday"
    assert hook_line_for(JOKE).startswith("My wife asked me")
    assert "Flamingo" in title_for(JOKE) or "Wife" in title_for(JOKE)
    assert "Don't" in title_for("Don't trust a benchmark you didn't run yourself, ever again.")


def test_filler_heavy_speech_is_cleaned_but_stays_the_speakers() -> None:
    hook = hook_line_for(FILLER)
    assert not {"um", "uh"} & _words(hook)
    assert hook.startswith("What we actually found")
    assert "Cache" in title_for(FILLER)


def test_a_very_short_clip_still_gets_a_title() -> None:
    assert title_for(SHORT) == "Yes It Works"
    assert title_for("ok ok ok") == "Ok Ok Ok"  # nothing but fillers: its first words
    assert title_for("") == "" and hook_line_for("") == ""


def test_non_ascii_words_are_kept_as_spoken() -> None:
    title = title_for(NON_ASCII)
    assert {"Café", "Über"} & set(title.split()) or "Naïve" in title
    assert "ç" in hook_line_for(NON_ASCII).lower()


def test_a_long_sentence_is_cut_at_a_word_with_an_ellipsis() -> None:
    hook = hook_line_for(UNPUNCTUATED)
    assert hook.endswith("…") and len(hook) <= HOOK_CHARS
    assert hook.startswith("And so what we did")  # nothing better: the clip's own opening


def test_sentences_given_by_the_caller_are_used() -> None:
    sentences = ["Can you hear me", "Nobody reads the error message"]
    assert hook_line_for("ignored", sentences) == "Nobody reads the error message"


def _candidate(text: str, **fields: str) -> Candidate:
    return Candidate(start=192.0, end=220.0, score=50, transcript=text, **fields)


def test_titled_fills_only_what_is_empty() -> None:
    model = _candidate(QUESTION, title="The startup graveyard", hook_line="Money, not product.")
    assert titled(model) is model
    half = titled(_candidate(QUESTION, title="The startup graveyard"))
    assert (half.title, half.hook_line) == ("The startup graveyard", "Why do most startups fail?")


def test_a_moment_without_words_is_named_by_its_passage_and_time() -> None:
    quiet = Candidate(start=192.0, end=220.0, score=40, reason="Lively passage (+2.1 LU), x")
    assert (titled(quiet).title, titled(quiet).hook_line) == ("Lively passage at 3:12", "")
    assert titled(Candidate(start=5.0, end=20.0, score=40)).title == "Moment at 0:05"


def test_clips_of_a_repetitive_talk_do_not_share_a_hook_line() -> None:
    text = "This is the most important part so listen carefully. Take a breath and think."
    clips = [Clip(**_candidate(text).model_dump(), id=clip_id(rank), rank=rank) for rank in (2, 1)]
    second, first = titled_clips(clips)
    assert (first.rank, second.rank) == (1, 2)  # order kept
    assert first.hook_line == "This is the most important part so listen carefully."
    assert second.hook_line != first.hook_line and second.title != first.title
    assert {first.hook_line, second.hook_line} <= _sentences(text)

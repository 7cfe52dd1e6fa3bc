"""Offline titles and hook lines: extractive, from the clip's own words. The hook line is the
clip's opening sentence when it asks or claims something, else its most quotable sentence; the
title is that sentence when it is a short question or statement, else its key content words.
A model analyzer's own title and hook line are kept; these only fill what it left empty."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import TypeVar

from klair.domain.analysis.lexicon import (
    CLAIM_WORDS,
    CONNECTORS,
    STOPWORDS,
    is_number,
    is_terminal,
    shorten,
    tokens,
)
from klair.domain.clip import Candidate, Clip


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


HOOK_CHARS = 120
TITLE_CHARS = 60
TITLE_WORDS = 6  # content words in a title made of the clip's key words
SHORT_TITLE_WORDS = 7  # a statement this short is its own title
TITLE_SPAN = 8  # words in a key-phrase title
# Sounds, not words: dropped wherever they are, from hook lines too.
DISFLUENCIES = _words("um umm uh uhh er erm ah hmm mm")
# Hedges and warm-ups at the front of a sentence: "Okay, so the secret is…".
LEAD_FILLERS = DISFLUENCIES | _words("okay ok so well basically actually honestly anyway alright")
# Fillers dropped anywhere in a title ("like" and "well" stay: "acting like a flamingo").
FILLERS = DISFLUENCIES | _words("so basically actually really literally honestly")
FILLER_PAIRS = frozenset({("you", "know"), ("i", "mean")})
# Words that flip a statement: a title must keep "don't" in "don't deploy on Fridays".
NEGATIONS = _words(
    "not no never nobody nothing none don't doesn't didn't isn't aren't can't cannot won't "
    "shouldn't wouldn't"
)
CONTRAST = NEGATIONS | _words("instead but yet however")
# Words that never carry a title on their own.
_NOT_CONTENT = STOPWORDS | FILLERS | CONTRAST
GREETINGS = _words("hi hello hey welcome greetings thanks")
# Talk about the talk, not its content: never a hook line (matched as word runs).
META_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "you hear me", "everyone hear me", "everybody hear me", "see my screen",
        "share my screen", "is this on", "is this working", "next slide", "this slide",
        "the mic", "microphone", "where was i", "any questions", "bear with me",
        "give me a second", "just a second", "good morning", "good afternoon", "good evening",
        "thank you", "thanks for", "welcome back", "welcome to", "let's get started",
        "let us get started", "let's begin", "like and subscribe", "subscribe",
        "see you next time", "housekeeping", "before we begin", "before we start",
    )
)  # fmt: skip
# Small words lower-cased inside a title ("The Cost of a Bad Deploy").
MINOR = _words("a an the and but or nor of to in on at by for with as vs via")
_EDGE = re.compile(r"^[^\w$£€%]+|[^\w%?!]+$")
_ABBREVIATION = re.compile(r"(?:\w\.)+\w")
_ENDING = re.compile(r"[.?!…]+[\"')\]”’]*$")

C = TypeVar("C", bound=Candidate)


def split_text(text: str) -> list[str]:
    """Sentences of a transcript's text, cut after each word ending in . ? ! or …"""
    sentences: list[str] = []
    current: list[str] = []
    for word in text.split():
        current.append(word)
        if is_terminal(word):
            sentences.append(" ".join(current))
            current = []
    if current:
        sentences.append(" ".join(current))
    return sentences


def _bare(word: str) -> str:
    """A word without the punctuation around it ("“Never,”" → "Never"; "?", "!", "a.m." kept)."""
    core = _EDGE.sub("", word)
    return core + "." if _ABBREVIATION.fullmatch(core) and word.endswith(".") else core


def _key(word: str) -> str:
    return _bare(word).lower().replace("’", "'").rstrip("?!.")


def _drop_fillers(words: list[str]) -> list[str]:
    """`words` without fillers, and two-word fillers such as "you know"."""
    kept: list[str] = []
    i = 0
    while i < len(words):
        pair = (_key(words[i]), _key(words[i + 1])) if i + 1 < len(words) else None
        if pair in FILLER_PAIRS:
            i += 2
            continue
        if _key(words[i]) not in FILLERS:
            kept.append(words[i])
        i += 1
    return kept


def _clean(sentence: str) -> str:
    """The sentence without its "um"s and from its first word that is not a warm-up,
    capitalised ("Um, so the secret is, uh, timing." → "The secret is, timing."); the
    speaker's words otherwise as spoken, the ending punctuation kept."""
    words: list[str] = []
    for word in sentence.split():
        if _key(word) not in DISFLUENCIES:
            words.append(word)
        elif words and word.endswith(",") and words[-1].endswith(","):
            words[-1] = words[-1][:-1]  # "we, uh, found" → "we found"
    while words and (_key(words[0]) in LEAD_FILLERS or not _key(words[0])):
        words.pop(0)
    if len(words) >= 2 and (_key(words[0]), _key(words[1])) in FILLER_PAIRS:
        return _clean(" ".join(words[2:]))
    text = " ".join(words)
    ending = _ENDING.search(sentence.strip())
    if text and ending and not _ENDING.search(text):
        text = text.rstrip(",;:—– ") + ending.group()  # the dropped "um." ended the sentence
    return text[:1].upper() + text[1:]


def _end(sentence: str) -> str:
    """The sentence's last punctuation mark, behind any closing quote ("…why?”" → "?")."""
    return sentence.rstrip().rstrip("\"')]”’")[-1:]


def is_meta(sentence: str) -> bool:
    """Talk about the talk (a mic check, the slides), a greeting or a sign-off."""
    words = tokens(sentence)
    if not words or words[0] in GREETINGS:
        return True
    return any(tuple(words[i : i + len(p)]) == p for p in META_PHRASES for i in range(len(words)))


def _usable(sentence: str) -> bool:
    """A sentence that stands on its own: three words or more, not meta-talk, not leaning on
    what came before ("And so…")."""
    words = tokens(sentence)
    return len(words) >= 3 and not is_meta(sentence) and words[0] not in CONNECTORS


def _is_claim(sentence: str) -> bool:
    words = tokens(sentence)
    strong = any(w in CLAIM_WORDS or is_number(w) for w in words)
    return strong or _end(sentence) == "!"


def quotability(sentence: str) -> float:
    """How well a sentence stands alone as a quote: short, declarative, with a strong word,
    a number or a contrast; questions, long sentences and connector openings score lower."""
    words = tokens(sentence)
    n = len(words)
    score = 2.0 if 5 <= n <= 18 else 1.0 if 3 <= n <= 25 else -1.0
    score += 1.0 if _end(sentence) in (".", "!", "…") else 0.0
    score += 1.0 if _end(sentence) == "!" else 0.0
    score += 2.0 * min(2, len({w for w in words if w in CLAIM_WORDS}))
    score += 2.0 if any(is_number(w) for w in words) else 0.0
    score += 1.0 if any(w in CONTRAST for w in words) else 0.0
    score -= 2.0 if words and words[0] in CONNECTORS else 0.0
    score -= 3.0 if is_meta(sentence) else 0.0
    return score


def _hook_sentence(sentences: Sequence[str], avoid: Collection[str] = ()) -> str:
    """The opening sentence if it asks or claims, else the most quotable usable sentence
    (earliest on ties), else the first sentence that is not meta-talk, else the first.
    Sentences whose hook line is in `avoid` (another clip's) are passed over while others
    remain, so two clips of a repetitive talk do not share a title."""
    cleaned = [s for s in (_clean(s) for s in sentences) if s]
    if not cleaned:
        return ""
    fresh = [s for s in cleaned if shorten(s, HOOK_CHARS) not in avoid] or cleaned
    first = cleaned[0]
    if first in fresh and _usable(first) and (_end(first) == "?" or _is_claim(first)):
        return first
    usable = [s for s in fresh if _usable(s)]
    if usable:
        return max(usable, key=lambda s: (quotability(s), -cleaned.index(s)))
    return next((s for s in fresh if not is_meta(s)), fresh[0])


def hook_line_for(
    text: str, sentences: Sequence[str] | None = None, avoid: Collection[str] = ()
) -> str:
    """The clip's hook line, at most HOOK_CHARS characters (cut at a word with "…");
    `sentences` are the text's sentences when the caller has them, `avoid` hook lines
    already given to other clips."""
    return shorten(
        _hook_sentence(split_text(text) if sentences is None else sentences, avoid), HOOK_CHARS
    )


def _title_case(words: Sequence[str]) -> str:
    """Each word capitalised as in a headline; words spoken with capitals ("iPhone", "GPU")
    and abbreviations ("a.m.") are left as they are."""
    out = []
    for n, word in enumerate(words):
        if n > 0 and word.lower() in MINOR:
            out.append(word.lower())
        elif word.islower() and word[:1].isalpha() and "." not in word:
            out.append(word[:1].upper() + word[1:])
        else:
            out.append(word)
    return " ".join(out)


def _is_content(word: str) -> bool:
    key = _key(word)
    if key in NEGATIONS or key in CLAIM_WORDS or is_number(key):
        return True
    return len(key) >= 3 and key not in _NOT_CONTENT


def _best_span(words: Sequence[str]) -> list[str]:
    """The run of at most TITLE_SPAN words (TITLE_CHARS characters) that starts and ends on
    a content word and holds the most of them; a strong word or a number, then a shorter
    and an earlier run, break ties. Empty when the words hold no content word."""
    content = [_is_content(w) for w in words]
    best: tuple[tuple[int, bool, int, int], list[str]] | None = None
    for i in (i for i, c in enumerate(content) if c):
        for j in range(i, min(len(words), i + TITLE_SPAN)):
            span = list(words[i : j + 1])
            if len(" ".join(span)) > TITLE_CHARS:
                break
            if not content[j]:
                continue
            strong = any(_key(w) in CLAIM_WORDS or is_number(_key(w)) for w in span)
            merit = (sum(content[i : j + 1]), strong, -len(span), -i)
            if best is None or merit > best[0]:
                best = (merit, span)
    return best[1] if best else []


def _phrase(sentence: str) -> list[str]:
    """The sentence's words without fillers or the punctuation around them."""
    return [w for w in (_bare(w) for w in _drop_fillers(sentence.split())) if w]


def title_for(
    text: str, sentences: Sequence[str] | None = None, avoid: Collection[str] = ()
) -> str:
    """A short title from the clip's words, taken from its hook sentence: the sentence itself
    when it is a short question (kept a question) or a short statement, else its richest
    run of content words, else the clip's key words, else its first words. Empty only
    when the clip has no words."""
    words = _phrase(_hook_sentence(split_text(text) if sentences is None else sentences, avoid))
    if words and words[-1].endswith("?") and len(" ".join(words)) <= TITLE_CHARS:
        return _title_case([*words[:-1], words[-1].rstrip("?!") + "?"])
    plain = [w for w in (w.rstrip("?!") for w in words) if w]
    if 3 <= len(plain) <= SHORT_TITLE_WORDS and len(" ".join(plain)) <= TITLE_CHARS:
        return _title_case(plain)
    span = _best_span(plain)
    if sum(_is_content(w) for w in span) >= 2:
        return _title_case(span)
    everything = [w for w in (w.rstrip("?!") for w in _phrase(text)) if w]
    key = list(dict.fromkeys(w for w in everything if _is_content(w)))
    # The leading words that fit: `shorten` cuts at a word, and a title has no ellipsis.
    fitted = shorten(" ".join(key[:TITLE_WORDS] or everything[:TITLE_SPAN]), TITLE_CHARS + 1)
    return _title_case(fitted.removesuffix("…").split())


def _clock(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m // 60}:{m % 60:02d}:{s:02d}" if m >= 60 else f"{m}:{s:02d}"


def titled(candidate: C, avoid: Collection[str] = ()) -> C:
    """The candidate with an empty title and hook line filled from its own transcript
    (`avoid`: hook lines other clips have); a moment without words (the signals-only
    analysis) is named by its reason and start, and has no hook line."""
    title, hook_line = candidate.title, candidate.hook_line
    if candidate.transcript.strip():
        title = title or title_for(candidate.transcript, avoid=avoid)
        hook_line = hook_line or hook_line_for(candidate.transcript, avoid=avoid)
    elif not title:
        kind = re.split(r"[(,;]", candidate.reason)[0].strip() or "Moment"
        title = shorten(f"{kind} at {_clock(candidate.start)}", TITLE_CHARS)
    if (title, hook_line) == (candidate.title, candidate.hook_line):
        return candidate
    return candidate.model_copy(update={"title": title, "hook_line": hook_line})


def titled_clips(clips: Sequence[Clip]) -> list[Clip]:
    """Every clip `titled`, in the same order; the best-ranked choose first, and a later
    clip passes over a sentence an earlier one already took as its hook line."""
    taken: list[str] = []
    done: dict[str, Clip] = {}
    for clip in sorted(clips, key=lambda c: c.rank):
        done[clip.id] = titled(clip, avoid=taken)
        taken.append(done[clip.id].hook_line)
    return [done[c.id] for c in clips]

"""How the analysis reads text: tokens, stopwords, and the cues of a strong opening line."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_TERMINAL = re.compile(r"[.?!…]+[\"')\]]*$")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _words(
    """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each few for from further get gets got had hadn't has hasn't
    have haven't having he he'd he'll he's her here here's hers herself him himself his how how's
    i i'd i'll i'm i've if in into is isn't it it's its itself just let let's like me more most
    much must mustn't my myself no nor not now of off on once one only or other ought our ours
    ourselves out over own really right same say says said shan't she she'd she'll she's should
    shouldn't so some such than that that's the their theirs them themselves then there there's
    these they they'd they'll they're they've thing things this those through to too under until
    up us very was wasn't way we we'd we'll we're we've well were weren't what what's when
    when's where where's which while who who's whom why why's will with won't would wouldn't yeah
    yes yet you you'd you'll you're you've your yours yourself yourselves going gonna want know
    think see look lot okay ok um uh oh actually just kind sort maybe
    """
)

# A first line that asks, claims, counts or addresses the viewer makes people stay.
QUESTION_OPENERS = _words(
    "why how what who when where which do does did is are can could should would will have"
)
# Strong words only: "every", "real" or "only" are too common in plain talk to signal a claim.
CLAIM_WORDS = _words(
    """
    best worst most least never always everyone everything nobody nothing secret secrets
    truth mistake mistakes biggest huge important surprising incredible amazing crazy shocking
    ultimate proven wrong fastest easiest hardest reveal
    """
)
NUMBER_WORDS = _words(
    """
    two three four five six seven eight nine ten eleven twelve twenty thirty fifty hundred
    thousand million billion percent half double triple
    """
)
# A sentence opening with one of these leans on something said before the clip starts.
CONNECTORS = _words("and but so because or then which also plus anyway otherwise")
ADDRESS_WORDS = _words("you your you're you'll yourself")


def tokens(text: str) -> list[str]:
    """Lower-case words and numbers, apostrophes kept inside words."""
    return _TOKEN.findall(text.lower().replace("’", "'"))


def content_words(text: str) -> list[str]:
    """Tokens that carry meaning: no stopwords, no bare numbers, at least three letters."""
    return [t for t in tokens(text) if len(t) >= 3 and t not in STOPWORDS and not t.isdigit()]


def is_terminal(word: str) -> bool:
    """Does this word end a sentence (., ?, ! or …, possibly followed by a closing quote)?"""
    return _TERMINAL.search(word.strip()) is not None


def is_number(token: str) -> bool:
    return token.isdigit() or token in NUMBER_WORDS or any(c.isdigit() for c in token)


def shorten(text: str, limit: int = 80) -> str:
    """`text` on one line, cut at a word boundary with an ellipsis when longer than `limit`."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"

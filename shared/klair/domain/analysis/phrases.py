"""The phrase lists the cues read sentences with (klair.domain.analysis.cues): talk about
the event, hedges, slide-bound lines, stakes, story openings, announcements, sequels, advice
verbs, the irregular past tense. Matched as whole words after `lexicon.tokens`."""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


def _phrases(text: str) -> tuple[str, ...]:
    """Comma-separated phrases, over as many lines as they take."""
    return tuple(p.strip() for p in text.replace("\n", ",").split(",") if p.strip())


# About the event, the room or the talk itself: nobody shares these.
META = _phrases(
    """
    hear me, is this on, the mic, microphone, can you see the, the slides, next slide,
    the projector, the clicker, technical difficult~, bear with me, one second,
    give me a second, where was i, lost my place, the wifi, wi-fi, password, restroom,
    bathroom, lunch, coffee break, the break, housekeeping, the agenda, the schedule,
    this session, next session, next talk, next speaker, question and answer,
    questions at the end, feedback form, the survey, the recording, being recorded,
    fire drill, fire alarm, the alarm, a drill, evacuat~, sponsor, brought to you by,
    promo code, discount code, percent off, use the code, use code, link in the description,
    dot com slash, subscribe, good morning, good afternoon, good evening, welcome everyone,
    welcome to, for having me, thank you so much, thank you all, thanks everyone,
    thanks for coming, great to be here, happy to be here, my name is, thank you very much,
    thanks so much, enjoy the rest, see you next time, the lights, can somebody, can someone,
    could somebody, could someone, come back to, in a few minutes, the next part, moving on,
    let us talk, let's talk, let us move, let's move, let us turn, let's turn,
    later in this talk, in this talk, before we start, before we begin, move on,
    how much time, time i have left, out of time, have time for, where were we, back to the
    """
)


# Hedges: the speaker is unsure, and a clip of it sounds unsure.
HEDGES = _phrases(
    """
    i think, i guess, i suppose, maybe, perhaps, probably, sort of, kind of, not sure,
    i don't know, it depends, more or less, in a way, to some extent, might be, could be,
    possibly, somewhat
    """
)


# Lines that only make sense with the slide or an earlier part of the talk in view.
CONTEXT = _phrases(
    """
    as you can see, you can see here, this slide, the slide, this chart, this graph,
    this diagram, this table, this picture, on the screen, up here, over here, right here,
    as i said, as i mentioned, like i said, as mentioned, earlier, i showed
    """
)


# Stakes, lessons and payoffs: the line a clip is cut for.
STAKES = _phrases(
    """
    the lesson, the secret, the truth, the key, the trick, the rule, the mistake,
    the problem, the reason, the one thing, the real, here is, here's, turns out,
    the surprising, surprising, counter, most people, remember, take home, the answer, never,
    always, to sum up, in summary, in conclusion, to wrap up, the takeaway, take away,
    the bottom line, the moral, my advice, if you remember, one thing to remember,
    most important, myth, wrong
    """
)


# The openings of a story being told: a time, a person, the first person in the past.
STORY = _phrases(
    """
    last year, last winter, last summer, last spring, last autumn, last week, last month,
    years ago, one day, once upon, when i was, the first time, i remember, back in, my first,
    my friend, my neighbour, my neighbor, my brother, my sister, my father, my mother,
    my dad, my mom, my wife, my husband, my boss, my grandmother, my grandfather
    """
)


# A line announcing its payoff ("here is the one rule", "the lesson is"): it opens a unit and
# leads into the next line, whatever connective starts it ("so here is…").
ANNOUNCES = _phrases(
    """
    to sum up, in summary, in conclusion, to wrap up, the takeaway, the bottom line,
    my advice, if you remember, if you take, here is, here's, one rule, the rule is,
    the lesson is, the point is, the secret is, the key is, the trick is, take home,
    remember this, one thing
    """
)


# Openings that carry a story on from the line before ("a week later…", "then…").
SEQUEL = _phrases(
    """
    then, later, after that, afterwards, the next day, the next morning, the next week,
    a week later, a day later, a month later, a year later, weeks later, days later,
    months later, years later, eventually, finally, suddenly, that night, that day,
    that morning, the following, in the end
    """
)


# The past tense beyond the regular "-ed": a line told in the past belongs with its neighbours
# told in the past (a story), not with present-tense facts or plans.
IRREGULAR_PAST = frozenset(
    _words(
        """
        was were had did could went came saw said told bought took made got gave found thought knew
        felt left put ran sat stood began became wrote spent sent kept slept swam brought built
        caught fell heard held lost met paid sold taught threw understood won drove flew grew
        drew wore woke broke chose spoke forgot rode rose sang shook stole struck swore tore
        """
    )
)


# Verbs that open advice when they open a sentence ("get up at the same time", "never skip"):
# a takeaway the viewer can act on.
ADVICE = frozenset(
    _words(
        """
        get stop start try make take keep never always don't do remember write talk feed pay
        speak ask give put use go be avoid focus read eat drink move build charge water call
        listen learn practice practise find save spend invest choose leave check turn plan tell
        show walk run sit stand wake trust forget ignore change cut add drop skip measure treat
        """
    )
)


NOT_PAST = frozenset({"need", "needed", "indeed", "speed", "seed", "feed", "bed", "red", "based"})


CONTRAST = frozenset({"but", "yet", "instead", "actually", "however", "although", "except"})


# Pronouns that point back to something said before (a line that continues a thought).
ANAPHORA = frozenset(
    {"he", "she", "they", "it", "that", "this", "these", "those", "his", "her", "their", "there"}
)

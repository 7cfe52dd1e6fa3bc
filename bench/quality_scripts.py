"""Scripts of the clip-quality set: a seeded talk is a sequence of blocks — planted
highlights from a topic template, distractors (meta-talk, sponsor reads, hedging,
repetition, slide-dependent filler, loud non-content sounds) and generated filler — each
line carrying the speaker profile's espeak-ng amplitude and speed."""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench.quality_topics import Topic

HIGHLIGHTS = ("hook", "story", "punchline", "lesson", "closing")
# The sound that follows a highlight's last line, and that is part of the highlight.
REACTION = {"punchline": "laughter", "lesson": "applause"}
META = (
    "Can everyone in the back hear me?", "Can you see the slides from over there?",
    "Is that a fire drill?", "Could somebody dim the lights a little?",
    "Let me just check how much time I have left.", "Is the microphone on? Hello?",
)  # fmt: skip
LOGISTICS = (
    "Lunch will be served in the main hall right after this session.",
    "The coffee break has moved to three thirty.",
    "Please remember to collect your badge at the front desk.",
    "The slides will be online after the conference.",
)
SPONSOR = (
    "This session is brought to you by Northwind Cloud, hosting for serious teams.",
    "Visit the Northwind booth for a free trial and a very comfortable tote bag.",
)
HEDGES = (
    "I mean, it kind of depends, you know, on a lot of things.",
    "This is probably not exactly right, but it is more or less the idea, I guess.",
    "Sort of, in a way, it is maybe a bit like that, more or less.",
)
SLIDE_FILLER = (
    "As you can see on this slide, the numbers go up here and down there.",
    "This chart on the left shows it, and the one on the right shows the rest.",
    "If you look at this part of the slide, you can see what I mean.",
)
GREETINGS = ("Hello everyone, thank you so much for having me here today.",)
FILLER = (
    "Let us talk a little bit about {n}.", "There are several ways to think about {n}.",
    "We will come back to {n} in a few minutes.", "A lot of people ask me about {n}.",
    "Now, {n} is a topic with many different parts.", "I want to say a few words on {n}.",
    "Next, we move on to {n} for a moment.", "Some of this also applies to {n}.",
    "I have been thinking about {n} for quite a while.", "Many books have been written on {n}.",
    "Keep {n} in mind for the next part.", "This brings us to the question of {n}.",
    "Opinions about {n} differ from place to place.", "We touched on {n} earlier today.",
    "There is more to say about {n} than we have time for.", "So that was {n}, more or less.",
)  # fmt: skip
# Loud sounds that are not content, with what the speaker says after them (or nothing).
NOISES = (
    ("alarm", "Is that a fire drill? Okay, it stopped, let us carry on."),
    ("music", "Sorry, that was the music for the next session."),
    ("feedback", "Ouch, sorry about that, is this better now?"),
)
PROFILES = ("normal", "monotone", "energetic")


@dataclass(frozen=True)
class Line:
    text: str
    amplitude: int
    speed: int


@dataclass(frozen=True)
class Block:
    """A run of lines (and sounds) with one label: a highlight kind, a distractor kind, or
    "filler". `before`/`after` name a synthesised sound played before/after the lines."""

    kind: str
    lines: tuple[Line, ...]
    highlight: bool = False
    before: str | None = None
    after: str | None = None


def voice(profile: str, role: str, rng: random.Random) -> tuple[int, int]:
    """espeak-ng (amplitude, words per minute) of one line said by a speaker profile."""
    if profile == "monotone":
        return 55 + rng.randint(-3, 3), 150 + rng.randint(-3, 3)
    if profile == "energetic":
        return rng.randint(150, 180), rng.randint(180, 195)
    amplitude = 70 + rng.randint(-10, 10)
    amplitude += {"hook": 25, "punchline": 15, "story": -15, "meta": 45, "sponsor": 25}.get(role, 0)
    return amplitude, 160 + rng.randint(-10, 10)


class Writer:
    """Builds one talk's blocks from a topic, a speaker profile and a seed."""

    def __init__(self, topic: Topic, profile: str, seed: int) -> None:
        self.topic, self.profile, self.rng = topic, profile, random.Random(seed)
        self.facts = list(topic.facts)
        self.rng.shuffle(self.facts)
        self.used: set[str] = set()

    def block(self, kind: str, texts: tuple[str, ...] | list[str], **extra: object) -> Block:
        lines = tuple(Line(t, *voice(self.profile, kind, self.rng)) for t in texts)
        return Block(kind, lines, **extra)  # type: ignore[arg-type]

    def highlight(self, kind: str) -> Block:
        texts = {
            "hook": self.topic.hook, "story": self.topic.story, "punchline": self.topic.joke,
            "lesson": self.topic.lesson, "closing": self.topic.closing,
        }[kind]  # fmt: skip
        return self.block(kind, texts, highlight=True, after=REACTION.get(kind))

    def filler(self, count: int) -> Block:
        texts = []
        for _ in range(count):
            if self.facts and self.rng.random() < 0.5:
                texts.append(self.facts.pop())
                continue
            for _ in range(50):
                text = self.rng.choice(FILLER).format(n=self.rng.choice(self.topic.nouns))
                if text not in self.used:
                    break
            self.used.add(text)
            texts.append(text[0].upper() + text[1:])
        return self.block("filler", texts)

    def distractor(self, kind: str) -> Block:
        rng = self.rng
        if kind in ("alarm", "music", "feedback"):
            said = dict(NOISES)[kind]
            return self.block(kind, [said], before=kind)
        if kind == "repetition":
            fact = rng.choice(self.topic.facts)
            return self.block(kind, [fact, f"Again, {fact[0].lower()}{fact[1:]}"])
        pools = {"meta": META, "logistics": LOGISTICS, "sponsor": SPONSOR}
        pools |= {"hedging": HEDGES, "slide": SLIDE_FILLER}
        pool = pools[kind]
        return self.block(kind, rng.sample(pool, min(2, len(pool))))

    def talk(self, blocks_between: int) -> list[Block]:
        """Walk-on applause and greeting, then each highlight (closing last) between runs of
        filler and distractors; about `blocks_between` filler blocks per gap."""
        kinds = list(HIGHLIGHTS[:-1])
        self.rng.shuffle(kinds)
        kinds.append("closing")
        noise = [n for n, _ in NOISES]
        others = ["meta", "logistics", "sponsor", "hedging", "slide", "repetition"]
        distractors = noise + others
        self.rng.shuffle(distractors)
        blocks = [self.block("greeting", list(GREETINGS), before="walk-on")]
        for kind in kinds:
            for _ in range(blocks_between):
                blocks.append(self.filler(self.rng.randint(2, 4)))
                if distractors and self.rng.random() < 0.7:
                    blocks.append(self.distractor(distractors.pop()))
            blocks.append(self.highlight(kind))
        blocks += [self.distractor(d) for d in distractors[:2]]
        blocks.append(self.block("logistics", ["Thank you very much, enjoy the rest of the day."]))
        return blocks

"""HELD-OUT talks of the clip-quality set: three topics and their own distractor pools,
used only by `python -m bench.quality --heldout` (specs: bench/quality_set.py HELDOUT).

Whoever tunes Klair's clip selection should NOT read this file, the held-out talks'
truth.json or their transcripts: the set exists to check that tuning on the main talks
generalises. Its texts are deliberately written in other words than bench/quality_topics.py
and bench/quality_scripts.py (other hooks, story openings, lesson and closing phrasings,
meta-talk, logistics, sponsor reads, hedges, slide filler, greetings, filler templates).

HeldoutWriter mirrors bench.quality_scripts.Writer with these pools; it is a subclass here
rather than a change to quality_scripts.py because the cache key of every talk hashes that
file, and the main talks' media must not be regenerated.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.quality_scripts import HIGHLIGHTS, NOISES, Block, Writer
from bench.quality_topics import Topic

MEMORY = Topic(
    "memory",
    (
        "Your memory of your own wedding day is almost certainly wrong in some detail.",
        "Each time you recall a memory, the brain rebuilds it from pieces and quietly edits it.",
    ),
    (
        "Picture a crowded café by the station in Bologna, and a waiter named Marco.",
        "Tables of twelve shouted their orders at once, and Marco never wrote a thing down.",
        "One evening some psychology students tried to beat him with the longest order they "
        "could invent.",
        "He brought every plate to the right person, down to the extra lemon.",
        "As they paid, one student asked him what the woman by the window had eaten.",
        "Marco looked at the empty chair and laughed, because he had no idea anymore.",
        "His trick was never remembering more, it was letting each table go the moment it paid.",
    ),
    (
        "My grandmother says her memory is just as sharp as it was at twenty.",
        "She tells me so every time I visit, usually four or five times an hour.",
    ),
    (
        "It sounds backwards, but rereading your notes is one of the weakest ways to learn.",
        "Closing the book and struggling to recall the page, even when you fail, makes it stick.",
    ),
    (
        "Tonight, try one small thing for me.",
        "Before you sleep, retell the three best ideas of your day without looking at any notes.",
    ),
    (
        "Short term memory holds only a handful of items at a time.",
        "The hippocampus plays a central part in forming new memories.",
        "Sleep helps the brain store what was learned during the day.",
        "Smells are often linked to very old memories.",
        "Practice spread over several days is usually remembered longer.",
        "Memory tends to change slowly as people get older.",
    ),
    ("short term memory", "the hippocampus", "study habits", "names and faces", "old photos",
     "forgetting"),
)  # fmt: skip

RUNNING = Topic(
    "running",
    (
        "What do the fastest marathon runners do on most of their training days?",
        "They run slowly, so slowly that they could chat with a friend the whole way.",
    ),
    (
        "Three years ago my colleague Priya signed up for a marathon with four months to train.",
        "She bought bright orange shoes and ran every single session as hard as she could.",
        "By the second month her knees ached, her times got worse, and she dreaded every run.",
        "An old coach at her club watched her for a week and gave her one strange instruction.",
        "Run so slowly that you feel a little embarrassed, and push hard only once a week.",
        "She felt silly jogging past people walking their dogs, but the pain slowly went away.",
        "On race day she beat her goal by twenty minutes and smiled through the last mile.",
    ),
    (
        "My running app congratulated me on a brand new record this morning.",
        "Apparently nobody has ever taken that long to run five kilometres.",
    ),
    (
        "Believe it or not, you get fitter on the days you do not run.",
        "Muscles only rebuild stronger while they rest, so a plan without rest days makes you "
        "slower.",
    ),
    (
        "When you lace up tomorrow, remember just this.",
        "Go easy enough to talk on most runs, and add only a little distance from week to week.",
    ),
    (
        "A marathon is a little over forty two kilometres long.",
        "Running shoes are usually replaced after several hundred kilometres.",
        "A warm up raises the heart rate gradually before a run.",
        "Many runners track their pace with a watch or a phone.",
        "Hills make the leg muscles work harder than flat ground.",
        "Drinking enough water matters more on hot days.",
    ),
    ("running shoes", "the training plan", "interval sessions", "the long run", "stretching",
     "race day"),
)  # fmt: skip

CITIES = Topic(
    "cities",
    (
        "Building more roads makes traffic worse, not better.",
        "New lanes invite new drivers, and within a few years the jams are just as long again.",
    ),
    (
        "The day my uncle became mayor of our small town, he promised to save the main street.",
        "Half the shops had closed, and the only crowd was the pigeons outside the bank.",
        "Everyone expected a new car park, since people said there was nowhere to stop.",
        "Instead he closed it to cars for one summer and put out benches and food stalls.",
        "The shop owners were furious and called him a fool in the local paper.",
        "By August you had to squeeze between the tables on a Saturday evening.",
        "Three shops reopened that autumn, and the owners begged him to keep it.",
    ),
    (
        "Our city council spent two whole years planning a new bike lane.",
        "It opened last week, and it is already the most popular parking spot in town.",
    ),
    (
        "What keeps a street safe is not cameras or fences, it is people looking out of "
        "windows.",
        "Busy shop fronts and front doors facing the pavement do more than any patrol car.",
    ),
    (
        "Next time you choose where to live, use a single test.",
        "If you cannot walk to bread and a coffee within ten minutes, keep looking.",
    ),
    (
        "More than half of the world's people now live in cities.",
        "Most cities are divided into districts for planning.",
        "Public buses usually follow fixed routes and timetables.",
        "Parks cover part of the land in most city centres.",
        "Building rules limit how tall houses can be in some areas.",
        "Many cities collect rubbish once or twice a week.",
    ),
    ("public transport", "the city centre", "housing", "the parks", "the bus network",
     "zoning rules"),
)  # fmt: skip

TOPICS = (MEMORY, RUNNING, CITIES)


@dataclass(frozen=True)
class Pools:
    """The non-highlight wording of a talk: distractor pools, greetings, filler templates,
    what is said after each noise, repetition lead-ins and the final thanks."""

    meta: tuple[str, ...]
    logistics: tuple[str, ...]
    sponsor: tuple[str, ...]
    hedges: tuple[str, ...]
    slide: tuple[str, ...]
    greetings: tuple[str, ...]
    filler: tuple[str, ...]
    noises: tuple[tuple[str, str], ...]  # same sound names as quality_scripts.NOISES
    again: tuple[str, ...]  # repetition lead-ins, "{}" the repeated fact
    thanks: tuple[str, ...]


FILLER = (
    "Let me spend a minute on {n}.", "There is a lot going on with {n}.",
    "I will not go too deep into {n} today.", "People often have questions about {n}.",
    "We could spend a whole afternoon on {n}.", "{n} is worth a closer look.",
    "Let us stay with {n} a little longer.", "I want to tie this back to {n}.",
    "Most of you have some experience with {n}.", "There is a long history behind {n}.",
    "And then, of course, there is {n}.", "We will get to {n} again later on.",
    "{n} looks different depending on who you ask.", "Another angle on this is {n}.",
    "That is roughly the picture for {n}.", "I could talk about {n} for hours.",
)  # fmt: skip


POOLS = Pools(
    meta=(
        "Sorry, the clicker has stopped working, give me a second.",
        "Hang on, the screen just went blue on my side.",
        "Could someone at the desk turn the volume up a touch?",
        "Are the lights going to stay this bright the whole time?",
        "Wave at me if the sound cuts out over there.",
        "Oh, the laptop has gone to sleep, one moment please.",
        "Let me step closer to the microphone, is that any better?",
    ),
    logistics=(
        "A quick reminder that the wifi password is printed on the back of your badge.",
        "The cloakroom closes at six, so please pick up your coats before then.",
        "The afternoon workshops are on the second floor, next to the lifts.",
        "Dinner tonight starts at eight in the hotel across the square.",
        "If you parked in the garage, reception can stamp your ticket.",
    ),
    sponsor=(
        "Today's programme is supported by Harbor Analytics, dashboards your team will "
        "actually open.",
        "Stop by the Harbor Analytics stand near the entrance, they have coffee and a prize draw.",
        "And thanks as always to Bluepeak Insurance for covering the venue this year.",
    ),
    hedges=(
        "Well, you could argue it either way, I suppose, it is hard to say really.",
        "Take this with a pinch of salt, I am not totally sure about it, to be honest.",
        "It is one of those things where, well, maybe yes and maybe no.",
        "Honestly, I do not really know, it could go a few different ways.",
    ),
    slide=(
        "On this next one, the blue bars are the ones to watch, and the grey ones are the rest.",
        "If you look at the top corner here, that little dot is where it happens.",
        "This diagram says it better than I can, so just take a second to look at it.",
        "See this line going up, and then flattening out over here on the right?",
    ),
    greetings=(
        "Good morning, it is really lovely to see so many of you in the room.",
        "Hi all, and thanks to the organisers for inviting me along today.",
    ),
    filler=FILLER,
    noises=(
        ("alarm", "Right, apparently that was only a test of the alarm, so where was I."),
        ("music", "Whoops, someone next door is rehearsing, we will just ignore that."),
        ("feedback", "Wow, sorry, the microphone really did not like me for a second there."),
    ),
    again=("To say it once more, {}", "Just to repeat, {}", "In other words, {}"),
    thanks=("That is all from me, thanks for listening, and have a good afternoon.",),
)


class HeldoutWriter(Writer):
    """Writer with other wording for everything that is not a highlight (same structure:
    walk-on and greeting, highlights in seeded order with the closing last, filler and one
    of each distractor kind in between)."""

    def __init__(self, topic: Topic, profile: str, seed: int, pools: Pools = POOLS) -> None:
        super().__init__(topic, profile, seed)
        self.pools = pools
        assert [n for n, _ in pools.noises] == [n for n, _ in NOISES]

    def filler(self, count: int) -> Block:
        texts = []
        for _ in range(count):
            if self.facts and self.rng.random() < 0.5:
                texts.append(self.facts.pop())
                continue
            for _ in range(50):
                text = self.rng.choice(self.pools.filler).format(
                    n=self.rng.choice(self.topic.nouns)
                )
                if text not in self.used:
                    break
            self.used.add(text)
            texts.append(text[0].upper() + text[1:])
        return self.block("filler", texts)

    def distractor(self, kind: str) -> Block:
        rng, pools = self.rng, self.pools
        if kind in dict(pools.noises):
            return self.block(kind, [dict(pools.noises)[kind]], before=kind)
        if kind == "repetition":
            fact = rng.choice(self.topic.facts)
            again = rng.choice(pools.again).format(f"{fact[0].lower()}{fact[1:]}")
            return self.block(kind, [fact, again])
        pool = {
            "meta": pools.meta, "logistics": pools.logistics, "sponsor": pools.sponsor,
            "hedging": pools.hedges, "slide": pools.slide,
        }[kind]  # fmt: skip
        return self.block(kind, rng.sample(pool, min(2, len(pool))))

    def talk(self, blocks_between: int) -> list[Block]:
        kinds = list(HIGHLIGHTS[:-1])
        self.rng.shuffle(kinds)
        kinds.append("closing")
        noise = [n for n, _ in self.pools.noises]
        distractors = [*noise, "meta", "logistics", "sponsor", "hedging", "slide", "repetition"]
        self.rng.shuffle(distractors)
        greeting = self.rng.choice(self.pools.greetings)
        blocks = [self.block("greeting", [greeting], before="walk-on")]
        for kind in kinds:
            for _ in range(blocks_between):
                blocks.append(self.filler(self.rng.randint(2, 4)))
                if distractors and self.rng.random() < 0.7:
                    blocks.append(self.distractor(distractors.pop()))
            blocks.append(self.highlight(kind))
        blocks += [self.distractor(d) for d in distractors[:2]]
        blocks.append(self.block("logistics", [self.rng.choice(self.pools.thanks)]))
        return blocks

"""Topic templates of the clip-quality set: per topic, the planted highlights (hook, story,
joke, counter-intuitive lesson, closing rule) and plain informative filler, written so each
highlight makes sense on its own and the filler does not."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    name: str
    hook: tuple[str, ...]  # a question or bold claim, then its answer
    story: tuple[str, ...]  # a self-contained story, 25–45 s spoken
    joke: tuple[str, ...]  # setup lines, the last one the punchline (laughter follows)
    lesson: tuple[str, ...]  # counter-intuitive lesson (applause follows)
    closing: tuple[str, ...]  # the rule to take home
    facts: tuple[str, ...]  # dull but on-topic filler
    nouns: tuple[str, ...]  # for generated filler


SLEEP = Topic(
    "sleep",
    (
        "Why do you feel worse after sleeping in on Sunday?",
        "Because your body clock shifted by two hours, so Monday morning feels like jet lag.",
    ),
    (
        "Last winter my neighbour Tom decided to fix his sleep once and for all.",
        "He bought a fancy mattress, blackout curtains and a ring that tracked every breath.",
        "Every morning he checked his sleep score before he even opened his eyes.",
        "After a month the score was perfect, and Tom was more tired than ever.",
        "He was lying awake worrying about the number on the ring.",
        "So he put the ring in a drawer and went to bed at the same time every night.",
        "Two weeks later he slept like a baby, and he never looked at that score again.",
    ),
    (
        "My doctor told me to sleep eight hours a night.",
        "So now I sleep eight hours a night and I am late for everything.",
    ),
    (
        "Here is the surprising part: trying harder to sleep keeps you awake.",
        "If you cannot sleep, get up, because the bed must mean sleep and nothing else.",
    ),
    (
        "So here is the one rule to take home.",
        "Get up at the same time every single day, even on weekends.",
    ),
    (
        "Adults usually need between seven and nine hours of sleep.",
        "Sleep happens in cycles of roughly ninety minutes.",
        "Light in the evening delays the release of melatonin.",
        "Caffeine stays in the blood for several hours after a coffee.",
        "Room temperature also plays a part in how well people sleep.",
        "Naps can help, although long naps can make the night harder.",
    ),
    ("sleep cycles", "melatonin", "the bedroom", "caffeine", "naps", "alarm clocks"),
)

STARTUPS = Topic(
    "startups",
    (
        "Most startups do not die because of competition.",
        "They die because they build something nobody wanted in the first place.",
    ),
    (
        "In my first company we spent nine months building a beautiful scheduling app.",
        "We had animations, themes and a logo that cost more than my car.",
        "On launch day we invited everyone we knew and waited for the sign ups.",
        "Eleven people signed up, and seven of them were my relatives.",
        "So I finally called the three strangers and asked what they actually needed.",
        "All three said the same thing: they just wanted a shared calendar for their team.",
        "We threw away the app, built that calendar in two weeks, and it paid our salaries.",
    ),
    (
        "Our investor asked for a hockey stick growth chart.",
        "So we turned the chart upside down and called it a walking cane.",
    ),
    (
        "Here is the lesson nobody likes: charge money from the very first day.",
        "Free users tell you what they like, paying users tell you the truth.",
    ),
    (
        "If you remember one rule, make it this one.",
        "Talk to ten customers before you write a single line of code.",
    ),
    (
        "Many founders start by writing a short business plan.",
        "Early funding often comes from friends, family or small investors.",
        "A minimum viable product is a first version with only the core features.",
        "Teams usually review their metrics every week.",
        "Hiring the first employees is a slow and careful process.",
        "Some companies grow without taking any outside money.",
    ),
    ("the product", "the roadmap", "investors", "the pitch deck", "pricing", "the team"),
)

OCEANS = Topic(
    "oceans",
    (
        "What covers most of our planet but is less mapped than the surface of Mars?",
        "The deep ocean floor, where we have detailed maps of only about a quarter of it.",
    ),
    (
        "On my first research cruise we lowered a camera four kilometres down.",
        "For hours the screen showed nothing but black water and drifting specks.",
        "Then a strange pale fish swam right up to the lens and stared at us.",
        "Nobody on the ship could name it, not even the professor.",
        "We sent the video to experts in three countries that same night.",
        "A week later the answer came back: it was a species no one had ever filmed alive.",
        "I still keep a printed picture of that fish above my desk.",
    ),
    (
        "I asked the captain why the sea is salty.",
        "He said it is because the fish never learned to cook without salt.",
    ),
    (
        "Here is the twist: most of the oxygen you breathe comes from the ocean, not forests.",
        "Tiny plankton in the sea produce about half of the oxygen on Earth.",
    ),
    (
        "So the rule is simple.",
        "Whatever you pour down the drain ends up in the sea, so treat your sink like a beach.",
    ),
    (
        "The ocean covers about seventy percent of the planet.",
        "Water pressure rises with every ten metres of depth.",
        "Currents move heat from the tropics toward the poles.",
        "Coral reefs grow very slowly over many years.",
        "Sound travels faster in water than in air.",
        "Research ships often stay at sea for several weeks.",
    ),
    ("currents", "the sea floor", "plankton", "coral reefs", "research ships", "tides"),
)

MONEY = Topic(
    "money",
    (
        "Is it smarter to pay off your debt or to invest your savings?",
        "If the debt costs more interest than the investment earns, pay the debt first, always.",
    ),
    (
        "When my sister got her first job she made a spreadsheet of every single expense.",
        "She tracked coffee, bus tickets and even the chewing gum at the counter.",
        "After three months the spreadsheet had four hundred rows and she hated it.",
        "Then she noticed that three rows were bigger than all the others combined.",
        "Rent, her car loan and a gym she had not visited since January.",
        "She cancelled the gym, refinanced the car, and deleted the spreadsheet.",
        "She saved more that year than in all the years of tracking chewing gum.",
    ),
    (
        "My bank sent me a letter saying my account was overdrawn.",
        "So I wrote back saying the same about their patience.",
    ),
    (
        "Here is the counter intuitive part: a bigger salary rarely makes people save more.",
        "Spending rises with income, so the habit matters more than the amount.",
    ),
    (
        "So here is the one rule.",
        "Pay yourself first: move the savings out on payday, before you can spend it.",
    ),
    (
        "A budget lists expected income and expenses for a month.",
        "Interest rates change how much a loan costs over time.",
        "An emergency fund usually covers a few months of expenses.",
        "Index funds hold many companies at the same time.",
        "Banks charge fees for some kinds of transfers.",
        "Taxes are usually taken out before the salary arrives.",
    ),
    ("the budget", "interest rates", "savings accounts", "loans", "index funds", "taxes"),
)

LANGUAGES = Topic(
    "languages",
    (
        "Children are not better at learning languages than adults.",
        "Adults actually learn grammar faster, children just get far more hours of practice.",
    ),
    (
        "When I moved to Lisbon I had studied Portuguese from books for two years.",
        "On my first morning I walked into a bakery and confidently ordered bread.",
        "The baker answered so fast that I understood exactly none of it.",
        "I nodded, paid, and walked out with a cake big enough for a wedding.",
        "So I went back every morning and ordered one new thing each day.",
        "By the end of the month the baker and I were chatting about football.",
        "That bakery taught me more Portuguese than my two years of books.",
    ),
    (
        "I told my teacher I wanted to be fluent in French by Friday.",
        "She said sure, but which Friday, and in which century.",
    ),
    (
        "Here is the surprise: making mistakes out loud is the fastest way to learn.",
        "Every correction you hear is remembered far better than a page you read.",
    ),
    (
        "So take home just one rule.",
        "Speak the language for ten minutes every day, even if it is only to yourself.",
    ),
    (
        "Most languages have a few thousand very common words.",
        "Grammar books usually start with the present tense.",
        "Listening practice helps with the rhythm of a language.",
        "Many learners use flash cards to review vocabulary.",
        "Pronunciation differs a lot between regions.",
        "Reading simple texts builds vocabulary over time.",
    ),
    ("vocabulary", "grammar", "pronunciation", "flash cards", "the verbs", "listening"),
)

GARDENS = Topic(
    "gardens",
    (
        "Why do the best tomatoes grow in the worst soil?",
        "Because a little stress makes the plant put its sugar into the fruit instead of leaves.",
    ),
    (
        "My grandfather grew the same row of beans for fifty years.",
        "Every spring he saved the biggest seeds and planted them by the fence.",
        "One year a storm knocked the fence down and flattened the whole row.",
        "We were sure the beans were finished, and he said nothing for a week.",
        "Then he tied every broken stem to a broom handle with strips of an old shirt.",
        "By August that row gave the biggest harvest the family had ever seen.",
        "He said plants forgive almost anything, except being forgotten.",
    ),
    (
        "I asked my neighbour how his garden grows so well.",
        "He said he talks to his plants, but mostly he complains about mine.",
    ),
    (
        "Here is the counter intuitive lesson: water less often, but much more deeply.",
        "Shallow daily watering keeps roots lazy near the surface, deep watering sends them down.",
    ),
    (
        "So here is the rule to take home.",
        "Feed the soil, not the plant, and the plant will take care of itself.",
    ),
    (
        "Most vegetables need at least six hours of sunlight.",
        "Compost adds organic matter to the soil.",
        "Seeds are often started indoors in early spring.",
        "Some plants need support as they grow taller.",
        "Mulch helps the soil keep its moisture.",
        "Crop rotation changes what grows in each bed every year.",
    ),
    ("compost", "the seedlings", "the raised beds", "mulch", "the watering can", "the soil"),
)

TOPICS = (SLEEP, STARTUPS, OCEANS, MONEY, LANGUAGES, GARDENS)

"""Scripts of the quality set: calm talks with planted emphatic passages (louder, faster,
exclaimed) whose times the generator reports, so tests know where the best moments are."""

from __future__ import annotations

from klair.cli.sample import Line

CALM = {"amplitude": 55, "speed": 160}
LOUD = {"amplitude": 170, "speed": 185}


def _talk(*parts: tuple[str, ...] | str) -> tuple[Line, ...]:
    """Plain strings are calm lines; a tuple of strings is one planted emphatic passage."""
    lines: list[Line] = []
    for part in parts:
        if isinstance(part, str):
            lines.append(Line(part, **CALM))
        else:
            lines.extend(Line(text, **LOUD) for text in part)
    return tuple(lines)


BREAD = _talk(
    "Good morning and welcome to the kitchen.",
    "Today we are going to bake a simple loaf of bread.",
    "First we mix flour, water, salt and a little yeast.",
    "The dough should feel soft and slightly sticky.",
    "Cover the bowl with a clean towel.",
    "Let it rest in a warm place for about an hour.",
    "While we wait, let me tell you about the oven.",
    "A hot oven gives the crust a deep golden color.",
    "Many bakers put a tray of water on the bottom shelf.",
    (
        "Never skip the second rise!",
        "This one step changes everything about your bread!",
        "Trust me, you will taste the difference!",
    ),
    "After the first rise, we shape the dough into a ball.",
    "Fold the edges toward the middle and turn it over.",
    "Place it in a basket dusted with flour.",
    "Now it needs another forty minutes to rise.",
    "Meanwhile, we heat the oven as high as it goes.",
    "A sharp knife helps us score the top of the loaf.",
    "The cuts let the bread open up as it bakes.",
    "Bake it until the bottom sounds hollow when you tap it.",
    (
        "This is the most important secret of all!",
        "Do not open the oven door while it bakes!",
        "The whole loaf can collapse in seconds!",
    ),
    "Then let it cool on a rack before slicing.",
    "Warm bread is hard to resist, but patience pays off.",
    "Thank you for baking with me today.",
)

ROCKETS = _talk(
    "Hello everyone, today we talk about rockets.",
    "A rocket carries its own fuel and its own oxygen.",
    "That is why it can fly where there is no air at all.",
    "The engine burns the fuel and pushes hot gas downward.",
    "The gas goes one way and the rocket goes the other way.",
    "Engineers call this the principle of action and reaction.",
    "Most of a rocket is simply a very large fuel tank.",
    (
        "Here is the crazy part!",
        "Almost all of that fuel is burned in the first few minutes!",
        "It is an incredible amount of energy!",
    ),
    "After the first stage is empty, it falls away.",
    "A smaller second stage keeps climbing toward orbit.",
    "To stay in orbit, you must move sideways very fast.",
    "You are always falling, but you keep missing the ground.",
    "The station above us circles the planet every ninety minutes.",
    "Astronauts there see many sunrises in a single day.",
    "Coming home is just as hard as going up.",
    "The capsule slows down by rubbing against the air.",
    (
        "The heat shield gets hotter than a furnace!",
        "Without it the crew would not survive!",
        "That shield is the real hero of every flight!",
    ),
    "Parachutes open near the end to soften the landing.",
    "Some boosters now fly back and land on their own.",
    "That makes every launch much cheaper than before.",
    "Thanks for watching, and keep looking up.",
)

GARDEN = _talk(
    "Welcome to the garden on this quiet spring afternoon.",
    "Have you ever wondered why some tomatoes grow so tall?",
    "It mostly comes down to sunlight, water and good soil.",
    "Tomatoes love at least six hours of direct sun.",
    "We water them deeply but not every single day.",
    "Deep watering helps the roots grow down into the ground.",
    "A layer of straw keeps the soil cool and moist.",
    "It also stops weeds from taking over the bed.",
    (
        "Do not water the leaves!",
        "Wet leaves are the biggest mistake gardeners make!",
        "They invite disease into the whole plant!",
    ),
    "Instead, water the soil gently at the base of each plant.",
    "Next, let us look at how to support the stems.",
    "A tall wooden stake works well for most varieties.",
    "Tie the stem loosely with a soft strip of cloth.",
    "As the plant grows, add another tie higher up.",
    "Small side shoots appear between the stem and the branches.",
    "Some gardeners pinch them off to get bigger fruit.",
    "Others leave them alone for a larger harvest.",
    (
        "Now for the best part of the whole season!",
        "Pick them when they are warm from the sun!",
        "Nothing from a shop tastes this good!",
    ),
    "Store ripe tomatoes on the counter, never in the fridge.",
    "Cold air takes away much of their flavor.",
    "Thank you for joining me in the garden today.",
)

TALKS = {"bread": BREAD, "rockets": ROCKETS, "garden": GARDEN}

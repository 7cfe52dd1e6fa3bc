"""Export choices: allowed values, caption events from word timings, variant names."""

from __future__ import annotations

from itertools import pairwise

import pytest

from klair.domain.caption_events import caption_events
from klair.domain.errors import InvalidInput
from klair.domain.export_options import (
    ExportRequest,
    parse_aspects,
    parse_caption_style,
    variant_key,
    variant_stem,
)
from klair.domain.job import JobOptions
from klair.domain.transcript import Word


def test_unknown_choices_are_refused_with_the_allowed_values() -> None:
    assert parse_aspects(["9:16", "source", "9:16"]) == ("9:16", "source")
    assert parse_aspects(["4:5"]) == ("4:5",)
    with pytest.raises(InvalidInput) as aspect:
        parse_aspects(["4:3"])
    assert aspect.value.code == "unknown_aspect_ratio"
    assert aspect.value.details["allowed"] == ["source", "9:16", "4:5", "1:1", "16:9"]
    with pytest.raises(InvalidInput) as style:
        parse_caption_style("neon")
    assert style.value.details["allowed"] == ["clean", "bold", "karaoke"]
    with pytest.raises(ValueError, match="allowed: source, 9:16, 4:5, 1:1, 16:9"):
        JobOptions(aspect_ratios=("4:3",))


def test_variant_names() -> None:
    assert variant_key("9:16", None) == "9:16"
    assert variant_key("9:16", "karaoke") == "9:16+karaoke"
    assert variant_stem("9:16+karaoke") == "9x16-karaoke"
    spec = ExportRequest(aspect_ratios=("1:1", "9:16"), caption_style="bold").spec((), 720, "s")
    assert list(spec.variants) == ["1:1+bold", "9:16+bold"]
    assert spec.max_short_side == 720


def test_caption_events_keep_word_timings_relative_to_the_clip() -> None:
    text = "So here is the thing. Nobody tells you this part, and it matters a lot."
    words = [
        Word(start=100 + i * 0.4, end=100 + i * 0.4 + 0.3, text=t)
        for i, t in enumerate(text.split())
    ]
    events = caption_events(words, 100.0, 106.0)
    assert events[0].text == "So here is the thing."
    assert events[0].words[0].start == pytest.approx(0.0)
    assert all(len(e.text) <= 32 and e.end - e.start <= 3.5 for e in events)
    assert all(a.end <= b.start + 1e-6 for a, b in pairwise(events))
    assert [w.text for e in events for w in e.words] == [w.text for w in words if w.end <= 106]

"""`klair run`'s flags become the job's options: a preset fills in what the flags leave out,
and a flag given explicitly wins over it."""

from __future__ import annotations

from pathlib import Path

import pytest

from klair.cli.run import RunRequest, job_options
from klair.domain.errors import InvalidInput


def options(**flags: object) -> tuple[object, ...]:
    chosen = job_options(RunRequest(source="talk.mp4", out=Path("out"), **flags))  # type: ignore[arg-type]
    return chosen.aspect_ratios, chosen.min_clip_seconds, chosen.max_clip_seconds, chosen.preset


def test_without_a_preset_the_flags_defaults_hold() -> None:
    assert options() == (("source",), 15, 60, None)
    assert options(length="10-30", aspect=("9:16",)) == (("9:16",), 10, 30, None)


def test_a_preset_fills_in_what_the_flags_leave_out() -> None:
    assert options(preset="reels") == (("9:16",), 15, 90, "reels")
    assert options(preset="linkedin")[0] == ("4:5",)


def test_flags_given_win_over_the_preset() -> None:
    assert options(preset="reels", length="20-40", aspect=("1:1",)) == (("1:1",), 20, 40, "reels")


def test_an_unknown_preset_is_refused_with_the_allowed_names() -> None:
    with pytest.raises(InvalidInput) as refused:
        job_options(RunRequest(source="talk.mp4", out=Path("out"), preset="myspace"))

    assert refused.value.code == "unknown_preset"
    assert "tiktok" in str(refused.value.details)

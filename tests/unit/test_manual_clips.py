"""Manual clips (`POST /api/klair/export` with `ranges`): the range checks and their codes,
edges snapped into pauses, and a clip scored and explained like a detected one."""

from __future__ import annotations

import pytest

from klair.domain import naming
from klair.domain.analysis.edges import quiet_spans
from klair.domain.analysis.manual import (
    MAX_RANGES,
    ClipRange,
    Lengths,
    check_ranges,
    score_range,
    snapped_range,
)
from klair.domain.clip import Clip
from klair.domain.errors import InvalidInput
from klair.domain.events import ClipSelected
from klair.domain.ids import ClipId, JobId
from klair.domain.media import MediaInfo
from klair.domain.signals import Signals
from klair.domain.status import JobStatus as S
from klair.domain.transcript import Transcript, Word
from klair.entry import wire
from klair.handlers.steps.artifacts import transcript_files
from tests.unit.api_world import ALICE, World, make_world

PIPELINE = (S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING)
LINES = [
    "Here is the thing nobody tells you about starting out.",
    "You will fail at first, and that is fine.",
    "The secret is to keep going when it hurts the most!",
    "So what did I learn from ten years of this?",
    "Honestly, that patience beats talent every single time.",
    "And that is the whole story.",
]
DURATION = 60.0


def _talk() -> tuple[Transcript, Signals]:
    """Sentences of 0.4 s words, each followed by a 1.2 s silence."""
    words, silences, speech, t = [], [], [], 1.0
    for line in LINES:
        began = t
        for text in line.split():
            words.append(Word(start=round(t, 3), end=round(t + 0.35, 3), text=text))
            t += 0.4
        speech.append((round(began, 3), round(t - 0.05, 3)))
        silences.append((round(t - 0.05, 3), round(t + 1.2, 3)))
        t += 1.2
    loudness = [(i / 10, -20.0 if any(a <= i / 10 < b for a, b in silences) else -18.0)
                for i in range(int(DURATION * 10))]  # fmt: skip
    signals = Signals(duration=DURATION, loudness=loudness, silences=silences, scenes=[12.0])
    return Transcript(start=0, end=DURATION, words=words, speech=speech), signals


def test_each_bad_range_has_its_code() -> None:
    lengths = Lengths()

    def code(*ranges: tuple[float, float], within: Lengths = lengths) -> str:
        with pytest.raises(InvalidInput) as refused:
            check_ranges([ClipRange(start=a, end=b) for a, b in ranges], DURATION, within)
        return refused.value.code

    assert code((10, 10)) == "range_start_after_end"
    assert code((12, 4)) == "range_start_after_end"
    assert code((50, 61)) == "range_outside_source"
    assert code((-1, 5)) == "range_outside_source"
    assert code((10, 12)) == "range_too_short"
    assert code((0, 59), within=Lengths(max_seconds=30, preset="tiktok")) == "range_too_long"
    assert code(*[(0, 5)] * (MAX_RANGES + 1)) == "too_many_ranges"
    assert code() == "no_ranges"
    check_ranges([ClipRange(start=0, end=DURATION)], DURATION, lengths)  # the whole source


def test_edges_move_into_the_nearest_pause() -> None:
    transcript, signals = _talk()
    quiet = quiet_spans(signals.silences, transcript.pauses())
    inside_words = ClipRange(start=4.5, end=15.3)  # both inside a word
    a, b = snapped_range(inside_words, transcript.words, quiet, DURATION, Lengths())
    assert (a, b) != (4.5, 15.3)
    assert all(not (w.start < t < w.end) for w in transcript.words for t in (a, b))
    assert any(s <= a <= e for s, e in signals.silences)
    assert any(s <= b <= e for s, e in signals.silences)


def test_a_manual_range_is_scored_and_explained_like_a_detected_clip() -> None:
    transcript, signals = _talk()
    found = score_range(signals, transcript, (5.6, 17.3), {"hook": 1, "clarity": 1})
    assert 0 < found.score <= 100
    assert {"hook", "clarity", "completeness", "energy"} <= set(found.scores)
    assert found.evidence["clarity"] and found.reason.endswith(".")
    assert found.transcript.startswith("You will fail") and found.title
    silent = score_range(signals, None, (5.6, 17.3), {})
    assert silent.reason and set(silent.scores) == {"energy", "clarity", "visual"}


@pytest.fixture
def world() -> World:
    return make_world()


def finished_talk(world: World) -> str:
    job_id = world.submit(ALICE)
    world.move(job_id, *PIPELINE, source_object=f"sources/{job_id}/source.mp4")
    transcript, signals = _talk()
    blobs, job = world.deps.blobs, JobId(job_id)
    blobs.put_bytes(transcript_files(job)["json"], transcript.model_dump_json().encode())
    blobs.put_bytes(naming.work(job, naming.SIGNALS), signals.model_dump_json().encode())
    media = MediaInfo(duration=DURATION, container="mp4", video_codec="h264", width=640, height=360)
    detected = Clip(id=ClipId("clip_01"), rank=1, start=40.0, end=52.0, score=70)
    world.deps.store.put_clips(job, [detected])
    world.move(job_id, S.COMPLETED, media=media.model_dump(), clips_total=1, clips_exported=1)
    return job_id


def export(world: World, **body: object) -> tuple[int, dict[str, object]]:
    response = world.call("POST", "/api/klair/export", json=body)
    return response.status_code, response.get_json()


def test_ranges_become_clips_ranked_after_the_detected_ones(world: World) -> None:
    world.bus.subscribe(ClipSelected, lambda event: None, name="export")
    job_id = finished_talk(world)
    status, body = export(
        world, job_id=job_id, ranges=[{"start": 5.5, "end": 17.4}, {"start": 30, "end": 45.2}]
    )
    assert status == 202, body
    detected, *clips = world.deps.store.clips(JobId(job_id))
    assert detected.origin == "detected"
    assert [c.id for c in clips] == body["clips"]
    assert all(c.origin == "manual" and c.reason and c.score > 0 for c in clips)
    assert [c.rank for c in clips] == [2, 3]
    first = clips[0]
    assert first.id == f"manual_{round(first.start * 1000)}_{round(first.end * 1000)}"
    events = [wire.decode(e.data, e.attributes, ClipSelected) for e in world.bus.pending()]
    assert [e.clip_id for e in events] == body["clips"]
    assert all(e.export is not None and e.export_id == body["export_id"] for e in events)
    again, repeated = export(world, job_id=job_id, ranges=[{"start": 5.5, "end": 17.4}])
    assert again == 202 and repeated["clips"] == [first.id]  # the same clip, not a twin
    assert len(world.deps.store.clips(JobId(job_id))) == 3


def test_unsnapped_ranges_keep_their_edges(world: World) -> None:
    job_id = finished_talk(world)
    status, body = export(
        world, job_id=job_id, ranges=[{"start": 5.5, "end": 17.4}], snap_to_pauses=False
    )
    assert status == 202 and body["clips"] == ["manual_5500_17400"]


def test_bad_ranges_are_400s_and_a_running_job_a_409(world: World) -> None:
    job_id = finished_talk(world)
    cases = {
        "range_start_after_end": [{"start": 9, "end": 3}],
        "range_outside_source": [{"start": 50, "end": 75}],
        "range_too_short": [{"start": 5, "end": 6}],
        "too_many_ranges": [{"start": 0, "end": 5}] * 21,
    }
    for code, ranges in cases.items():
        status, body = export(world, job_id=job_id, ranges=ranges)
        assert (status, body["error"]["code"]) == (400, code), body  # type: ignore[index]
    status, body = export(world, job_id=job_id, ranges=[{"start": 0, "end": 5}], clip_ids=[])
    assert (status, body["error"]["code"]) == (400, "clip_ids_with_ranges")  # type: ignore[index]
    running = world.submit(ALICE)
    status, body = export(world, job_id=running, ranges=[{"start": 0, "end": 5}])
    assert (status, body["error"]["code"]) == (409, "job_running")  # type: ignore[index]
    assert [c.id for c in world.deps.store.clips(JobId(job_id))] == ["clip_01"]

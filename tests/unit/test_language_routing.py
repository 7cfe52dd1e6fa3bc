"""The spoken language through analyze_chunk (fakes, the real Gemini client against the local
Vertex stub): declared or detected once and used by the later chunks, speech no offline
model writes sent to Gemini on plans that have it, and a job that fails with
`language_not_supported` when neither can; `options.language` checked at the API, where a
language no analyzer of the job hears is refused."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import TestResponse

from klair.bootstrap import model_analyzer_for
from klair.config import Settings
from klair.domain.ids import JobId
from klair.domain.status import JobStatus
from klair.domain.transcript import Transcript
from klair.handlers.deps import Deps
from klair.handlers.pipeline.analyze_chunk import analyze_chunk
from klair.handlers.steps.artifacts import load_chunk
from klair.handlers.steps.delivery import deliver
from tests.unit.api_world import ALICE, World, make_world
from tests.unit.gemini_fixtures.stub import VertexStub, fixture
from tests.unit.talk_builder import Talk
from tests.unit.test_gemini_pipeline import JOB, deps_for, start_job, talk

__all__ = ["talk"]  # the module's talk fixture


class Hears:
    """A transcriber that hears `spoken` when no language is given and writes only
    `writes` (like Whisper with its models): the words of the talk in a language it writes,
    the speech alone otherwise. Notes the language each call asked for."""

    def __init__(self, talk: Talk, spoken: str, writes: tuple[str, ...] = ("en",)) -> None:
        self.transcript, self.spoken, self.writes = talk.transcript, spoken, writes
        self.asked: list[str | None] = []

    def languages(self) -> tuple[str, ...]:
        return self.writes

    def transcribe(
        self, audio: Path, start: float, end: float, language: str | None = None
    ) -> Transcript:
        self.asked.append(language)
        heard = language or self.spoken
        words = self.transcript.words_between(start, end) if heard in self.writes else []
        return Transcript(start=start, end=end, language=heard, words=words, speech=[(start, end)])


def hearing(
    tmp_path: Path, stub: VertexStub, talk: Talk, transcriber: Hears, tier: str, **options: Any
) -> Deps:
    deps = replace(deps_for(tmp_path, stub, talk), transcriber=transcriber)
    for event in start_job(deps, talk, tier=tier, **options):
        deliver(deps, analyze_chunk, event, "analyzing")  # as the entry point runs it
    return deps


def test_a_language_no_offline_model_writes_fails_a_plan_without_a_model(
    tmp_path: Path, talk: Talk
) -> None:
    with VertexStub(fixture("good")).running() as stub:
        deps = hearing(tmp_path, stub, talk, Hears(talk, "fr", ("en", "es")), "free")
        assert stub.generate_calls() == []
    job = deps.store.get(JOB)
    assert job.status is JobStatus.FAILED and job.error is not None
    assert job.error.code == "language_not_supported"
    assert "'fr'" in job.error.message and "supports en, es" in job.error.message
    assert job.language == "fr"  # what the first window was heard in
    assert deps.store.chunk_candidates(JOB) == []  # no clips cut on a transcript of nonsense


def test_gemini_hears_it_on_a_plan_that_has_it(tmp_path: Path, talk: Talk) -> None:
    with VertexStub(fixture("transcribed"), fixture("transcribed")).running() as stub:
        deps = hearing(tmp_path, stub, talk, Hears(talk, "fr"), "creator")
        assert len(stub.generate_calls()) == 2
    job = deps.store.get(JOB)
    assert job.status is JobStatus.ANALYZING and job.error is None
    heard = load_chunk(deps, JOB, 0)
    assert heard is not None and heard.text.startswith("Borramos una línea")
    assert deps.store.chunk_candidates(JOB)


def test_when_gemini_gives_nothing_either_the_job_fails_with_the_reason(
    tmp_path: Path, talk: Talk
) -> None:
    with VertexStub(fixture("malformed")).running() as stub:
        deps = hearing(tmp_path, stub, talk, Hears(talk, "fr"), "creator")
    job = deps.store.get(JOB)
    assert job.error is not None and job.error.code == "language_not_supported"
    assert "malformed" in job.error.message and job.cost.input_tokens > 0  # billed, counted


def test_chunk_0_detects_and_the_later_chunks_use_it(tmp_path: Path, talk: Talk) -> None:
    transcriber = Hears(talk, "es", ("en", "es"))
    with VertexStub().running() as stub:
        deps = hearing(tmp_path, stub, talk, transcriber, "free")
    assert transcriber.asked == [None, "es"]
    job = deps.store.get(JOB)
    assert job.language == "es" and job.chunks_done == 2 and job.error is None
    second = load_chunk(deps, JOB, 1)
    assert second is not None and second.language == "es" and second.words


def test_a_declared_language_overrides_detection(tmp_path: Path, talk: Talk) -> None:
    transcriber = Hears(talk, "en", ("en", "es"))
    with VertexStub().running() as stub:
        deps = hearing(tmp_path, stub, talk, transcriber, "free", language="es")
    assert transcriber.asked == ["es", "es"]
    assert deps.store.get(JOB).chunks_done == 2


@pytest.mark.parametrize("value", ["klingon", "xx", "", "english"])
def test_an_unknown_language_is_a_400_listing_the_allowed_codes(value: str) -> None:
    world = make_world()
    body = {"url": "https://videos.example/talk.mp4", "options": {"language": value}}
    response = world.call("POST", "/api/klair/analyze", json=body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "unknown_language"
    assert {"en", "es", "fr", "ja"} <= set(error["details"]["allowed"])
    assert world.tasks.tasks == {}


def test_a_language_tag_is_read_as_its_language_code() -> None:
    world = make_world()
    body = {"url": "https://videos.example/talk.mp4", "options": {"language": "ES-mx"}}
    response = world.call("POST", "/api/klair/analyze", json=body)
    assert response.status_code == 202
    assert world.job(JobId(response.get_json()["job_id"])).options.language == "es"
    status = world.call("GET", response.get_json()["status_url"]).get_json()
    assert status["language"] == "es"


def _submit(world: World, tier: str, **options: Any) -> TestResponse:
    world.set_tier(ALICE, tier)
    body = {"url": "https://videos.example/talk.mp4", "options": options}
    return world.call("POST", "/api/klair/analyze", json=body)


def test_a_declared_language_no_analyzer_of_the_plan_hears_is_refused_before_a_job_exists() -> None:
    world = make_world()  # offline analysis only
    response = _submit(world, "creator", language="fr")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "language_not_supported"
    assert error["details"]["supported"] == ["en", "es", "de", "it"]
    assert "'fr'" in error["message"] and "supports en, es, de, it" in error["message"]
    assert world.tasks.tasks == {} and world.call("GET", "/api/klair/jobs").get_json()["jobs"] == []
    for served in ("en", "es", "de", "it"):
        assert _submit(world, "free", language=served).status_code == 202


def test_with_a_model_analyzer_the_plan_decides_and_the_refusal_says_what_would_hear_it() -> None:
    gemini = model_analyzer_for(Settings(model_analyzer="gemini"))  # its client made on first use
    world = make_world(model_analyzer=gemini)
    assert _submit(world, "creator", language="fr").status_code == 202  # Gemini hears it
    free = _submit(world, "free", language="fr").get_json()["error"]
    assert free["code"] == "language_not_supported" and "plans with a model" in free["message"]
    asked = _submit(world, "creator", language="fr", analyzer="offline").get_json()["error"]
    assert asked["code"] == "language_not_supported"
    assert "leave options.analyzer unset" in asked["message"]

"""Non-English speech (espeak-ng) through the real offline path, as `klair run` runs a job:
Spanish is detected on the first window and transcribed in Spanish by the multilingual model;
a language no offline model writes fails the job with `language_not_supported`, naming what
is supported. The Whisper models load once per process, whichever test uses them first."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest

from bench.languages import SCRIPTS
from bench.quality_metrics import word_error_rate
from klair.adapters.whisper_transcriber import WhisperTranscriber, loaded_models
from klair.cli.embedded import run_job
from klair.cli.sample import Line, Sample, make_talk_video
from klair.domain.job import JobKind, JobOptions
from klair.domain.status import JobStatus
from klair.domain.transcript import Transcript

pytestmark = pytest.mark.media

SPANISH = SCRIPTS["es"][1]  # what bench.languages measures
RUSSIAN = (
    "Добро пожаловать на канал, сегодня мы говорим о сне.",
    "Большинство людей думают, что восемь часов это магическое число.",
    "Но исследования рассказывают совсем другую историю.",
)
OPTIONS = JobOptions(clip_count=2, min_clip_seconds=5, max_clip_seconds=15)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def talk(folder: Path, lines: tuple[str, ...], voice: str) -> Sample:
    return make_talk_video(
        folder / f"{voice}.m4a", [Line(t, voice=voice) for t in lines], video=False
    )


@pytest.fixture(scope="module")
def spanish(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    return talk(tmp_path_factory.mktemp("es"), SPANISH, "es")


def test_a_spanish_talk_is_detected_and_transcribed_in_spanish(
    spanish: Sample, tmp_path: Path
) -> None:
    done = run_job(str(spanish.path), tmp_path / "out", OPTIONS, kind=JobKind.AUDIO)

    assert done.job.status is JobStatus.COMPLETED and done.job.language == "es"
    transcript = Transcript.model_validate_json((tmp_path / "out/transcript.json").read_text())
    assert transcript.language == "es"
    assert word_error_rate(words(spanish.text), words(transcript.text)) <= 0.25
    assert {"sueño", "investigación", "gracias"} <= set(words(transcript.text))
    assert done.clip_files


def test_a_language_no_offline_model_writes_fails_the_job_clearly(tmp_path: Path) -> None:
    russian = talk(tmp_path, RUSSIAN, "ru")

    done = run_job(str(russian.path), tmp_path / "out", OPTIONS, kind=JobKind.AUDIO)

    assert done.job.status is JobStatus.FAILED and done.job.error is not None
    assert done.job.error.code == "language_not_supported"
    assert "offline analysis supports en, es, de, it" in done.job.error.message
    assert not done.clip_files


def test_without_the_multilingual_model_only_english_is_written(spanish: Sample) -> None:
    english_only = WhisperTranscriber(multilingual=False)
    assert english_only.languages() == ("en",)
    models = loaded_models()

    transcript = english_only.transcribe(spanish.path, 0.0, spanish.duration, "es")

    assert (transcript.language, transcript.words) == ("es", []) and transcript.speech
    assert loaded_models() == models  # nothing to load for a language it cannot write


def test_a_declared_language_is_transcribed_without_detection(spanish: Sample) -> None:
    transcript = WhisperTranscriber().transcribe(spanish.path, 0.0, 12.0, "es")
    models = loaded_models()
    again = WhisperTranscriber().transcribe(spanish.path, 0.0, 12.0, "es")

    assert transcript.language == "es" and again == transcript
    assert {"bienvenidos", "canal"} <= set(words(transcript.text))
    assert loaded_models() == models  # one copy per process, whichever adapter asks
    assert not list(Path(tempfile.gettempdir()).glob("klair-whisper-*"))  # joined only to load

"""The Whisper transcriber and the offline analyzer on generated speech: lazy model, chunk
windows read in place, word timings on the spoken sentences, edges in the real pauses."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from bench.quality_metrics import word_error_rate
from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.ffmpeg_transcode import FfmpegTranscoder
from klair.adapters.offline_analyzer import OfflineAnalyzer
from klair.adapters.whisper_transcriber import WhisperTranscriber, loaded_models
from klair.cli.sample import Sample, make_sample_video
from klair.domain.analysis.lexicon import tokens
from klair.domain.transcript import Transcript
from klair.ports.media import Transcoded

pytestmark = pytest.mark.media


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    return make_sample_video(tmp_path_factory.mktemp("talk") / "talk.mp4", seconds=40)


@pytest.fixture(scope="module")
def transcoded(sample: Sample, tmp_path_factory: pytest.TempPathFactory) -> Transcoded:
    media = FfprobeMediaProbe().probe(sample.path)
    return FfmpegTranscoder().transcode(sample.path, tmp_path_factory.mktemp("work"), media)


@pytest.fixture(scope="module")
def whole(transcoded: Transcoded) -> Transcript:
    return WhisperTranscriber().transcribe(transcoded.audio, 0.0, 40.0)


def test_nothing_heavy_loads_at_import_or_wiring() -> None:
    code = (
        "import sys\n"
        "from klair.bootstrap import speech_adapters, media_adapters\n"
        "from klair.config import Settings\n"
        "speech_adapters(Settings()); media_adapters(Settings())\n"
        "from klair.adapters.whisper_transcriber import loaded_models\n"
        "heavy = ('faster_whisper', 'ctranslate2', 'onnxruntime')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print(loaded_models(), heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "0 []"


def test_the_model_loads_once_per_process(transcoded: Transcoded, whole: Transcript) -> None:
    before = loaded_models()
    again = WhisperTranscriber().transcribe(transcoded.audio, 5.0, 15.0)
    assert before >= 1 and loaded_models() == before
    assert again.words


def test_words_are_timed_on_the_spoken_sentences(sample: Sample, whole: Transcript) -> None:
    reference = [s for s in sample.sentences if s.end <= 40.0]
    rate = word_error_rate(tokens(" ".join(s.text for s in reference)), tokens(whole.text))
    assert rate <= 0.3
    for word in whole.words:  # a recogniser may stretch a last word into the pause after it
        assert any(word.start < b and word.end > a for a, b in sample.speech), word
    for a, b in sample.pauses:
        assert any(s <= (a + b) / 2 <= e for s, e in whole.pauses()), (a, b)


def test_a_chunk_window_is_transcribed_alone_in_absolute_time(
    sample: Sample, transcoded: Transcoded
) -> None:
    window = WhisperTranscriber().transcribe(transcoded.audio, 12.0, 30.0)

    assert (window.start, window.end) == (12.0, 30.0)
    assert window.words and all(w.start >= 12.0 and w.end <= 30.0 for w in window.words)
    inside = [s for s in sample.sentences if s.start >= 12.0 and s.end <= 30.0]
    expected = tokens(" ".join(s.text for s in inside))
    heard = tokens(" ".join(w.text for w in window.words if inside[0].start - 0.3 <= w.start))
    assert word_error_rate(expected, heard[: len(expected) + 2]) <= 0.3
    assert all(12.0 <= a < b <= 30.0 for a, b in window.speech)


def test_an_english_model_writes_no_words_for_another_language(transcoded: Transcoded) -> None:
    transcript = WhisperTranscriber().transcribe(transcoded.audio, 0.0, 20.0, language="fr")

    assert transcript.words == [] and transcript.speech
    assert transcript.language == "fr"


def test_silence_has_no_words(tmp_path: Path) -> None:
    silent = tmp_path / "silent.wav"
    with wave.open(str(silent), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16_000)
        wav.writeframes(bytes(2 * 16_000 * 5))

    transcript = WhisperTranscriber().transcribe(silent, 0.0, 5.0)

    assert transcript.words == [] and transcript.speech == []
    assert transcript.pauses() == [(0.0, 5.0)]


def test_other_audio_files_are_decoded(tmp_path: Path) -> None:
    audio = make_sample_video(tmp_path / "talk.m4a", seconds=12, video=False)

    transcript = WhisperTranscriber().transcribe(audio.path, 0.0, 12.0)

    assert {"welcome", "channel"} <= set(tokens(transcript.text))


def test_offline_candidates_start_and_end_in_the_generated_pauses(
    sample: Sample, transcoded: Transcoded, whole: Transcript
) -> None:
    raw = json.loads(transcoded.signals.read_text())

    candidates = OfflineAnalyzer().analyze(
        transcoded.audio, raw, 0.0, 40.0, 8, 20, transcript=whole
    )

    assert candidates
    for c in candidates:
        assert "hook" in c.scores and c.transcript
        for edge in (c.start, c.end):
            assert any(a - 0.02 <= edge <= b + 0.02 for a, b in sample.gaps), edge

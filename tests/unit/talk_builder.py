"""Synthetic transcripts and signals for the analysis tests: sentences of words with known
gaps, pauses heard (or not) by silencedetect and the voice detector."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from klair.domain import naming
from klair.domain.ids import JobId
from klair.domain.signals import Signals
from klair.domain.transcript import Transcript, Word
from klair.ports.storage import Blobs

STEP = 0.2
SPEECH_LUFS, PAUSE_LUFS = -22.0, -60.0


@dataclass(frozen=True)
class Talk:
    transcript: Transcript
    signals: Signals
    sentences: list[tuple[float, float]]  # (start, end) of each spoken sentence

    @property
    def words(self) -> list[Word]:
        return self.transcript.words

    def gaps(self) -> list[tuple[float, float]]:
        """Every stretch between two words (and before the first, after the last)."""
        edges = [0.0, *(t for w in self.words for t in (w.start, w.end)), self.signals.duration]
        return [(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True) if b >= a]


def build_talk(
    sentences: list[list[str]],
    *,
    word: float = 0.3,
    inner_gap: float = 0.05,
    pauses: list[float] | None = None,
    heard: list[bool] | None = None,
    lead: float = 0.5,
    tail: float = 1.0,
    loud: set[int] | None = None,
    scenes: list[float] | None = None,
    has_video: bool = True,
) -> Talk:
    """Sentence i's words each last `word` s, `inner_gap` apart; pause i follows sentence i.
    A pause is in `silences` (and the voice detector's gaps) when `heard[i]`; sentences in
    `loud` are 10 LU louder."""
    pauses = pauses or [1.0] * len(sentences)
    heard = heard or [True] * len(sentences)
    words: list[Word] = []
    spans: list[tuple[float, float]] = []
    silences: list[tuple[float, float]] = []
    t = lead
    for i, texts in enumerate(sentences):
        start = t
        for text in texts:
            words.append(Word(start=t, end=t + word, text=text))
            t += word + inner_gap
        t = words[-1].end
        spans.append((start, t))
        pause = pauses[i % len(pauses)]
        if heard[i % len(heard)]:
            silences.append((t, t + pause))
        t += pause
    duration = (spans[-1][1] if spans else lead) + tail
    speech = [spans[0]] if spans else []
    for i, span in enumerate(spans[1:], 1):
        if heard[(i - 1) % len(heard)]:
            speech.append(span)
        else:  # the voice detector hears no pause there either
            speech[-1] = (speech[-1][0], span[1])
    return Talk(
        Transcript(start=0.0, end=duration, words=words, speech=speech),
        _signals(duration, spans, silences, loud or set(), scenes or [], has_video),
        spans,
    )


def _signals(
    duration: float,
    spans: list[tuple[float, float]],
    silences: list[tuple[float, float]],
    loud: set[int],
    scenes: list[float],
    has_video: bool,
) -> Signals:
    points = []
    for i in range(int(duration / STEP)):
        t = i * STEP + STEP / 2
        inside = [n for n, (a, b) in enumerate(spans) if a <= t < b]
        level = PAUSE_LUFS if not inside else SPEECH_LUFS + (10.0 if inside[0] in loud else 0.0)
        points.append((t, level))
    return Signals(
        duration=duration,
        has_video=has_video,
        loudness=points,
        silences=silences,
        scenes=scenes,
    )


def words_of(text: str) -> list[list[str]]:
    """'One two. Three four?' → [['One', 'two.'], ['Three', 'four?']]."""
    sentences: list[list[str]] = [[]]
    for token in text.split():
        sentences[-1].append(token)
        if token[-1] in ".?!":
            sentences.append([])
    return [s for s in sentences if s]


def one_sample_wav() -> bytes:
    """A valid 16 kHz mono PCM WAV holding one silent sample."""
    fmt = struct.pack("<4sIHHIIHH", b"fmt ", 16, 1, 1, 16000, 32000, 2, 16)
    data = b"data" + struct.pack("<I", 2) + b"\x00\x00"
    return b"RIFF" + struct.pack("<I", 4 + len(fmt) + len(data)) + b"WAVE" + fmt + data


def seed_chunks(blobs: Blobs, job_id: JobId, signals: Signals, chunks: int) -> None:
    """What each chunk's segment transcode stores, for handlers tested without media: the
    source's signals (already on its clock) and a one-sample audio file per chunk."""
    for index in range(chunks):
        blobs.put_bytes(naming.chunk_work(job_id, index, naming.AUDIO), one_sample_wav())
        blobs.put_bytes(
            naming.chunk_work(job_id, index, naming.SIGNALS), signals.model_dump_json().encode()
        )

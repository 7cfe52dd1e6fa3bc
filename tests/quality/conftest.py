"""The quality set, generated and analyzed once per session: each talk is transcoded, then
transcribed and analyzed chunk by chunk (short chunks, so chunk edges and transcript merges
are exercised), and its clips selected as the pipeline does."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.ffmpeg_transcode import FfmpegTranscoder
from klair.adapters.offline_analyzer import OfflineAnalyzer
from klair.adapters.whisper_transcriber import WhisperTranscriber
from klair.cli.sample import Sample, make_talk_video
from klair.domain.analysis.insights import Insights, summarize
from klair.domain.analysis.selection import select_clips
from klair.domain.chunking import plan_chunks
from klair.domain.clip import Candidate, Clip
from klair.domain.signals import Signals
from klair.domain.transcript import Transcript, merge
from tests.quality.talks import TALKS

CHUNK_SECONDS, OVERLAP_SECONDS = 60.0, 15.0
MIN_SECONDS, MAX_SECONDS = 8.0, 20.0
CLIPS = 3
AUDIO_ONLY = {"garden"}


@dataclass(frozen=True)
class Analyzed:
    name: str
    sample: Sample
    signals: Signals
    transcript: Transcript
    clips: list[Clip]
    insights: Insights


def _analyze(name: str, sample: Sample, work: Path) -> Analyzed:
    media = FfprobeMediaProbe().probe(sample.path)
    files = FfmpegTranscoder(proxy_height=180).transcode(sample.path, work, media)
    raw = json.loads(files.signals.read_text())
    signals = Signals.model_validate(raw)
    transcriber, analyzer = WhisperTranscriber(), OfflineAnalyzer()
    parts: list[Transcript] = []
    candidates: list[Candidate] = []
    for chunk in plan_chunks(signals.duration, CHUNK_SECONDS, OVERLAP_SECONDS):
        part = transcriber.transcribe(files.audio, chunk.start, chunk.end)
        parts.append(part)
        candidates += analyzer.analyze(
            files.audio, raw, chunk.start, chunk.end, MIN_SECONDS, MAX_SECONDS, transcript=part
        )
    transcript = merge(parts)
    return Analyzed(
        name=name,
        sample=sample,
        signals=signals,
        transcript=transcript,
        clips=select_clips(candidates, CLIPS),
        insights=summarize(transcript, signals),
    )


@pytest.fixture(scope="session")
def quality_set(tmp_path_factory: pytest.TempPathFactory) -> list[Analyzed]:
    root = tmp_path_factory.mktemp("quality")
    analyzed = []
    for name, lines in TALKS.items():
        video = name not in AUDIO_ONLY
        path = root / (f"{name}.mp4" if video else f"{name}.m4a")
        sample = make_talk_video(path, lines, width=320, height=180, video=video)
        analyzed.append(_analyze(name, sample, root / f"{name}-work"))
    return analyzed

"""Real-time factor of the offline analyzer on a long speech video, next to ffmpeg's decode.

    python -m bench.analyze [--seconds 600] [--repeat 2]

The analysis is what the pipeline runs after the transcode, in one process: per chunk,
Silero VAD + Whisper (tiny.en, int8) on that chunk's window of audio.wav and the candidate
moments; then selection, the merged transcript, its captions and the insights. "cold"
includes loading the model (a function's first chunk); "warm" is the median of the repeats,
interleaved with the decode so a noisy machine slows both alike. Targets are printed, never
asserted: analysis at least 10x faster than real time on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import structlog
from rich.console import Console
from rich.table import Table

from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.ffmpeg_transcode import FfmpegTranscoder
from klair.adapters.offline_analyzer import OfflineAnalyzer
from klair.adapters.pysubs2_captions import Pysubs2CaptionWriter
from klair.adapters.whisper_transcriber import WhisperTranscriber
from klair.cli.sample import make_sample_video
from klair.config import Settings
from klair.domain.analysis.insights import summarize
from klair.domain.analysis.selection import select_clips
from klair.domain.captions import cues
from klair.domain.chunking import ChunkSpan, plan_chunks
from klair.domain.clip import Candidate
from klair.domain.signals import Signals
from klair.domain.transcript import Transcript, merge
from klair.ports.media import Transcoded

TARGET_RTF = 10.0


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


class Analysis:
    """The analysis stages of one job, timed per part."""

    def __init__(self, files: Transcoded, settings: Settings) -> None:
        self.files = files
        self.raw = json.loads(files.signals.read_text())
        self.signals = Signals.model_validate(self.raw)
        self.chunks = plan_chunks(
            self.signals.duration, settings.chunk_seconds, settings.chunk_overlap_seconds
        )
        self.transcriber = WhisperTranscriber(threads=settings.whisper_threads)
        self.analyzer = OfflineAnalyzer(settings.score_weights)
        self.parts: dict[str, float] = {}

    def _chunk(self, chunk: ChunkSpan) -> tuple[Transcript, list[Candidate], float, float]:
        started = time.perf_counter()
        part = self.transcriber.transcribe(self.files.audio, chunk.start, chunk.end)
        heard = time.perf_counter()
        found = self.analyzer.analyze(
            self.files.audio, self.raw, chunk.start, chunk.end, 15, 60, transcript=part
        )
        return part, found, heard - started, time.perf_counter() - heard

    def run(self) -> None:
        transcripts: list[Transcript] = []
        candidates: list[Candidate] = []
        speech = moments = 0.0
        for chunk in self.chunks:
            part, found, heard, proposed = self._chunk(chunk)
            transcripts.append(part)
            candidates += found
            speech, moments = speech + heard, moments + proposed
        started = time.perf_counter()
        select_clips(candidates, 5)
        whole = merge(transcripts)
        summarize(whole, self.signals)
        writer = Pysubs2CaptionWriter()
        for fmt in ("srt", "vtt"):
            writer.write(cues(whole.words), fmt)
        finish = time.perf_counter() - started
        self.parts = {"VAD + Whisper": speech, "candidates": moments, "select + insights": finish}


def _decode(source: Path) -> None:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin", "-i", str(source), "-f", "null", "-"], check=True
    )


def main() -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory(prefix="klair-bench-analyze-") as tmp:
        work = Path(tmp)
        source = work / "talk.mp4"
        console.print(f"generating {args.seconds:.0f} s of speech video…")
        make_sample_video(source, seconds=args.seconds)
        media = FfprobeMediaProbe().probe(source)
        files = FfmpegTranscoder().transcode(source, work / "work", media)
        analysis = Analysis(files, Settings())
        cold = _timed(analysis.run)
        decodes, warms, parts = [], [], []
        for _ in range(args.repeat):
            decodes.append(_timed(lambda: _decode(source)))
            warms.append(_timed(analysis.run))
            parts.append(analysis.parts)
        _print(console, media.duration, statistics.median(decodes), cold, warms, parts)


def _print(
    console: Console,
    duration: float,
    decode: float,
    cold: float,
    warms: list[float],
    parts: list[dict[str, float]],
) -> None:
    warm = statistics.median(warms)
    table = Table(title=f"offline analysis of {duration:.0f} s of speech, {os.cpu_count()} cores")
    for column in ("step", "seconds", "× real time", "target"):
        table.add_column(column)
    table.add_row("ffmpeg decode of the same file", f"{decode:.2f}", f"{duration / decode:.1f}", "")
    target = f"≥ {TARGET_RTF:.0f}×"
    table.add_row("analysis, cold (model load)", f"{cold:.2f}", f"{duration / cold:.1f}", target)
    table.add_row("analysis, warm (median)", f"{warm:.2f}", f"{duration / warm:.1f}", target)
    for name in parts[0]:
        seconds = statistics.median(p[name] for p in parts)
        table.add_row(f"  {name}", f"{seconds:.2f}", f"{duration / seconds:.1f}", "")
    table.add_row("analysis ÷ decode", f"{warm / decode:.2f}×", "", "")
    console.print(table)


if __name__ == "__main__":
    main()

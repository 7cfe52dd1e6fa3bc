"""Klair's export of 5 clips against the minimal ffmpeg commands that make the same files.

    python -m bench.export [--seconds 120] [--clip 15] [--repeat 2]

Klair: per clip one analysis pass in process through PyAV (faces, saliency and sharpness
from the proxy the transcode stage already wrote, loudness from the source's audio) and one
render (9:16 reframe, loudness normalised, fades, thumbnail, edit list), as the `export`
function runs it. The proxy is made and the source probed before the timing, as the
pipeline does before export (ingest records the probe on the job). Baseline: per clip one
ffmpeg command with the same cut, the same crop path (Klair's, from its edit list), the same
encoder settings and the same thumbnail, no captions and no loudness analysis. Medians of
interleaved runs; targets are printed, never asserted. Also prints the reframe analysis
time per minute of clip, on the talk and on a video with a moving face, from the proxy and
(for comparison) from the source. Last, the bytes one clip's export reads of a long source
and of its proxy, both read by URL through a local range server as export reads them from
the bucket (`--long-minutes`), against their sizes (before: both whole, every clip).
"""

from __future__ import annotations

import argparse
import logging
import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import structlog
from rich.console import Console
from rich.table import Table

from bench.range_server import range_server
from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.ffmpeg_render import FfmpegClipRenderer
from klair.adapters.ffmpeg_transcode import FfmpegTranscoder
from klair.adapters.render.analysis import analyse
from klair.adapters.render.cut import AUDIO_CODEC, VIDEO_CODEC, position_expr, window
from klair.cli.face_sample import make_face_video
from klair.cli.sample import make_sample_video
from klair.domain.clip import Clip
from klair.domain.edit_list import EditList
from klair.domain.export_options import RenderSpec
from klair.domain.ids import clip_id
from klair.domain.media import MediaInfo

CLIPS = 5


def _clips(seconds: float, length: float) -> list[Clip]:
    step = (seconds - length) / CLIPS
    return [
        Clip(id=clip_id(n + 1), rank=n + 1, start=round(2 + n * step, 2),
             end=round(2 + n * step + length, 2), score=50)
        for n in range(CLIPS)
    ]  # fmt: skip


def _proxy(source: Path, work: Path) -> Path:
    """The transcode stage's proxy of `source` (what `export` finds under `work/{job}/`)."""
    media = FfprobeMediaProbe().probe(source)
    return FfmpegTranscoder().transcode(source, work, media).proxy


def _klair(
    source: Path, clips: list[Clip], out: Path, proxy: Path | None, media: MediaInfo
) -> list[EditList]:
    """As `export` renders: with the probe ingest recorded on the job and the proxy."""
    renderer = FfmpegClipRenderer()
    spec = RenderSpec(aspects=("9:16",), proxy=proxy, media=media)
    edits = []
    for clip in clips:
        files = renderer.render(source, clip, out / clip.id, spec)
        edits.append(EditList.model_validate_json(files["edl"].read_text()))
    return edits


def _minimal(source: Path, edits: list[EditList], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for edl in edits:
        v = edl.variants[0]
        crop = (
            f"crop=w={v.crop_width}:h={v.crop_height}:x={position_expr(v.keyframes, 'x')}:"
            f"y={position_expr(v.keyframes, 'y')},setsar=1"
        )
        thumb = f"select='gte(t\\,{edl.thumbnail_at or 0})',{crop}"
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-ss", f"{edl.source_in:.3f}",
             "-t", f"{edl.duration:.3f}", "-i", str(source),
             "-vf", crop, *VIDEO_CODEC, *AUDIO_CODEC, "-movflags", "+faststart",
             str(out / f"{edl.clip_id}.mp4"),
             "-vf", thumb, "-frames:v", "1", "-q:v", "3", str(out / f"{edl.clip_id}.jpg")],
            check=True,
        )  # fmt: skip


def _reframe_per_minute(source: Path, proxy: Path | None, clips: list[Clip]) -> float:
    """Seconds of reframe analysis per minute of clip (median of three)."""
    media = FfprobeMediaProbe().probe(source)
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        for clip in clips:
            analyse(source, window(clip, media), media, 600.0, proxy)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) / (sum(c.duration for c in clips) / 60)


@dataclass(frozen=True)
class Paired:
    """Medians of interleaved runs in wall and CPU seconds (ffmpeg's and Python's), and the
    median of each pair's ratio: a load spike during one pair moves one ratio, not all."""

    base_wall: float
    klair_wall: float
    wall_ratio: float
    base_cpu: float
    klair_cpu: float
    cpu_ratio: float


def _cpu() -> float:
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), _cpu()
    work()
    return time.perf_counter() - wall, _cpu() - cpu


def _interleaved(base: Callable[[], object], klair: Callable[[], object], repeat: int) -> Paired:
    pairs = []
    for n in range(repeat):  # which goes first alternates
        if n % 2:
            k, b = _timed(klair), _timed(base)
        else:
            b, k = _timed(base), _timed(klair)
        pairs.append((b, k))
    med = statistics.median
    return Paired(
        base_wall=med(b[0] for b, _ in pairs), klair_wall=med(k[0] for _, k in pairs),
        wall_ratio=med(k[0] / b[0] for b, k in pairs),
        base_cpu=med(b[1] for b, _ in pairs), klair_cpu=med(k[1] for _, k in pairs),
        cpu_ratio=med(k[1] / b[1] for b, k in pairs),
    )  # fmt: skip


def _export(
    work: Path, seconds: float, length: float, repeat: int
) -> tuple[Paired, list[tuple[str, float]]]:
    """The export side by side, then the reframe analysis's seconds per minute of clip."""
    source = work / "talk.mp4"
    make_sample_video(source, seconds=seconds, width=1280, height=720)
    proxy, media = _proxy(source, work / "talk-work"), FfprobeMediaProbe().probe(source)
    clips = _clips(seconds, length)
    edits = _klair(source, clips, work / "warm", proxy, media)
    paired = _interleaved(
        partial(_minimal, source, edits, work / "min"),
        partial(_klair, source, clips, work / "klair", proxy, media),
        repeat,
    )
    face = make_face_video(work / "face.mp4", seconds=30, width=1280, height=720, face=200)
    face_proxy = _proxy(face.path, work / "face-work")
    face_clips = [Clip(id=clip_id(1), rank=1, start=0.0, end=30.0, score=50)]
    per_minute = [
        ("talk 720p, proxy", _reframe_per_minute(source, proxy, clips)),
        ("talk 720p, source", _reframe_per_minute(source, None, clips)),
        ("moving face 720p, proxy", _reframe_per_minute(face.path, face_proxy, face_clips)),
        ("moving face 720p, source", _reframe_per_minute(face.path, None, face_clips)),
    ]
    return paired, per_minute


def _lavfi(dest: Path, seconds: float, video: str, *audio: str) -> None:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"{video}:duration={seconds}",
         *audio, "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", str(dest)],
        check=True,
    )  # fmt: skip


def _ranged_reads(work: Path, minutes: float, length: float) -> str:
    """Mean bytes read per clip (CLIPS spread over the source) by URL, against the sizes."""
    seconds = minutes * 60
    source, proxy = work / "long.mp4", work / "long-proxy.mp4"
    tone = ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    _lavfi(source, seconds, "testsrc2=size=640x360:rate=25", *tone, "-c:a", "aac")
    _lavfi(proxy, seconds, "testsrc2=size=320x180:rate=5")
    media, renderer = FfprobeMediaProbe().probe(source), FfmpegClipRenderer()
    read = {source.name: 0, proxy.name: 0}
    with range_server(work) as server:
        spec = RenderSpec(aspects=("9:16",), proxy=server.url(proxy.name), media=media)
        for clip in _clips(seconds, length):
            renderer.render(server.url(source.name), clip, work / "ranged" / clip.id, spec)
            read = {name: n + server.take(name) for name, n in read.items()}
    mb = 1e6
    s_read, p_read = read[source.name] / CLIPS, read[proxy.name] / CLIPS
    s_size, p_size = source.stat().st_size, proxy.stat().st_size
    return (
        f"bytes read per {length:.0f} s clip of a {minutes:.0f} min source: "
        f"{s_read / mb:.1f} MB of {s_size / mb:.0f} MB ({s_read / s_size:.1%}), "
        f"proxy {p_read / mb:.1f} MB of {p_size / mb:.0f} MB ({p_read / p_size:.1%}); "
        "before: both whole for every clip"
    )


def main() -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--clip", type=float, default=15.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--long-minutes", type=float, default=20.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="klair-bench-export-") as tmp:
        paired, per_minute = _export(Path(tmp), args.seconds, args.clip, args.repeat)
        reads = _ranged_reads(Path(tmp), args.long_minutes, args.clip)
    _print(f"export of {CLIPS} × {args.clip:.0f} s clips, 9:16", paired, per_minute)
    Console().print(reads)


def _print(name: str, p: Paired, per_minute: list[tuple[str, float]]) -> None:
    table = Table(title="Klair export vs minimal ffmpeg (medians of interleaved runs)")
    for column in ("benchmark", "ffmpeg s", "klair s", "ratio", "cpu s ffmpeg/klair", "cpu ratio"):
        table.add_column(column)
    table.add_column("target")
    table.add_row(
        name, f"{p.base_wall:.2f}", f"{p.klair_wall:.2f}", f"{p.wall_ratio:.2f}×",
        f"{p.base_cpu:.1f} / {p.klair_cpu:.1f}", f"{p.cpu_ratio:.2f}×", "≤ 1.2×",
    )  # fmt: skip
    console = Console()
    console.print(table)
    console.print("ratio: wall time; cpu ratio: user+sys of every process (steadier on a busy box)")
    for label, seconds in per_minute:
        console.print(f"reframe analysis ({label}): {seconds:.2f} s per minute of clip")


if __name__ == "__main__":
    main()

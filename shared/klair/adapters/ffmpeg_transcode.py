"""Transcoder over ffmpeg: one decode pass writes the proxy, 16 kHz mono audio and signals.json."""

from __future__ import annotations

import math
import re
import subprocess
from collections import defaultdict
from pathlib import Path

from klair.domain.errors import Transient, UnsupportedMedia
from klair.domain.job import MediaInfo
from klair.domain.signals import Signals, lufs, power
from klair.ports import Transcoded

SCENE_THRESHOLD = 0.3
SILENCE_NOISE = "-35dB"
SILENCE_MIN_SECONDS = 0.4
# Loudness is stored at this step, longer for long sources so signals.json stays small.
LOUDNESS_STEP = 0.2
MAX_LOUDNESS_POINTS = 72_000
# ebur128 stamps each 100 ms frame with the 400 ms window ending at the frame's end.
MOMENTARY_CENTRE_SHIFT = -0.1

_PTS = re.compile(r"pts_time:(-?[\d.]+)")
_SILENCE = re.compile(r"silence_(start|end): (-?[\d.]+)")


def _video_graph(height: int) -> str:
    even_height = f"2*trunc(min({height}\\,ih)/2)"
    return (
        f"[0:V:0]scale=-2:{even_height},format=yuv420p,split=2[vproxy][vscene];"
        f"[vscene]select='gt(scene,{SCENE_THRESHOLD})',metadata=print:file=scenes.txt,nullsink"
    )


def _audio_graph(media: MediaInfo) -> str:
    if media.has_audio:
        head = "[0:a:0]asplit=3[aproxy][awav0][asig];"
    else:
        # A silent track stands in for the missing audio; it feeds the wav and signals only.
        head = f"anullsrc=r=48000:cl=mono:d={media.duration},asplit=2[awav0][asig];"
    return (
        f"{head}[awav0]aresample=16000,aformat=sample_fmts=s16:channel_layouts=mono[awav];"
        "[asig]ebur128=metadata=1,"
        "ametadata=mode=print:key=lavfi.r128.M:file=loudness.txt,"
        f"silencedetect=n={SILENCE_NOISE}:d={SILENCE_MIN_SECONDS},anullsink"
    )


def _outputs(media: MediaInfo) -> tuple[list[str], str]:
    """Output arguments of the proxy and its file name."""
    aac = ["-c:a", "aac", "-b:a", "96k"]
    if not media.has_video:
        return ["-map", "[aproxy]", *aac, "-movflags", "+faststart", "proxy.m4a"], "proxy.m4a"
    args = ["-map", "[vproxy]"]
    if media.has_audio:
        args += ["-map", "[aproxy]", *aac]
    args += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-fpsmax", "30"]
    return [*args, "-movflags", "+faststart", "proxy.mp4"], "proxy.mp4"


def _command(source: Path, media: MediaInfo, proxy_height: int) -> tuple[list[str], str]:
    graph = _audio_graph(media)
    if media.has_video:
        graph = _video_graph(proxy_height) + ";" + graph
    outputs, proxy = _outputs(media)
    command = [
        "ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-y", "-loglevel", "info",
        "-i", str(source.resolve()), "-filter_complex", graph, *outputs,
        "-map", "[awav]", "-c:a", "pcm_s16le", "audio.wav",
    ]  # fmt: skip
    return command, proxy


def _metadata(path: Path, key: str) -> list[tuple[float, float]]:
    """(pts_time, value) pairs from a `metadata=print` file."""
    points: list[tuple[float, float]] = []
    if not path.exists():
        return points
    time: float | None = None
    for line in path.read_text().splitlines():
        if match := _PTS.search(line):
            time = float(match.group(1))
        elif line.startswith(key + "=") and time is not None:
            value = float(line.split("=", 1)[1])
            points.append((time, value if math.isfinite(value) else -math.inf))
    return points


def _thin(points: list[tuple[float, float]], duration: float) -> list[tuple[float, float]]:
    """Energy-mean loudness per step, centred on each step."""
    step = max(LOUDNESS_STEP, math.ceil(10 * duration / MAX_LOUDNESS_POINTS) / 10)
    buckets: dict[int, list[float]] = defaultdict(list)
    for time, value in points:
        buckets[int(max(0.0, time + MOMENTARY_CENTRE_SHIFT) / step)].append(power(value))
    return [
        (round((i + 0.5) * step, 3), round(lufs(sum(v) / len(v)), 1))
        for i, v in sorted(buckets.items())
    ]


def _silences(stderr: str, duration: float) -> list[tuple[float, float]]:
    spans: list[tuple[float, float]] = []
    start: float | None = None
    for kind, value in _SILENCE.findall(stderr):
        if kind == "start":
            start = max(0.0, float(value))
        elif start is not None:
            spans.append((round(start, 3), round(min(float(value), duration), 3)))
            start = None
    if start is not None and start < duration:
        spans.append((round(start, 3), round(duration, 3)))
    return spans


def _signals(workdir: Path, stderr: str, media: MediaInfo) -> Signals:
    loudness = _metadata(workdir / "loudness.txt", "lavfi.r128.M")
    scenes = [round(t, 3) for t, _ in _metadata(workdir / "scenes.txt", "lavfi.scene_score")]
    return Signals(
        duration=media.duration,
        has_video=media.has_video,
        loudness=_thin(loudness, media.duration),
        silences=_silences(stderr, media.duration),
        scenes=[t for t in scenes if 0 < t < media.duration],
    )


class FfmpegTranscoder:
    """Writes proxy.mp4 (or proxy.m4a), audio.wav and signals.json into the work directory.

    The filter graph splits the decoded streams: video → scaled H.264 proxy (at most
    `proxy_height`, even dimensions, at most 30 fps) and a scene-cut detector; audio →
    proxy AAC, the 16 kHz mono wav, and an EBU R128 meter followed by silencedetect.
    Loudness and cuts come from `metadata=print` files, pauses from stderr. Audio-only
    sources get `proxy.m4a` (AAC only) and no scene cuts; sources without audio get a silent
    wav, so every later stage sees the same files.
    """

    def __init__(self, proxy_height: int = 480, timeout: float | None = None) -> None:
        self._proxy_height = proxy_height
        self._timeout = timeout

    def transcode(self, source: Path, workdir: Path, media: MediaInfo) -> Transcoded:
        workdir.mkdir(parents=True, exist_ok=True)
        command, proxy = _command(source, media, self._proxy_height)
        try:
            # Relative output names in the work directory keep paths out of the filter graph,
            # where ':' and '\\' would need escaping.
            done = subprocess.run(
                command, cwd=workdir, capture_output=True, text=True,
                timeout=self._timeout, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            raise Transient(f"transcoding {source.name} timed out") from exc
        if done.returncode != 0:
            tail = "\n".join(done.stderr.strip().splitlines()[-5:])
            raise UnsupportedMedia(f"ffmpeg could not transcode {source.name}: {tail}")
        signals = workdir / "signals.json"
        signals.write_text(_signals(workdir, done.stderr, media).model_dump_json())
        return Transcoded(proxy=workdir / proxy, audio=workdir / "audio.wav", signals=signals)

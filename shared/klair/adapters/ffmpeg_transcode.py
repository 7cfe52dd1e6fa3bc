"""Transcoder over ffmpeg: one decode pass writes the proxy, 16 kHz mono audio and signals.json.

Where the time goes, and what keeps the pass close to a bare decode (see bench/transcode.py):
- decoding is most of the work; the decoder skips the in-loop deblocking filter, whose
  effect disappears in the downscaled proxy and whose cost is a quarter of the decode;
- only the proxy's frames are scaled: `fps` drops frames before `scale` (fast bilinear);
- the proxy is x264 `ultrafast` at 5 frames per second (models sample one or two), a
  keyframe every 2 s;
- scene-change scores are computed on a 160-pixel-wide copy of every frame, not the source;
- audio is decoded and resampled to 16 kHz once; loudness (EBU R128) and pauses are
  measured on that, and its mono downmix feeds both the wav and the audio proxy's AAC (fast
  coder, 32 kb/s; a video's proxy.mp4 is silent, its sound is proxy.m4a).
- ffmpeg before 7.0 runs every filter and the audio encoder on one thread, which then
  bounds the pass; ffmpeg 7+ runs decoders, filtergraphs and encoders on threads of their
  own (`ffmpeg` here is the binary used: `KLAIR_FFMPEG`).
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

from klair.adapters.ffmpeg_signals import (
    LOUDNESS_FILE,
    SCENES_FILE,
    SILENCE_MIN_SECONDS,
    SILENCE_NOISE,
    read_signals,
)
from klair.domain import naming
from klair.domain.errors import Transient, UnsupportedMedia
from klair.domain.media import MediaInfo
from klair.domain.segments import shifted
from klair.ports.media import Transcoded

SCENE_WIDTH = 160
KEYFRAME_SECONDS = 2.0
LOG_FILE = "ffmpeg.log"
# A source whose frames (audio and video) fail to decode more often than this is damaged
# (garbage in its media data): ffmpeg finishes the pass but exits with DECODE_ERRORS_EXIT,
# and the job fails `corrupt_media` instead of cutting clips with glitches and gaps.
MAX_DECODE_ERROR_RATE = 0.05
DECODE_ERRORS_EXIT = 69


def _video_graph(height: int, fps: float) -> str:
    even_height = f"2*trunc(min({height}\\,ih)/2)"
    return (
        "[0:V:0]split=2[vfull][vscan];"
        f"[vfull]fps={fps:g},scale=-2:{even_height}:flags=fast_bilinear,format=yuv420p[vproxy];"
        f"[vscan]scale={SCENE_WIDTH}:-2:flags=fast_bilinear,select='gte(scene,0)',"
        f"metadata=print:file={SCENES_FILE},nullsink"
    )


def _audio_graph(media: MediaInfo) -> str:
    """Resampled to 16 kHz once: the meter keeps every channel (R128 sums their power; its
    filters are computed for the rate, and speech has little above 8 kHz: within 0.1 LU of
    the full-rate measure), the wav and the proxy get the mono downmix."""
    mono = "aformat=sample_fmts=s16:channel_layouts=mono"
    meter = (
        f"[ameter]ebur128=metadata=1,ametadata=mode=print:key=lavfi.r128.M:file={LOUDNESS_FILE},"
        f"silencedetect=n={SILENCE_NOISE}:d={SILENCE_MIN_SECONDS},anullsink"
    )
    if media.has_audio:
        return (
            f"[0:a:0]aresample=16000,asplit=2[ameter][aconv];"
            f"[aconv]{mono},asplit=2[awav][aproxy];{meter}"
        )
    # A silent track stands in for the missing audio: the wav and signals still exist.
    return f"anullsrc=r=16000:cl=mono:d={media.duration},asplit=2[awav][ameter];{meter}"


def _outputs(media: MediaInfo, fps: float) -> tuple[list[str], str]:
    """Output arguments of the proxy, and its file name."""
    aac = ["-c:a", "aac", "-aac_coder", "fast", "-b:a", "32k"]
    if not media.has_video:
        return [
            "-map",
            "[aproxy]",
            *aac,
            "-movflags",
            "+faststart",
            naming.AUDIO_PROXY,
        ], naming.AUDIO_PROXY
    # The video proxy is silent and the sound its own file: Gemini, given the transcript,
    # watches without paying for the audio track (about 60% of a chunk's input tokens).
    args = ["-map", "[vproxy]"]
    args += [
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "30",
        "-maxrate", "1M", "-bufsize", "2M", "-g", str(max(1, round(KEYFRAME_SECONDS * fps))),
    ]  # fmt: skip
    args += ["-movflags", "+faststart", naming.VIDEO_PROXY]
    if media.has_audio:
        args += ["-map", "[aproxy]", *aac, "-movflags", "+faststart", naming.AUDIO_PROXY]
    return args, naming.VIDEO_PROXY


def transcode_command(
    source: Path | str,
    media: MediaInfo,
    height: int,
    max_fps: float,
    ffmpeg: str = "ffmpeg",
    window: tuple[float, float] | None = None,
) -> tuple[list[str], str]:
    """The ffmpeg command (run in the work directory) and the proxy's file name. A `window`
    (start, end) seeks before reading: only that range of the source is read (by ranged
    reads when `source` is a URL) and the outputs start at 0 there."""
    fps = min(max_fps, media.fps or max_fps)
    seek: list[str] = []
    if window is not None:
        media = media.model_copy(update={"duration": window[1] - window[0]})
        seek = ["-ss", f"{window[0]:.3f}", "-t", f"{window[1] - window[0]:.3f}"]
    where = str(source.resolve()) if isinstance(source, Path) else source
    graph = _audio_graph(media)
    if media.has_video:
        graph = _video_graph(height, fps) + ";" + graph
    outputs, proxy = _outputs(media, fps)
    command = [
        ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-y", "-loglevel", "info",
        "-max_error_rate", f"{MAX_DECODE_ERROR_RATE:g}",
        "-progress", "pipe:1", "-skip_loop_filter", "all", *seek, "-i", where,
        "-filter_complex", graph, *outputs, "-map", "[awav]", "-c:a", "pcm_s16le", naming.AUDIO,
    ]  # fmt: skip
    return command, proxy


def _follow(
    process: subprocess.Popen[str], duration: float, on_progress: Callable[[float], None] | None
) -> None:
    """Read `-progress` lines until ffmpeg ends, passing the fraction done along."""
    assert process.stdout is not None
    for line in process.stdout:
        if on_progress is not None and line.startswith("out_time_us="):
            value = line.split("=", 1)[1].strip()
            if value.lstrip("-").isdigit() and duration > 0:
                on_progress(min(1.0, max(0.0, int(value) / 1e6 / duration)))


def run_ffmpeg(
    command: list[str],
    workdir: Path,
    duration: float,
    timeout: float | None,
    on_progress: Callable[[float], None] | None = None,
) -> tuple[int, str, bool]:
    """Run ffmpeg in `workdir`; returns (exit code, log, timed out). An exception from
    `on_progress` kills ffmpeg and propagates."""
    log_path = workdir / LOG_FILE
    expired = threading.Event()
    with (
        log_path.open("w") as log,
        subprocess.Popen(
            command, cwd=workdir, stdout=subprocess.PIPE, stderr=log, text=True
        ) as process,
    ):

        def expire() -> None:
            expired.set()
            process.kill()

        timer = threading.Timer(timeout, expire) if timeout else None
        if timer is not None:
            timer.start()
        try:
            _follow(process, duration, on_progress)
        except BaseException:
            process.kill()
            raise
        finally:
            if timer is not None:
                timer.cancel()
        code = process.wait()
    return code, log_path.read_text(errors="replace"), expired.is_set()


class FfmpegTranscoder:
    """Writes proxy.mp4 (or proxy.m4a for audio-only sources), audio.wav and signals.json.

    The proxy is at most `proxy_height` pixels high (even dimensions, rotation applied as
    displayed) and at most `proxy_fps` frames per second (constant rate, whatever the
    source's timing). Sources without audio get a silent wav, so later stages see the same
    files whatever the source held.
    """

    def __init__(
        self,
        proxy_height: int = 480,
        proxy_fps: float = 5.0,
        timeout: float | None = None,
        ffmpeg: str = "ffmpeg",
    ) -> None:
        self._proxy_height = proxy_height
        self._proxy_fps = proxy_fps
        self._timeout = timeout
        self._ffmpeg = ffmpeg

    def transcode(
        self,
        source: Path | str,
        workdir: Path,
        media: MediaInfo,
        on_progress: Callable[[float], None] | None = None,
        window: tuple[float, float] | None = None,
    ) -> Transcoded:
        workdir.mkdir(parents=True, exist_ok=True)
        # Relative output names in the work directory keep paths out of the filter graph,
        # where ':' and '\\' would need escaping.
        command, proxy = transcode_command(
            source, media, self._proxy_height, self._proxy_fps, self._ffmpeg, window
        )
        start, end = window or (0.0, media.duration)
        part = media.model_copy(update={"duration": end - start})
        code, log, timed_out = run_ffmpeg(
            command, workdir, part.duration, self._timeout, on_progress
        )
        name = source.name if isinstance(source, Path) else "the source"
        if timed_out:
            raise Transient(f"transcoding {name} timed out")
        if code == DECODE_ERRORS_EXIT:
            raise UnsupportedMedia(
                f"the source is damaged: more than {MAX_DECODE_ERROR_RATE:.0%} of its frames "
                "could not be decoded, so clips would show glitches; send an undamaged copy",
                code="corrupt_media",
            )
        if code != 0:
            tail = "\n".join(log.strip().splitlines()[-5:])
            raise UnsupportedMedia(f"ffmpeg could not transcode {name}: {tail}")
        signals = workdir / naming.SIGNALS
        found = shifted(read_signals(workdir, log, part, media.has_audio), start, media.duration)
        signals.write_text(found.model_dump_json())
        sound = workdir / naming.AUDIO_PROXY
        extra = sound if proxy == naming.VIDEO_PROXY and sound.exists() else None
        return Transcoded(
            proxy=workdir / proxy, audio=workdir / naming.AUDIO, signals=signals, audio_proxy=extra
        )

"""ClipRenderer over ffmpeg: a frame-accurate, re-encoded cut of one clip plus its thumbnail."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.domain.clip import Clip
from klair.domain.errors import Transient, UnsupportedMedia
from klair.domain.job import MediaInfo
from klair.ports import MediaProbe

# Longest audio fade at each end; short clips fade for a quarter of their length at most.
FADE_SECONDS = 0.15
# Containers without a usable index: ffmpeg's input seek can land on a keyframe after the
# target (seen with MPEG-TS), so these are decoded from the start and trimmed instead.
LINEAR_CONTAINERS = frozenset({"mpegts", "mpeg", "mpegvideo", "h264", "hevc", "aac", "mp3"})


def _crop(aspect: str) -> str:
    """A centred crop to `aspect` ("9:16"), even-sized so H.264 accepts it; "" for "source"."""
    if aspect == "source":
        return ""
    width, height = (int(part) for part in aspect.split(":"))
    ratio = Fraction(width, height)
    w = f"2*trunc(min(iw\\,ih*{ratio.numerator}/{ratio.denominator})/2)"
    h = f"2*trunc(min(ih\\,iw*{ratio.denominator}/{ratio.numerator})/2)"
    return f"crop={w}:{h},"


def _input(source: Path, clip: Clip, media: MediaInfo) -> tuple[list[str], str, str]:
    """Input arguments, and the video and audio trims that must open the filter chains."""
    start, end = f"{clip.start:.3f}", f"{clip.end:.3f}"
    if media.container in LINEAR_CONTAINERS:
        return (
            ["-t", end, "-i", str(source)],
            f"trim=start={start}:end={end},setpts=PTS-STARTPTS,",
            f"atrim=start={start}:end={end},asetpts=PTS-STARTPTS,",
        )
    return ["-ss", start, "-t", f"{clip.end - clip.start:.3f}", "-i", str(source)], "", ""


def _graph(aspect: str, duration: float, media: MediaInfo, vtrim: str, atrim: str) -> str:
    chains = []
    if media.has_video:
        chains.append(
            f"[0:V:0]{vtrim}{_crop(aspect)}format=yuv420p,split=2[v][still0];"
            f"[still0]trim=start={duration / 2:.3f},setpts=PTS-STARTPTS[still]"
        )
    if media.has_audio:
        fade = min(FADE_SECONDS, duration / 4)
        chains.append(
            f"[0:a:0]{atrim}afade=t=in:d={fade:.3f},"
            f"afade=t=out:st={duration - fade:.3f}:d={fade:.3f}[a]"
        )
    return ";".join(chains)


def _outputs(name: str, duration: float, has_video: bool, has_audio: bool) -> list[str]:
    # The output -t as well as the input one: a start between two frames would otherwise
    # keep one frame too many.
    args = ["-t", f"{duration:.3f}"]
    if has_video:
        args += ["-map", "[v]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23"]
    if has_audio:
        args += ["-map", "[a]", "-c:a", "aac", "-b:a", "128k"]
    args += ["-movflags", "+faststart", name]
    if has_video:
        args += ["-map", "[still]", "-frames:v", "1", "-q:v", "3", "thumbnail.jpg"]
    return args


class FfmpegClipRenderer:
    """Renders `{variant}.mp4` (`{variant}.m4a` for audio-only sources) and `thumbnail.jpg`.

    `aspect` is "source" or a ratio like "9:16" (centre crop); the variant name is the aspect
    and the file name replaces ':' with 'x'.
    """

    def __init__(
        self, aspect: str = "source", probe: MediaProbe | None = None, timeout: float = 600.0
    ) -> None:
        if aspect != "source":
            _crop(aspect)  # rejects a malformed ratio now rather than at render time
        self._aspect = aspect
        self._probe = probe or FfprobeMediaProbe()
        self._timeout = timeout

    def render(self, source: Path, clip: Clip, out_dir: Path) -> dict[str, Path]:
        media = self._probe.probe(source)
        duration = clip.end - clip.start
        suffix = "mp4" if media.has_video else "m4a"
        name = f"{self._aspect.replace(':', 'x')}.{suffix}"
        out_dir.mkdir(parents=True, exist_ok=True)
        inputs, vtrim, atrim = _input(source.resolve(), clip, media)
        command = [
            "ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error", *inputs,
            "-filter_complex", _graph(self._aspect, duration, media, vtrim, atrim),
            *_outputs(name, duration, media.has_video, media.has_audio),
        ]  # fmt: skip
        try:
            done = subprocess.run(
                command, cwd=out_dir, capture_output=True, text=True,
                timeout=self._timeout, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            raise Transient(f"rendering {clip.id} timed out") from exc
        if done.returncode != 0:
            tail = "\n".join(done.stderr.strip().splitlines()[-5:])
            raise UnsupportedMedia(f"ffmpeg could not render {clip.id}: {tail}")
        rendered = {self._aspect: out_dir / name}
        if media.has_video:
            rendered["thumbnail"] = out_dir / "thumbnail.jpg"
        return rendered

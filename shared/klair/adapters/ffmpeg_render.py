"""ClipRenderer over ffmpeg: a frame-accurate, re-encoded cut of one clip plus its thumbnail."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.domain.clip import Clip
from klair.domain.errors import Transient, UnsupportedMedia
from klair.ports import MediaProbe

# Longest audio fade at each end; short clips fade for a quarter of their length at most.
FADE_SECONDS = 0.15


def _crop(aspect: str) -> str:
    """A centred crop to `aspect` ("9:16"), even-sized so H.264 accepts it; "" for "source"."""
    if aspect == "source":
        return ""
    width, height = (int(part) for part in aspect.split(":"))
    ratio = Fraction(width, height)
    w = f"2*trunc(min(iw\\,ih*{ratio.numerator}/{ratio.denominator})/2)"
    h = f"2*trunc(min(ih\\,iw*{ratio.denominator}/{ratio.numerator})/2)"
    return f"crop={w}:{h},"


def _graph(aspect: str, duration: float, has_video: bool, has_audio: bool) -> str:
    chains = []
    if has_video:
        chains.append(
            f"[0:V:0]{_crop(aspect)}format=yuv420p,split=2[v][still0];"
            f"[still0]trim=start={duration / 2:.3f},setpts=PTS-STARTPTS[still]"
        )
    if has_audio:
        fade = min(FADE_SECONDS, duration / 4)
        chains.append(
            f"[0:a:0]afade=t=in:d={fade:.3f},afade=t=out:st={duration - fade:.3f}:d={fade:.3f}[a]"
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
        command = [
            "ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
            "-ss", f"{clip.start:.3f}", "-t", f"{duration:.3f}", "-i", str(source.resolve()),
            "-filter_complex", _graph(self._aspect, duration, media.has_video, media.has_audio),
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

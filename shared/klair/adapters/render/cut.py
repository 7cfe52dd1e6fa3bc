"""The ffmpeg command that renders one variant of a clip in one pass: a frame-accurate cut,
the moving crop, the scale under the tier's cap, burned captions, loudness normalised to
the target with short fades, H.264/AAC with +faststart, and the thumbnail."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from klair.adapters.render.fonts import FONTS_DIR
from klair.domain.clip import Clip
from klair.domain.export_options import Geometry
from klair.domain.media import MediaInfo
from klair.domain.reframe_path import Keyframe

# Longest audio fade at each end; short clips fade for a quarter of their length at most.
FADE_SECONDS = 0.15
# Containers without a usable index: ffmpeg's input seek can land on a keyframe after the
# target (seen with MPEG-TS), so these are decoded from the start and trimmed instead.
LINEAR_CONTAINERS = frozenset({"mpegts", "mpeg", "mpegvideo", "h264", "hevc", "aac", "mp3"})
VIDEO_CODEC = ("-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p")
AUDIO_CODEC = ("-c:a", "aac", "-b:a", "128k", "-ar", "48000")
TRUE_PEAK = -1.5


@dataclass(frozen=True)
class Window:
    """The clip's span of the source and how to read just that span."""

    start: float
    end: float
    linear: bool

    @property
    def duration(self) -> float:
        return self.end - self.start

    def input_args(self, source: Path | str) -> list[str]:
        if self.linear:
            return ["-t", f"{self.end:.3f}", "-i", str(source)]
        return ["-ss", f"{self.start:.3f}", "-t", f"{self.duration:.3f}", "-i", str(source)]

    @property
    def vtrim(self) -> str:
        if not self.linear:
            return ""
        return f"trim=start={self.start:.3f}:end={self.end:.3f},setpts=PTS-STARTPTS,"

    @property
    def atrim(self) -> str:
        if not self.linear:
            return ""
        return f"atrim=start={self.start:.3f}:end={self.end:.3f},asetpts=PTS-STARTPTS,"


def window(clip: Clip, media: MediaInfo) -> Window:
    return Window(clip.start, clip.end, media.container in LINEAR_CONTAINERS)


@dataclass(frozen=True)
class Measured:
    """EBU R128 measurement of the clip's audio (ebur128 in the analysis pass)."""

    integrated: float  # LUFS
    true_peak: float  # dBTP


@dataclass(frozen=True)
class VariantPlan:
    file: str
    geometry: Geometry | None  # None: audio only
    keyframes: tuple[Keyframe, ...] = ()
    subtitles: str | None = None  # an ASS file in the working directory
    thumbnail: tuple[str, float] | None = None  # JPEG file name, seconds into the clip


@dataclass(frozen=True)
class AudioPlan:
    target: float
    measured: Measured | None


def position_expr(keys: tuple[Keyframe, ...], axis: str) -> str:
    """The window's position over time `t` as one ffmpeg expression: the first keyframe's
    value plus one clipped linear ramp per moving segment (no nesting, cheap per frame)."""
    if not keys:
        return "0"
    values = [getattr(k, axis) for k in keys]
    terms = [str(values[0])]
    for (a, va), (b, vb) in pairwise(zip(keys, values, strict=True)):
        span = b.t - a.t
        if vb != va and span > 0:
            terms.append(f"{(vb - va) / span:.5f}*clip(t-{a.t:.3f}\\,0\\,{span:.3f})")
    return "+".join(terms).replace("+-", "-")


def _video_chain(window: Window, plan: VariantPlan) -> str:
    geo = plan.geometry
    assert geo is not None
    steps = [f"[0:V:0]{window.vtrim}"]
    if geo.crops:
        x = position_expr(plan.keyframes, "x")
        y = position_expr(plan.keyframes, "y")
        steps.append(f"crop=w={geo.crop_width}:h={geo.crop_height}:x={x}:y={y},")
    if geo.scales:
        steps.append(f"scale={geo.width}:{geo.height},")
    steps.append("format=yuv420p,setsar=1")
    chain = "".join(steps)
    if plan.thumbnail is not None:
        at = plan.thumbnail[1]
        chain += f",split=2[main][still0];[still0]trim=start={at:.3f},setpts=PTS-STARTPTS[still];"
        chain += "[main]"
    else:
        chain += ","
    return f"{chain}{subtitles_filter(plan.subtitles)}null[v]"


def subtitles_filter(ass: str | None) -> str:
    """libass burns `ass` with the fonts shipped in the package (`fontsdir`), never a
    substitute the runtime image's fontconfig happens to offer."""
    if ass is None:
        return ""
    return f"subtitles=filename={_escape(ass)}:fontsdir={_escape(str(FONTS_DIR))},"


def _escape(value: str) -> str:
    """A filter option value, escaped for the option parser and then for the graph's."""
    for special in "\\':":
        value = value.replace(special, "\\" + special)
    for special in "\\'[],;":
        value = value.replace(special, "\\" + special)
    return value


def gain_db(audio: AudioPlan) -> float:
    """Linear normalisation: the gain to the target loudness, lowered if the true peak would
    pass −1.5 dBTP (no limiter, so the sound is not squashed)."""
    m = audio.measured
    if m is None:
        return 0.0
    return round(min(audio.target - m.integrated, TRUE_PEAK - m.true_peak), 2)


def _audio_chain(window: Window, audio: AudioPlan) -> str:
    fade = min(FADE_SECONDS, window.duration / 4)
    return (
        f"[0:a:0]{window.atrim}afade=t=in:d={fade:.3f},"
        f"afade=t=out:st={window.duration - fade:.3f}:d={fade:.3f},volume={gain_db(audio)}dB,"
        "aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo[a]"
    )


def render_command(
    source: Path | str, window: Window, media: MediaInfo, plan: VariantPlan, audio: AudioPlan
) -> list[str]:
    chains = []
    if plan.geometry is not None:
        chains.append(_video_chain(window, plan))
    if media.has_audio:
        chains.append(_audio_chain(window, audio))
    # The output -t as well as the input one: a start between two frames would otherwise
    # keep one frame too many.
    args = ["ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    args += [*window.input_args(source), "-filter_complex", ";".join(chains)]
    args += ["-t", f"{window.duration:.3f}"]
    if plan.geometry is not None:
        args += ["-map", "[v]", *VIDEO_CODEC]
    if media.has_audio:
        args += ["-map", "[a]", *AUDIO_CODEC]
    args += ["-movflags", "+faststart", plan.file]
    if plan.thumbnail is not None:
        args += ["-map", "[still]", "-frames:v", "1", "-q:v", "3", "-update", "1"]
        args += [plan.thumbnail[0]]
    return args

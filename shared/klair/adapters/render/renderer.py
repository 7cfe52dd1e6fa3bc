"""ClipRenderer over ffmpeg and OpenCV: one analysis pass per clip (faces, saliency,
sharpness, loudness), then one ffmpeg pass per variant, plus sidecar captions, the
thumbnail and the edit list."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.render.analysis import ClipAnalysis, analyse
from klair.adapters.render.captions_burn import shape_bottom, write_ass, write_sidecars
from klair.adapters.render.cut import (
    FADE_SECONDS,
    AudioPlan,
    VariantPlan,
    Window,
    gain_db,
    render_command,
    window,
)
from klair.adapters.render.edit_list import write_edit_list
from klair.adapters.render.excerpt import excerpt
from klair.adapters.render.thumbnail import best_moment
from klair.domain.caption_events import CaptionEvent, caption_events
from klair.domain.clip import Clip
from klair.domain.edit_list import AudioEdit, CaptionTrack, EditList, VariantEdit
from klair.domain.errors import Transient, UnsupportedMedia
from klair.domain.export_options import ASPECTS, Geometry, RenderSpec, geometry, variant_stem
from klair.domain.media import MediaInfo
from klair.domain.reframe_path import FrameSample, Keyframe, crop_path
from klair.ports.media import MediaProbe


def thumbnail_key(variant: str, first: bool) -> str:
    """Each video variant has its thumbnail, cropped as the variant is (`{stem}.jpg`, the
    same moment): `thumbnail` is the first variant's, the clip's own; `thumbnail:{variant}`
    the others'."""
    return "thumbnail" if first else f"thumbnail:{variant}"


@dataclass(frozen=True)
class _Clip:
    """What every variant of one clip shares."""

    media: MediaInfo
    spec: RenderSpec
    samples: list[FrameSample]
    events: list[CaptionEvent]
    thumb_at: float
    out_dir: Path


def _reframe_label(geo: Geometry, mode: str, samples: list[FrameSample]) -> str:
    if not geo.crops:
        return "none"
    if mode == "center":
        return "centre"
    if any(s.faces for s in samples):
        return "faces"
    return "saliency" if any(s.salient for s in samples) else "centre"


def _keyframes(geo: Geometry, mode: str, samples: list[FrameSample]) -> tuple[Keyframe, ...]:
    if mode == "center" or not samples:
        return tuple(crop_path([], geo))
    return tuple(crop_path(samples, geo))


def _proxy(spec: RenderSpec) -> Path | str | None:
    """The proxy to analyse: a URL as given, a local file when it exists."""
    if isinstance(spec.proxy, Path):
        return spec.proxy.resolve() if spec.proxy.is_file() else None
    return spec.proxy


class FfmpegClipRenderer:
    """Renders `{variant}.mp4` per asked variant (`.m4a` for audio-only sources) with its
    `{variant}.jpg` thumbnail, `captions.srt|.vtt` when the clip has words, and
    `edit_list.json|.otio`.

    `aspect` is the variant rendered when no `RenderSpec` is given ("source" or a ratio).
    """

    def __init__(
        self, aspect: str = "source", probe: MediaProbe | None = None, timeout: float = 600.0
    ) -> None:
        if aspect not in ASPECTS:
            raise ValueError(f"unknown aspect {aspect!r}; one of {', '.join(ASPECTS)}")
        self._aspect = aspect
        self._probe = probe or FfprobeMediaProbe()
        self._timeout = timeout
        self._probed: dict[tuple[str, int, int], MediaInfo] = {}

    def render(
        self, source: Path | str, clip: Clip, out_dir: Path, spec: RenderSpec | None = None
    ) -> dict[str, Path]:
        spec = spec or RenderSpec(aspects=(self._aspect,))
        media = spec.media or self._media(source)
        out_dir.mkdir(parents=True, exist_ok=True)
        if isinstance(source, Path):
            return self._render(source.resolve(), window(clip, media), clip, out_dir, spec, media)
        with tempfile.TemporaryDirectory(prefix="klair-excerpt-") as tmp:
            copy = excerpt(source, clip.start, clip.end, Path(tmp) / "excerpt.mkv")
            cut = copy.window(clip.start, clip.end)
            return self._render(copy.path, cut, clip, out_dir, spec, media)

    def _render(
        self, source: Path, cut: Window, clip: Clip, out_dir: Path, spec: RenderSpec,
        media: MediaInfo,
    ) -> dict[str, Path]:  # fmt: skip
        """`cut`: the clip on `source`'s timeline (a copy of its span starts later)."""
        on_proxy = Window(clip.start - spec.proxy_offset, clip.end - spec.proxy_offset, False)
        analysis = analyse(source, cut, media, self._timeout, _proxy(spec), on_proxy)
        speech = [(w.start - clip.start, w.end - clip.start) for w in spec.words]
        samples = analysis.samples(speech)
        events = caption_events(spec.words, clip.start, clip.end)
        thumb_at = best_moment(analysis.times, analysis.views, cut.duration)
        shared = _Clip(media, spec, samples, events, thumb_at, out_dir)
        audio = AudioPlan(target=spec.loudness_lufs, measured=analysis.loudness)
        files: dict[str, Path] = {}
        edits: list[VariantEdit] = []
        for key, aspect in spec.variants.items():
            plan, edit = self._plan(key, aspect, shared)
            self._run(render_command(source, cut, media, plan, audio), out_dir, clip)
            files[key] = out_dir / plan.file
            if plan.thumbnail is not None:
                files[thumbnail_key(key, first=not edits)] = out_dir / plan.thumbnail[0]
            edits.append(edit)
        if spec.sidecars:
            files.update(write_sidecars(out_dir, spec.words, clip.start, clip.end))
        edl = self._edit_list(clip, media, spec, cut, analysis, events, edits, thumb_at)
        files.update(write_edit_list(out_dir, edl))
        return files

    def _media(self, source: Path | str) -> MediaInfo:
        """Probed once per file version: every clip of a job renders from the same source."""
        if not isinstance(source, Path):  # the probe reads files; the job's probe serves
            raise ValueError("a source read by URL is rendered with its recorded probe")
        stat = source.stat()
        key = (str(source.resolve()), stat.st_size, stat.st_mtime_ns)
        if key not in self._probed:
            self._probed = {key: self._probe.probe(source)}  # the latest source only
        return self._probed[key]

    def _plan(self, key: str, aspect: str, shared: _Clip) -> tuple[VariantPlan, VariantEdit]:
        media, spec, samples = shared.media, shared.spec, shared.samples
        stem = variant_stem(key)
        if not media.has_video or not media.width or not media.height:
            plan = VariantPlan(file=f"{stem}.m4a", geometry=None)
            edit = VariantEdit(
                key=key, aspect=aspect, file=plan.file, reframe="none", crop_width=0,
                crop_height=0, width=0, height=0, keyframes=(),
            )  # fmt: skip
            return plan, edit
        geo = geometry(aspect, media.width, media.height, spec.max_short_side)
        keys = _keyframes(geo, spec.reframe, samples)
        subtitles, bottom = None, None
        if spec.caption_style is not None and shared.events:
            subtitles = f"{stem}.ass"
            bottom = spec.caption_bottom(aspect)
            if bottom is None:
                bottom = shape_bottom(geo.width, geo.height)
            write_ass(
                shared.out_dir / subtitles, shared.events, spec.caption_style, geo.width,
                geo.height, bottom,
            )  # fmt: skip
        plan = VariantPlan(
            file=f"{stem}.mp4",
            geometry=geo,
            keyframes=keys,
            subtitles=subtitles,
            thumbnail=(f"{stem}.jpg", shared.thumb_at),
        )
        edit = VariantEdit(
            key=key, aspect=aspect, file=plan.file,
            reframe=_reframe_label(geo, spec.reframe, samples),
            crop_width=geo.crop_width, crop_height=geo.crop_height,
            width=geo.width, height=geo.height, keyframes=keys, caption_bottom=bottom,
        )  # fmt: skip
        return plan, edit

    def _edit_list(
        self,
        clip: Clip,
        media: MediaInfo,
        spec: RenderSpec,
        cut: Window,
        analysis: ClipAnalysis,
        events: list[CaptionEvent],
        edits: list[VariantEdit],
        thumb_at: float,
    ) -> EditList:
        fade = min(FADE_SECONDS, cut.duration / 4)
        audio = None
        if media.has_audio:
            plan = AudioPlan(target=spec.loudness_lufs, measured=analysis.loudness)
            measured = analysis.loudness.integrated if analysis.loudness else None
            audio = AudioEdit(
                loudness_lufs=spec.loudness_lufs, measured_lufs=measured, gain_db=gain_db(plan),
                fade_in=fade, fade_out=fade,
            )  # fmt: skip
        return EditList(
            clip_id=clip.id,
            title=clip.title,
            hook_line=clip.hook_line,
            source=spec.source_name or "source",
            source_width=media.width,
            source_height=media.height,
            fps=media.fps,
            source_in=clip.start,
            source_out=clip.end,
            thumbnail_at=thumb_at if media.has_video else None,
            audio=audio,
            captions=CaptionTrack(style=spec.caption_style, events=tuple(events)),
            variants=tuple(edits),
        )

    def _run(self, command: list[str], cwd: Path, clip: Clip) -> None:
        try:
            done = subprocess.run(
                command, cwd=cwd, capture_output=True, text=True,
                timeout=self._timeout, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            raise Transient(f"rendering {clip.id} timed out") from exc
        if done.returncode != 0:
            tail = "\n".join(done.stderr.strip().splitlines()[-5:])
            raise UnsupportedMedia(f"ffmpeg could not render {clip.id}: {tail}")

"""The clip renderer built on its first use: its modules import PyAV, OpenCV and
OpenTimelineIO, which load only in a function that renders (export, and the Sieve callback
that captions Sieve's cut), never in one that only carries the port."""

from __future__ import annotations

from pathlib import Path

from klair.domain.clip import Clip
from klair.domain.export_options import RenderSpec
from klair.ports.media import ClipRenderer


class DeferredRenderer:
    """`ReframedRenderer(FfmpegClipRenderer())`, made when first asked for."""

    def __init__(self) -> None:
        self._real: ClipRenderer | None = None

    def render(
        self, source: Path | str, clip: Clip, out_dir: Path, spec: RenderSpec | None = None
    ) -> dict[str, Path]:
        if self._real is None:
            from klair.adapters.ffmpeg_render import FfmpegClipRenderer
            from klair.adapters.reframed_render import ReframedRenderer

            self._real = ReframedRenderer(FfmpegClipRenderer())
        return self._real.render(source, clip, out_dir, spec)

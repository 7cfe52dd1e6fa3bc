"""ClipRenderer over ffmpeg: kept as the import path bootstrap and benchmarks use; the
renderer lives in `klair.adapters.render`."""

from __future__ import annotations

from klair.adapters.render.renderer import FfmpegClipRenderer

__all__ = ["FfmpegClipRenderer"]

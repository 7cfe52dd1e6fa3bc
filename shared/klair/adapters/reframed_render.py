"""A ClipRenderer decorator for media reframed elsewhere (Sieve's autocrop output): the
inner renderer does captions, loudness, thumbnail and edit list as usual, then the edit list
is rewritten so it places the cut in the original source and names who reframed it."""

from __future__ import annotations

from pathlib import Path

from klair.adapters.render.edit_list import write_edit_list
from klair.domain.clip import Clip
from klair.domain.edit_list import EditList
from klair.domain.export_options import RenderSpec
from klair.ports.media import ClipRenderer


class ReframedRenderer:
    def __init__(self, inner: ClipRenderer) -> None:
        self._inner = inner

    def render(
        self, source: Path | str, clip: Clip, out_dir: Path, spec: RenderSpec | None = None
    ) -> dict[str, Path]:
        files = self._inner.render(source, clip, out_dir, spec)
        if spec is None or spec.reframed_by is None or "edl" not in files:
            return files
        edl = EditList.model_validate_json(files["edl"].read_text())
        variants = tuple(
            v.model_copy(update={"reframe": spec.reframed_by}) if v.crop_width else v
            for v in edl.variants
        )
        moved = edl.model_copy(
            update={
                "source_in": edl.source_in + spec.source_offset,
                "source_out": edl.source_out + spec.source_offset,
                "variants": variants,
            }
        )
        files.update(write_edit_list(out_dir, moved))
        return files

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.clip_range import ClipRange





T = TypeVar("T", bound="ExportBody")



@_attrs_define
class ExportBody:
    """ Which clips to render again and how; an absent choice keeps the job's.

        Attributes:
            job_id (str):
            aspect_ratios (list[str] | None | Unset):
            caption_style (None | str | Unset):
            captions (bool | None | Unset):
            clip_ids (list[str] | None | Unset):
            loudness_lufs (float | None | Unset):
            preset (None | str | Unset):
            ranges (list[ClipRange] | None | Unset):
            reframe (None | str | Unset):
            snap_to_pauses (bool | Unset):
     """

    job_id: str
    aspect_ratios: list[str] | None | Unset = UNSET
    caption_style: None | str | Unset = UNSET
    captions: bool | None | Unset = UNSET
    clip_ids: list[str] | None | Unset = UNSET
    loudness_lufs: float | None | Unset = UNSET
    preset: None | str | Unset = UNSET
    ranges: list[ClipRange] | None | Unset = UNSET
    reframe: None | str | Unset = UNSET
    snap_to_pauses: bool | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.clip_range import ClipRange # noqa: PLC0415
        job_id = self.job_id

        aspect_ratios: list[str] | None | Unset
        if isinstance(self.aspect_ratios, Unset):
            aspect_ratios = UNSET
        elif isinstance(self.aspect_ratios, list):
            aspect_ratios = self.aspect_ratios


        else:
            aspect_ratios = self.aspect_ratios

        caption_style: None | str | Unset
        if isinstance(self.caption_style, Unset):
            caption_style = UNSET
        else:
            caption_style = self.caption_style

        captions: bool | None | Unset
        if isinstance(self.captions, Unset):
            captions = UNSET
        else:
            captions = self.captions

        clip_ids: list[str] | None | Unset
        if isinstance(self.clip_ids, Unset):
            clip_ids = UNSET
        elif isinstance(self.clip_ids, list):
            clip_ids = self.clip_ids


        else:
            clip_ids = self.clip_ids

        loudness_lufs: float | None | Unset
        if isinstance(self.loudness_lufs, Unset):
            loudness_lufs = UNSET
        else:
            loudness_lufs = self.loudness_lufs

        preset: None | str | Unset
        if isinstance(self.preset, Unset):
            preset = UNSET
        else:
            preset = self.preset

        ranges: list[dict[str, Any]] | None | Unset
        if isinstance(self.ranges, Unset):
            ranges = UNSET
        elif isinstance(self.ranges, list):
            ranges = []
            for ranges_type_0_item_data in self.ranges:
                ranges_type_0_item = ranges_type_0_item_data.to_dict()
                ranges.append(ranges_type_0_item)


        else:
            ranges = self.ranges

        reframe: None | str | Unset
        if isinstance(self.reframe, Unset):
            reframe = UNSET
        else:
            reframe = self.reframe

        snap_to_pauses = self.snap_to_pauses


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "job_id": job_id,
        })
        if aspect_ratios is not UNSET:
            field_dict["aspect_ratios"] = aspect_ratios
        if caption_style is not UNSET:
            field_dict["caption_style"] = caption_style
        if captions is not UNSET:
            field_dict["captions"] = captions
        if clip_ids is not UNSET:
            field_dict["clip_ids"] = clip_ids
        if loudness_lufs is not UNSET:
            field_dict["loudness_lufs"] = loudness_lufs
        if preset is not UNSET:
            field_dict["preset"] = preset
        if ranges is not UNSET:
            field_dict["ranges"] = ranges
        if reframe is not UNSET:
            field_dict["reframe"] = reframe
        if snap_to_pauses is not UNSET:
            field_dict["snap_to_pauses"] = snap_to_pauses

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.clip_range import ClipRange # noqa: PLC0415
        d = dict(src_dict)
        job_id = d.pop("job_id")

        def _parse_aspect_ratios(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                aspect_ratios_type_0 = cast(list[str], data)

                return aspect_ratios_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        aspect_ratios = _parse_aspect_ratios(d.pop("aspect_ratios", UNSET))


        def _parse_caption_style(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        caption_style = _parse_caption_style(d.pop("caption_style", UNSET))


        def _parse_captions(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        captions = _parse_captions(d.pop("captions", UNSET))


        def _parse_clip_ids(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                clip_ids_type_0 = cast(list[str], data)

                return clip_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        clip_ids = _parse_clip_ids(d.pop("clip_ids", UNSET))


        def _parse_loudness_lufs(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        loudness_lufs = _parse_loudness_lufs(d.pop("loudness_lufs", UNSET))


        def _parse_preset(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        preset = _parse_preset(d.pop("preset", UNSET))


        def _parse_ranges(data: object) -> list[ClipRange] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                ranges_type_0 = []
                _ranges_type_0 = data
                for ranges_type_0_item_data in (_ranges_type_0):
                    ranges_type_0_item = ClipRange.from_dict(ranges_type_0_item_data)



                    ranges_type_0.append(ranges_type_0_item)

                return ranges_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ClipRange] | None | Unset, data)

        ranges = _parse_ranges(d.pop("ranges", UNSET))


        def _parse_reframe(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reframe = _parse_reframe(d.pop("reframe", UNSET))


        snap_to_pauses = d.pop("snap_to_pauses", UNSET)

        export_body = cls(
            job_id=job_id,
            aspect_ratios=aspect_ratios,
            caption_style=caption_style,
            captions=captions,
            clip_ids=clip_ids,
            loudness_lufs=loudness_lufs,
            preset=preset,
            ranges=ranges,
            reframe=reframe,
            snap_to_pauses=snap_to_pauses,
        )

        return export_body


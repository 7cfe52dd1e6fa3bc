from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.job_options_caption_style import check_job_options_caption_style
from ..models.job_options_caption_style import JobOptionsCaptionStyle
from ..models.job_options_order import check_job_options_order
from ..models.job_options_order import JobOptionsOrder
from ..models.job_options_preset_type_0 import check_job_options_preset_type_0
from ..models.job_options_preset_type_0 import JobOptionsPresetType0
from ..models.job_options_reframe import check_job_options_reframe
from ..models.job_options_reframe import JobOptionsReframe
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="JobOptions")



@_attrs_define
class JobOptions:
    """ What the user asked for; every field has the default a creator would expect.

        Attributes:
            analyzer (str | Unset):
            aspect_ratios (list[str] | Unset):
            caption_style (JobOptionsCaptionStyle | Unset):
            captions (bool | Unset):
            clip_count (int | Unset):
            language (None | str | Unset):
            loudness_lufs (float | Unset):
            max_clip_seconds (float | Unset):
            min_clip_seconds (float | Unset):
            order (JobOptionsOrder | Unset):
            preset (JobOptionsPresetType0 | None | Unset):
            reframe (JobOptionsReframe | Unset):
     """

    analyzer: str | Unset = UNSET
    aspect_ratios: list[str] | Unset = UNSET
    caption_style: JobOptionsCaptionStyle | Unset = UNSET
    captions: bool | Unset = UNSET
    clip_count: int | Unset = UNSET
    language: None | str | Unset = UNSET
    loudness_lufs: float | Unset = UNSET
    max_clip_seconds: float | Unset = UNSET
    min_clip_seconds: float | Unset = UNSET
    order: JobOptionsOrder | Unset = UNSET
    preset: JobOptionsPresetType0 | None | Unset = UNSET
    reframe: JobOptionsReframe | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        analyzer = self.analyzer

        aspect_ratios: list[str] | Unset = UNSET
        if not isinstance(self.aspect_ratios, Unset):
            aspect_ratios = self.aspect_ratios



        caption_style: str | Unset = UNSET
        if not isinstance(self.caption_style, Unset):
            caption_style = self.caption_style


        captions = self.captions

        clip_count = self.clip_count

        language: None | str | Unset
        if isinstance(self.language, Unset):
            language = UNSET
        else:
            language = self.language

        loudness_lufs = self.loudness_lufs

        max_clip_seconds = self.max_clip_seconds

        min_clip_seconds = self.min_clip_seconds

        order: str | Unset = UNSET
        if not isinstance(self.order, Unset):
            order = self.order


        preset: None | str | Unset
        if isinstance(self.preset, Unset):
            preset = UNSET
        elif isinstance(self.preset, str):
            preset = self.preset
        else:
            preset = self.preset

        reframe: str | Unset = UNSET
        if not isinstance(self.reframe, Unset):
            reframe = self.reframe



        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if analyzer is not UNSET:
            field_dict["analyzer"] = analyzer
        if aspect_ratios is not UNSET:
            field_dict["aspect_ratios"] = aspect_ratios
        if caption_style is not UNSET:
            field_dict["caption_style"] = caption_style
        if captions is not UNSET:
            field_dict["captions"] = captions
        if clip_count is not UNSET:
            field_dict["clip_count"] = clip_count
        if language is not UNSET:
            field_dict["language"] = language
        if loudness_lufs is not UNSET:
            field_dict["loudness_lufs"] = loudness_lufs
        if max_clip_seconds is not UNSET:
            field_dict["max_clip_seconds"] = max_clip_seconds
        if min_clip_seconds is not UNSET:
            field_dict["min_clip_seconds"] = min_clip_seconds
        if order is not UNSET:
            field_dict["order"] = order
        if preset is not UNSET:
            field_dict["preset"] = preset
        if reframe is not UNSET:
            field_dict["reframe"] = reframe

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        analyzer = d.pop("analyzer", UNSET)

        aspect_ratios = cast(list[str], d.pop("aspect_ratios", UNSET))


        _caption_style = d.pop("caption_style", UNSET)
        caption_style: JobOptionsCaptionStyle | Unset
        if isinstance(_caption_style,  Unset):
            caption_style = UNSET
        else:
            caption_style = check_job_options_caption_style(_caption_style)




        captions = d.pop("captions", UNSET)

        clip_count = d.pop("clip_count", UNSET)

        def _parse_language(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        language = _parse_language(d.pop("language", UNSET))


        loudness_lufs = d.pop("loudness_lufs", UNSET)

        max_clip_seconds = d.pop("max_clip_seconds", UNSET)

        min_clip_seconds = d.pop("min_clip_seconds", UNSET)

        _order = d.pop("order", UNSET)
        order: JobOptionsOrder | Unset
        if isinstance(_order,  Unset):
            order = UNSET
        else:
            order = check_job_options_order(_order)




        def _parse_preset(data: object) -> JobOptionsPresetType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                preset_type_0 = check_job_options_preset_type_0(data)



                return preset_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobOptionsPresetType0 | None | Unset, data)

        preset = _parse_preset(d.pop("preset", UNSET))


        _reframe = d.pop("reframe", UNSET)
        reframe: JobOptionsReframe | Unset
        if isinstance(_reframe,  Unset):
            reframe = UNSET
        else:
            reframe = check_job_options_reframe(_reframe)




        job_options = cls(
            analyzer=analyzer,
            aspect_ratios=aspect_ratios,
            caption_style=caption_style,
            captions=captions,
            clip_count=clip_count,
            language=language,
            loudness_lufs=loudness_lufs,
            max_clip_seconds=max_clip_seconds,
            min_clip_seconds=min_clip_seconds,
            order=order,
            preset=preset,
            reframe=reframe,
        )

        return job_options


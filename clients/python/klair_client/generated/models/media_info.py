from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="MediaInfo")



@_attrs_define
class MediaInfo:
    """ What ffprobe learned of the source.

        Attributes:
            container (str):
            duration (float):
            audio_channels (int | None | Unset):
            audio_codec (None | str | Unset):
            audio_sample_rate (int | None | Unset):
            bit_rate (int | None | Unset):
            fps (float | None | Unset):
            hdr (bool | Unset):
            height (int | None | Unset):
            pixel_format (None | str | Unset):
            rotation (int | Unset):
            size_bytes (int | None | Unset):
            vfr (bool | Unset):
            video_codec (None | str | Unset):
            width (int | None | Unset):
     """

    container: str
    duration: float
    audio_channels: int | None | Unset = UNSET
    audio_codec: None | str | Unset = UNSET
    audio_sample_rate: int | None | Unset = UNSET
    bit_rate: int | None | Unset = UNSET
    fps: float | None | Unset = UNSET
    hdr: bool | Unset = UNSET
    height: int | None | Unset = UNSET
    pixel_format: None | str | Unset = UNSET
    rotation: int | Unset = UNSET
    size_bytes: int | None | Unset = UNSET
    vfr: bool | Unset = UNSET
    video_codec: None | str | Unset = UNSET
    width: int | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        container = self.container

        duration = self.duration

        audio_channels: int | None | Unset
        if isinstance(self.audio_channels, Unset):
            audio_channels = UNSET
        else:
            audio_channels = self.audio_channels

        audio_codec: None | str | Unset
        if isinstance(self.audio_codec, Unset):
            audio_codec = UNSET
        else:
            audio_codec = self.audio_codec

        audio_sample_rate: int | None | Unset
        if isinstance(self.audio_sample_rate, Unset):
            audio_sample_rate = UNSET
        else:
            audio_sample_rate = self.audio_sample_rate

        bit_rate: int | None | Unset
        if isinstance(self.bit_rate, Unset):
            bit_rate = UNSET
        else:
            bit_rate = self.bit_rate

        fps: float | None | Unset
        if isinstance(self.fps, Unset):
            fps = UNSET
        else:
            fps = self.fps

        hdr = self.hdr

        height: int | None | Unset
        if isinstance(self.height, Unset):
            height = UNSET
        else:
            height = self.height

        pixel_format: None | str | Unset
        if isinstance(self.pixel_format, Unset):
            pixel_format = UNSET
        else:
            pixel_format = self.pixel_format

        rotation = self.rotation

        size_bytes: int | None | Unset
        if isinstance(self.size_bytes, Unset):
            size_bytes = UNSET
        else:
            size_bytes = self.size_bytes

        vfr = self.vfr

        video_codec: None | str | Unset
        if isinstance(self.video_codec, Unset):
            video_codec = UNSET
        else:
            video_codec = self.video_codec

        width: int | None | Unset
        if isinstance(self.width, Unset):
            width = UNSET
        else:
            width = self.width


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "container": container,
            "duration": duration,
        })
        if audio_channels is not UNSET:
            field_dict["audio_channels"] = audio_channels
        if audio_codec is not UNSET:
            field_dict["audio_codec"] = audio_codec
        if audio_sample_rate is not UNSET:
            field_dict["audio_sample_rate"] = audio_sample_rate
        if bit_rate is not UNSET:
            field_dict["bit_rate"] = bit_rate
        if fps is not UNSET:
            field_dict["fps"] = fps
        if hdr is not UNSET:
            field_dict["hdr"] = hdr
        if height is not UNSET:
            field_dict["height"] = height
        if pixel_format is not UNSET:
            field_dict["pixel_format"] = pixel_format
        if rotation is not UNSET:
            field_dict["rotation"] = rotation
        if size_bytes is not UNSET:
            field_dict["size_bytes"] = size_bytes
        if vfr is not UNSET:
            field_dict["vfr"] = vfr
        if video_codec is not UNSET:
            field_dict["video_codec"] = video_codec
        if width is not UNSET:
            field_dict["width"] = width

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        container = d.pop("container")

        duration = d.pop("duration")

        def _parse_audio_channels(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        audio_channels = _parse_audio_channels(d.pop("audio_channels", UNSET))


        def _parse_audio_codec(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        audio_codec = _parse_audio_codec(d.pop("audio_codec", UNSET))


        def _parse_audio_sample_rate(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        audio_sample_rate = _parse_audio_sample_rate(d.pop("audio_sample_rate", UNSET))


        def _parse_bit_rate(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        bit_rate = _parse_bit_rate(d.pop("bit_rate", UNSET))


        def _parse_fps(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        fps = _parse_fps(d.pop("fps", UNSET))


        hdr = d.pop("hdr", UNSET)

        def _parse_height(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        height = _parse_height(d.pop("height", UNSET))


        def _parse_pixel_format(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pixel_format = _parse_pixel_format(d.pop("pixel_format", UNSET))


        rotation = d.pop("rotation", UNSET)

        def _parse_size_bytes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        size_bytes = _parse_size_bytes(d.pop("size_bytes", UNSET))


        vfr = d.pop("vfr", UNSET)

        def _parse_video_codec(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        video_codec = _parse_video_codec(d.pop("video_codec", UNSET))


        def _parse_width(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        width = _parse_width(d.pop("width", UNSET))


        media_info = cls(
            container=container,
            duration=duration,
            audio_channels=audio_channels,
            audio_codec=audio_codec,
            audio_sample_rate=audio_sample_rate,
            bit_rate=bit_rate,
            fps=fps,
            hdr=hdr,
            height=height,
            pixel_format=pixel_format,
            rotation=rotation,
            size_bytes=size_bytes,
            vfr=vfr,
            video_codec=video_codec,
            width=width,
        )

        return media_info


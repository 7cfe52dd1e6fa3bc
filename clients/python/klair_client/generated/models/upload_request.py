from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.job_kind import check_job_kind
from ..models.job_kind import JobKind
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.job_options import JobOptions





T = TypeVar("T", bound="UploadRequest")



@_attrs_define
class UploadRequest:
    """ 
        Attributes:
            filename (str):
            size_bytes (int): The file's exact size: the session takes no other.
            content_type (str | Unset):
            kind (JobKind | Unset):
            options (JobOptions | Unset): What the user asked for; every field has the default a creator would expect.
     """

    filename: str
    size_bytes: int
    content_type: str | Unset = UNSET
    kind: JobKind | Unset = UNSET
    options: JobOptions | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.job_options import JobOptions # noqa: PLC0415
        filename = self.filename

        size_bytes = self.size_bytes

        content_type = self.content_type

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind


        options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.options, Unset):
            options = self.options.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "filename": filename,
            "size_bytes": size_bytes,
        })
        if content_type is not UNSET:
            field_dict["content_type"] = content_type
        if kind is not UNSET:
            field_dict["kind"] = kind
        if options is not UNSET:
            field_dict["options"] = options

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_options import JobOptions # noqa: PLC0415
        d = dict(src_dict)
        filename = d.pop("filename")

        size_bytes = d.pop("size_bytes")

        content_type = d.pop("content_type", UNSET)

        _kind = d.pop("kind", UNSET)
        kind: JobKind | Unset
        if isinstance(_kind,  Unset):
            kind = UNSET
        else:
            kind = check_job_kind(_kind)




        _options = d.pop("options", UNSET)
        options: JobOptions | Unset
        if isinstance(_options,  Unset):
            options = UNSET
        else:
            options = JobOptions.from_dict(_options)




        upload_request = cls(
            filename=filename,
            size_bytes=size_bytes,
            content_type=content_type,
            kind=kind,
            options=options,
        )

        return upload_request


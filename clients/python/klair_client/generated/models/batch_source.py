from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.job_options import JobOptions





T = TypeVar("T", bound="BatchSource")



@_attrs_define
class BatchSource:
    """ Exactly one of `url` or `upload_id`; `options` overrides the batch's, field by field.

        Attributes:
            options (JobOptions | Unset): What the user asked for; every field has the default a creator would expect.
            upload_id (str | Unset):
            url (str | Unset):
     """

    options: JobOptions | Unset = UNSET
    upload_id: str | Unset = UNSET
    url: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.job_options import JobOptions # noqa: PLC0415
        options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.options, Unset):
            options = self.options.to_dict()

        upload_id = self.upload_id

        url = self.url


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if options is not UNSET:
            field_dict["options"] = options
        if upload_id is not UNSET:
            field_dict["upload_id"] = upload_id
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_options import JobOptions # noqa: PLC0415
        d = dict(src_dict)
        _options = d.pop("options", UNSET)
        options: JobOptions | Unset
        if isinstance(_options,  Unset):
            options = UNSET
        else:
            options = JobOptions.from_dict(_options)




        upload_id = d.pop("upload_id", UNSET)

        url = d.pop("url", UNSET)

        batch_source = cls(
            options=options,
            upload_id=upload_id,
            url=url,
        )

        return batch_source


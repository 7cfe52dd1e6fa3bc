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
  from ..models.batch_source import BatchSource
  from ..models.job_options import JobOptions





T = TypeVar("T", bound="BatchRequest")



@_attrs_define
class BatchRequest:
    """ 
        Attributes:
            items (list[BatchSource]):
            kind (JobKind | Unset):
            options (JobOptions | Unset): What the user asked for; every field has the default a creator would expect.
     """

    items: list[BatchSource]
    kind: JobKind | Unset = UNSET
    options: JobOptions | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.batch_source import BatchSource # noqa: PLC0415
        from ..models.job_options import JobOptions # noqa: PLC0415
        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)



        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind


        options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.options, Unset):
            options = self.options.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "items": items,
        })
        if kind is not UNSET:
            field_dict["kind"] = kind
        if options is not UNSET:
            field_dict["options"] = options

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_source import BatchSource # noqa: PLC0415
        from ..models.job_options import JobOptions # noqa: PLC0415
        d = dict(src_dict)
        items = []
        _items = d.pop("items")
        for items_item_data in (_items):
            items_item = BatchSource.from_dict(items_item_data)



            items.append(items_item)


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




        batch_request = cls(
            items=items,
            kind=kind,
            options=options,
        )

        return batch_request


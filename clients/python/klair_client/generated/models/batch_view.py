from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.batch_view_status import BatchViewStatus
from ..models.batch_view_status import check_batch_view_status
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.batch_item_view import BatchItemView
  from ..models.batch_view_counts import BatchViewCounts





T = TypeVar("T", bound="BatchView")



@_attrs_define
class BatchView:
    """ 
        Attributes:
            batch_id (str):
            counts (BatchViewCounts):
            created_at (datetime.datetime):
            items (list[BatchItemView]):
            items_finished (int):
            items_total (int):
            status (BatchViewStatus):
            status_url (str):
     """

    batch_id: str
    counts: BatchViewCounts
    created_at: datetime.datetime
    items: list[BatchItemView]
    items_finished: int
    items_total: int
    status: BatchViewStatus
    status_url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.batch_item_view import BatchItemView # noqa: PLC0415
        from ..models.batch_view_counts import BatchViewCounts # noqa: PLC0415
        batch_id = self.batch_id

        counts = self.counts.to_dict()

        created_at = self.created_at.isoformat()

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)



        items_finished = self.items_finished

        items_total = self.items_total

        status: str = self.status

        status_url = self.status_url


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "batch_id": batch_id,
            "counts": counts,
            "created_at": created_at,
            "items": items,
            "items_finished": items_finished,
            "items_total": items_total,
            "status": status,
            "status_url": status_url,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_item_view import BatchItemView # noqa: PLC0415
        from ..models.batch_view_counts import BatchViewCounts # noqa: PLC0415
        d = dict(src_dict)
        batch_id = d.pop("batch_id")

        counts = BatchViewCounts.from_dict(d.pop("counts"))




        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        items = []
        _items = d.pop("items")
        for items_item_data in (_items):
            items_item = BatchItemView.from_dict(items_item_data)



            items.append(items_item)


        items_finished = d.pop("items_finished")

        items_total = d.pop("items_total")

        status = check_batch_view_status(d.pop("status"))




        status_url = d.pop("status_url")

        batch_view = cls(
            batch_id=batch_id,
            counts=counts,
            created_at=created_at,
            items=items,
            items_finished=items_finished,
            items_total=items_total,
            status=status,
            status_url=status_url,
        )


        batch_view.additional_properties = d
        return batch_view

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties

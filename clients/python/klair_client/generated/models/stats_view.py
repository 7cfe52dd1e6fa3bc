from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.day_stats import DayStats
  from ..models.totals import Totals





T = TypeVar("T", bound="StatsView")



@_attrs_define
class StatsView:
    """ 
        Attributes:
            avg_processing_seconds_per_source_minute (float | None):
            daily (list[DayStats]):
            since (datetime.datetime):
            success_rate (float | None):
            totals (Totals):
            truncated (bool):
            until (datetime.datetime):
     """

    avg_processing_seconds_per_source_minute: float | None
    daily: list[DayStats]
    since: datetime.datetime
    success_rate: float | None
    totals: Totals
    truncated: bool
    until: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.day_stats import DayStats # noqa: PLC0415
        from ..models.totals import Totals # noqa: PLC0415
        avg_processing_seconds_per_source_minute: float | None
        avg_processing_seconds_per_source_minute = self.avg_processing_seconds_per_source_minute

        daily = []
        for daily_item_data in self.daily:
            daily_item = daily_item_data.to_dict()
            daily.append(daily_item)



        since = self.since.isoformat()

        success_rate: float | None
        success_rate = self.success_rate

        totals = self.totals.to_dict()

        truncated = self.truncated

        until = self.until.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "avg_processing_seconds_per_source_minute": avg_processing_seconds_per_source_minute,
            "daily": daily,
            "since": since,
            "success_rate": success_rate,
            "totals": totals,
            "truncated": truncated,
            "until": until,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.day_stats import DayStats # noqa: PLC0415
        from ..models.totals import Totals # noqa: PLC0415
        d = dict(src_dict)
        def _parse_avg_processing_seconds_per_source_minute(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        avg_processing_seconds_per_source_minute = _parse_avg_processing_seconds_per_source_minute(d.pop("avg_processing_seconds_per_source_minute"))


        daily = []
        _daily = d.pop("daily")
        for daily_item_data in (_daily):
            daily_item = DayStats.from_dict(daily_item_data)



            daily.append(daily_item)


        since = datetime.datetime.fromisoformat(d.pop("since"))




        def _parse_success_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        success_rate = _parse_success_rate(d.pop("success_rate"))


        totals = Totals.from_dict(d.pop("totals"))




        truncated = d.pop("truncated")

        until = datetime.datetime.fromisoformat(d.pop("until"))




        stats_view = cls(
            avg_processing_seconds_per_source_minute=avg_processing_seconds_per_source_minute,
            daily=daily,
            since=since,
            success_rate=success_rate,
            totals=totals,
            truncated=truncated,
            until=until,
        )


        stats_view.additional_properties = d
        return stats_view

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

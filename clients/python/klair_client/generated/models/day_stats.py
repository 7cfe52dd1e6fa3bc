from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="DayStats")



@_attrs_define
class DayStats:
    """ 
        Attributes:
            date (datetime.date):
            clips (int | Unset):
            jobs (int | Unset):
            minutes (float | Unset):
     """

    date: datetime.date
    clips: int | Unset = UNSET
    jobs: int | Unset = UNSET
    minutes: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        date = self.date.isoformat()

        clips = self.clips

        jobs = self.jobs

        minutes = self.minutes


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "date": date,
        })
        if clips is not UNSET:
            field_dict["clips"] = clips
        if jobs is not UNSET:
            field_dict["jobs"] = jobs
        if minutes is not UNSET:
            field_dict["minutes"] = minutes

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        date = datetime.date.fromisoformat(d.pop("date"))




        clips = d.pop("clips", UNSET)

        jobs = d.pop("jobs", UNSET)

        minutes = d.pop("minutes", UNSET)

        day_stats = cls(
            date=date,
            clips=clips,
            jobs=jobs,
            minutes=minutes,
        )


        day_stats.additional_properties = d
        return day_stats

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

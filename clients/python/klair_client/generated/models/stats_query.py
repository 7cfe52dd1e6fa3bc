from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="StatsQuery")



@_attrs_define
class StatsQuery:
    """ 
        Attributes:
            days (int | Unset):
     """

    days: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        days = self.days


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if days is not UNSET:
            field_dict["days"] = days

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        days = d.pop("days", UNSET)

        stats_query = cls(
            days=days,
        )

        return stats_query


from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="ResultsQuery")



@_attrs_define
class ResultsQuery:
    """ 
        Attributes:
            partial (bool | Unset):
     """

    partial: bool | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        partial = self.partial


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if partial is not UNSET:
            field_dict["partial"] = partial

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        partial = d.pop("partial", UNSET)

        results_query = cls(
            partial=partial,
        )

        return results_query


from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="TierLimits")



@_attrs_define
class TierLimits:
    """ 
        Attributes:
            burst (int):
            export_variants (list[str]):
            max_concurrent_jobs (int):
            max_source_minutes (float):
            monthly_minutes (float):
            requests_per_minute (int):
     """

    burst: int
    export_variants: list[str]
    max_concurrent_jobs: int
    max_source_minutes: float
    monthly_minutes: float
    requests_per_minute: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        burst = self.burst

        export_variants = self.export_variants



        max_concurrent_jobs = self.max_concurrent_jobs

        max_source_minutes = self.max_source_minutes

        monthly_minutes = self.monthly_minutes

        requests_per_minute = self.requests_per_minute


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "burst": burst,
            "export_variants": export_variants,
            "max_concurrent_jobs": max_concurrent_jobs,
            "max_source_minutes": max_source_minutes,
            "monthly_minutes": monthly_minutes,
            "requests_per_minute": requests_per_minute,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        burst = d.pop("burst")

        export_variants = cast(list[str], d.pop("export_variants"))


        max_concurrent_jobs = d.pop("max_concurrent_jobs")

        max_source_minutes = d.pop("max_source_minutes")

        monthly_minutes = d.pop("monthly_minutes")

        requests_per_minute = d.pop("requests_per_minute")

        tier_limits = cls(
            burst=burst,
            export_variants=export_variants,
            max_concurrent_jobs=max_concurrent_jobs,
            max_source_minutes=max_source_minutes,
            monthly_minutes=monthly_minutes,
            requests_per_minute=requests_per_minute,
        )


        tier_limits.additional_properties = d
        return tier_limits

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

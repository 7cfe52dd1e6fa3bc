from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.tier_limits import TierLimits





T = TypeVar("T", bound="UsageView")



@_attrs_define
class UsageView:
    """ 
        Attributes:
            jobs (int):
            limits (TierLimits):
            minutes_remaining (float):
            minutes_reserved (float):
            minutes_used (float):
            period (str):
            period_start (datetime.datetime):
            resets_at (datetime.datetime):
            tier (str):
            user_id (str):
     """

    jobs: int
    limits: TierLimits
    minutes_remaining: float
    minutes_reserved: float
    minutes_used: float
    period: str
    period_start: datetime.datetime
    resets_at: datetime.datetime
    tier: str
    user_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.tier_limits import TierLimits # noqa: PLC0415
        jobs = self.jobs

        limits = self.limits.to_dict()

        minutes_remaining = self.minutes_remaining

        minutes_reserved = self.minutes_reserved

        minutes_used = self.minutes_used

        period = self.period

        period_start = self.period_start.isoformat()

        resets_at = self.resets_at.isoformat()

        tier = self.tier

        user_id = self.user_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "jobs": jobs,
            "limits": limits,
            "minutes_remaining": minutes_remaining,
            "minutes_reserved": minutes_reserved,
            "minutes_used": minutes_used,
            "period": period,
            "period_start": period_start,
            "resets_at": resets_at,
            "tier": tier,
            "user_id": user_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tier_limits import TierLimits # noqa: PLC0415
        d = dict(src_dict)
        jobs = d.pop("jobs")

        limits = TierLimits.from_dict(d.pop("limits"))




        minutes_remaining = d.pop("minutes_remaining")

        minutes_reserved = d.pop("minutes_reserved")

        minutes_used = d.pop("minutes_used")

        period = d.pop("period")

        period_start = datetime.datetime.fromisoformat(d.pop("period_start"))




        resets_at = datetime.datetime.fromisoformat(d.pop("resets_at"))




        tier = d.pop("tier")

        user_id = d.pop("user_id")

        usage_view = cls(
            jobs=jobs,
            limits=limits,
            minutes_remaining=minutes_remaining,
            minutes_reserved=minutes_reserved,
            minutes_used=minutes_used,
            period=period,
            period_start=period_start,
            resets_at=resets_at,
            tier=tier,
            user_id=user_id,
        )


        usage_view.additional_properties = d
        return usage_view

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

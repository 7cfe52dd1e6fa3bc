from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="Totals")



@_attrs_define
class Totals:
    """ 
        Attributes:
            active (int | Unset):
            cancelled (int | Unset):
            clips (int | Unset):
            completed (int | Unset):
            failed (int | Unset):
            jobs (int | Unset):
            source_minutes (float | Unset):
     """

    active: int | Unset = UNSET
    cancelled: int | Unset = UNSET
    clips: int | Unset = UNSET
    completed: int | Unset = UNSET
    failed: int | Unset = UNSET
    jobs: int | Unset = UNSET
    source_minutes: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        active = self.active

        cancelled = self.cancelled

        clips = self.clips

        completed = self.completed

        failed = self.failed

        jobs = self.jobs

        source_minutes = self.source_minutes


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if active is not UNSET:
            field_dict["active"] = active
        if cancelled is not UNSET:
            field_dict["cancelled"] = cancelled
        if clips is not UNSET:
            field_dict["clips"] = clips
        if completed is not UNSET:
            field_dict["completed"] = completed
        if failed is not UNSET:
            field_dict["failed"] = failed
        if jobs is not UNSET:
            field_dict["jobs"] = jobs
        if source_minutes is not UNSET:
            field_dict["source_minutes"] = source_minutes

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active", UNSET)

        cancelled = d.pop("cancelled", UNSET)

        clips = d.pop("clips", UNSET)

        completed = d.pop("completed", UNSET)

        failed = d.pop("failed", UNSET)

        jobs = d.pop("jobs", UNSET)

        source_minutes = d.pop("source_minutes", UNSET)

        totals = cls(
            active=active,
            cancelled=cancelled,
            clips=clips,
            completed=completed,
            failed=failed,
            jobs=jobs,
            source_minutes=source_minutes,
        )


        totals.additional_properties = d
        return totals

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

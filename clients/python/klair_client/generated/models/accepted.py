from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.job_kind import check_job_kind
from ..models.job_kind import JobKind
from ..models.job_status import check_job_status
from ..models.job_status import JobStatus
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="Accepted")



@_attrs_define
class Accepted:
    """ 
        Attributes:
            created_at (datetime.datetime):
            job_id (str):
            kind (JobKind):
            status (JobStatus):
            status_url (str):
            estimated_completion_at (datetime.datetime | None | Unset):
            eta_seconds (float | None | Unset):
            queue_position (int | None | Unset):
     """

    created_at: datetime.datetime
    job_id: str
    kind: JobKind
    status: JobStatus
    status_url: str
    estimated_completion_at: datetime.datetime | None | Unset = UNSET
    eta_seconds: float | None | Unset = UNSET
    queue_position: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        job_id = self.job_id

        kind: str = self.kind

        status: str = self.status

        status_url = self.status_url

        estimated_completion_at: None | str | Unset
        if isinstance(self.estimated_completion_at, Unset):
            estimated_completion_at = UNSET
        elif isinstance(self.estimated_completion_at, datetime.datetime):
            estimated_completion_at = self.estimated_completion_at.isoformat()
        else:
            estimated_completion_at = self.estimated_completion_at

        eta_seconds: float | None | Unset
        if isinstance(self.eta_seconds, Unset):
            eta_seconds = UNSET
        else:
            eta_seconds = self.eta_seconds

        queue_position: int | None | Unset
        if isinstance(self.queue_position, Unset):
            queue_position = UNSET
        else:
            queue_position = self.queue_position


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "job_id": job_id,
            "kind": kind,
            "status": status,
            "status_url": status_url,
        })
        if estimated_completion_at is not UNSET:
            field_dict["estimated_completion_at"] = estimated_completion_at
        if eta_seconds is not UNSET:
            field_dict["eta_seconds"] = eta_seconds
        if queue_position is not UNSET:
            field_dict["queue_position"] = queue_position

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        job_id = d.pop("job_id")

        kind = check_job_kind(d.pop("kind"))




        status = check_job_status(d.pop("status"))




        status_url = d.pop("status_url")

        def _parse_estimated_completion_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                estimated_completion_at_type_0 = datetime.datetime.fromisoformat(data)



                return estimated_completion_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        estimated_completion_at = _parse_estimated_completion_at(d.pop("estimated_completion_at", UNSET))


        def _parse_eta_seconds(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        eta_seconds = _parse_eta_seconds(d.pop("eta_seconds", UNSET))


        def _parse_queue_position(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        queue_position = _parse_queue_position(d.pop("queue_position", UNSET))


        accepted = cls(
            created_at=created_at,
            job_id=job_id,
            kind=kind,
            status=status,
            status_url=status_url,
            estimated_completion_at=estimated_completion_at,
            eta_seconds=eta_seconds,
            queue_position=queue_position,
        )


        accepted.additional_properties = d
        return accepted

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

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
from typing import Literal, cast
import datetime

if TYPE_CHECKING:
  from ..models.upload_ticket_upload_headers import UploadTicketUploadHeaders





T = TypeVar("T", bound="UploadTicket")



@_attrs_define
class UploadTicket:
    """ Where the file goes: `upload_url` is a Cloud Storage resumable upload session
    (`upload_protocol` "gcs-resumable") that takes exactly `upload_size_bytes` bytes and
    writes the upload once, whose arrival queues the job.

    One `PUT` of the whole file with `upload_headers` uploads it, as before. To survive a
    dropped connection, `PUT` chunks (multiples of 256 KiB but the last) with
    `Content-Range: bytes FIRST-LAST/SIZE`: 308 with `Range: bytes=0-N` until the last;
    after a cut, `PUT` an empty body with `Content-Range: bytes */SIZE` to learn N, and go
    on from N+1. The URL is the only credential needed: keep it private. It works until
    `upload_expires_at`, when a job still waiting for its file fails `upload_expired`.

        Attributes:
            created_at (datetime.datetime):
            job_id (str):
            kind (JobKind):
            object_name (str):
            status (JobStatus):
            status_url (str):
            upload_expires_at (datetime.datetime):
            upload_headers (UploadTicketUploadHeaders): Headers for a one-request upload.
            upload_id (str):
            upload_size_bytes (int): The exact size the session accepts.
            upload_url (str): The resumable upload session URI.
            estimated_completion_at (datetime.datetime | None | Unset):
            eta_seconds (float | None | Unset):
            queue_position (int | None | Unset):
            upload_method (str | Unset):
            upload_protocol (Literal['gcs-resumable'] | Unset):
     """

    created_at: datetime.datetime
    job_id: str
    kind: JobKind
    object_name: str
    status: JobStatus
    status_url: str
    upload_expires_at: datetime.datetime
    upload_headers: UploadTicketUploadHeaders
    upload_id: str
    upload_size_bytes: int
    upload_url: str
    estimated_completion_at: datetime.datetime | None | Unset = UNSET
    eta_seconds: float | None | Unset = UNSET
    queue_position: int | None | Unset = UNSET
    upload_method: str | Unset = UNSET
    upload_protocol: Literal['gcs-resumable'] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.upload_ticket_upload_headers import UploadTicketUploadHeaders # noqa: PLC0415
        created_at = self.created_at.isoformat()

        job_id = self.job_id

        kind: str = self.kind

        object_name = self.object_name

        status: str = self.status

        status_url = self.status_url

        upload_expires_at = self.upload_expires_at.isoformat()

        upload_headers = self.upload_headers.to_dict()

        upload_id = self.upload_id

        upload_size_bytes = self.upload_size_bytes

        upload_url = self.upload_url

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

        upload_method = self.upload_method

        upload_protocol = self.upload_protocol


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "job_id": job_id,
            "kind": kind,
            "object_name": object_name,
            "status": status,
            "status_url": status_url,
            "upload_expires_at": upload_expires_at,
            "upload_headers": upload_headers,
            "upload_id": upload_id,
            "upload_size_bytes": upload_size_bytes,
            "upload_url": upload_url,
        })
        if estimated_completion_at is not UNSET:
            field_dict["estimated_completion_at"] = estimated_completion_at
        if eta_seconds is not UNSET:
            field_dict["eta_seconds"] = eta_seconds
        if queue_position is not UNSET:
            field_dict["queue_position"] = queue_position
        if upload_method is not UNSET:
            field_dict["upload_method"] = upload_method
        if upload_protocol is not UNSET:
            field_dict["upload_protocol"] = upload_protocol

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.upload_ticket_upload_headers import UploadTicketUploadHeaders # noqa: PLC0415
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        job_id = d.pop("job_id")

        kind = check_job_kind(d.pop("kind"))




        object_name = d.pop("object_name")

        status = check_job_status(d.pop("status"))




        status_url = d.pop("status_url")

        upload_expires_at = datetime.datetime.fromisoformat(d.pop("upload_expires_at"))




        upload_headers = UploadTicketUploadHeaders.from_dict(d.pop("upload_headers"))




        upload_id = d.pop("upload_id")

        upload_size_bytes = d.pop("upload_size_bytes")

        upload_url = d.pop("upload_url")

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


        upload_method = d.pop("upload_method", UNSET)

        upload_protocol = cast(Literal['gcs-resumable'] | Unset , d.pop("upload_protocol", UNSET))
        if upload_protocol != 'gcs-resumable'and not isinstance(upload_protocol, Unset):
            raise ValueError(f"upload_protocol must match const 'gcs-resumable', got '{upload_protocol}'")

        upload_ticket = cls(
            created_at=created_at,
            job_id=job_id,
            kind=kind,
            object_name=object_name,
            status=status,
            status_url=status_url,
            upload_expires_at=upload_expires_at,
            upload_headers=upload_headers,
            upload_id=upload_id,
            upload_size_bytes=upload_size_bytes,
            upload_url=upload_url,
            estimated_completion_at=estimated_completion_at,
            eta_seconds=eta_seconds,
            queue_position=queue_position,
            upload_method=upload_method,
            upload_protocol=upload_protocol,
        )


        upload_ticket.additional_properties = d
        return upload_ticket

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

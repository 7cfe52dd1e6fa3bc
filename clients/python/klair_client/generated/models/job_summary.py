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
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.job_error import JobError
  from ..models.source_view import SourceView





T = TypeVar("T", bound="JobSummary")



@_attrs_define
class JobSummary:
    """ One row of the job listing.

        Attributes:
            clips_ready (int):
            created_at (datetime.datetime):
            error (JobError | None):
            job_id (str):
            kind (JobKind):
            progress (float):
            source (SourceView):
            stage (None | str):
            status (JobStatus):
            status_url (str):
            updated_at (datetime.datetime):
     """

    clips_ready: int
    created_at: datetime.datetime
    error: JobError | None
    job_id: str
    kind: JobKind
    progress: float
    source: SourceView
    stage: None | str
    status: JobStatus
    status_url: str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.job_error import JobError # noqa: PLC0415
        from ..models.source_view import SourceView # noqa: PLC0415
        clips_ready = self.clips_ready

        created_at = self.created_at.isoformat()

        error: dict[str, Any] | None
        if isinstance(self.error, JobError):
            error = self.error.to_dict()
        else:
            error = self.error

        job_id = self.job_id

        kind: str = self.kind

        progress = self.progress

        source = self.source.to_dict()

        stage: None | str
        stage = self.stage

        status: str = self.status

        status_url = self.status_url

        updated_at = self.updated_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "clips_ready": clips_ready,
            "created_at": created_at,
            "error": error,
            "job_id": job_id,
            "kind": kind,
            "progress": progress,
            "source": source,
            "stage": stage,
            "status": status,
            "status_url": status_url,
            "updated_at": updated_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_error import JobError # noqa: PLC0415
        from ..models.source_view import SourceView # noqa: PLC0415
        d = dict(src_dict)
        clips_ready = d.pop("clips_ready")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_error(data: object) -> JobError | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = JobError.from_dict(data)



                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobError | None, data)

        error = _parse_error(d.pop("error"))


        job_id = d.pop("job_id")

        kind = check_job_kind(d.pop("kind"))




        progress = d.pop("progress")

        source = SourceView.from_dict(d.pop("source"))




        def _parse_stage(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        stage = _parse_stage(d.pop("stage"))


        status = check_job_status(d.pop("status"))




        status_url = d.pop("status_url")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




        job_summary = cls(
            clips_ready=clips_ready,
            created_at=created_at,
            error=error,
            job_id=job_id,
            kind=kind,
            progress=progress,
            source=source,
            stage=stage,
            status=status,
            status_url=status_url,
            updated_at=updated_at,
        )


        job_summary.additional_properties = d
        return job_summary

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

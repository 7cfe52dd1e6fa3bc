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

if TYPE_CHECKING:
  from ..models.export_view import ExportView
  from ..models.job_error import JobError
  from ..models.notification_view import NotificationView
  from ..models.status_view_chunks import StatusViewChunks
  from ..models.status_view_timings import StatusViewTimings





T = TypeVar("T", bound="StatusView")



@_attrs_define
class StatusView:
    """ 
        Attributes:
            chunks (StatusViewChunks):
            clips_ready (int):
            clips_total (int):
            created_at (datetime.datetime):
            error (JobError | None):
            export (ExportView | None):
            job_id (str):
            kind (JobKind):
            language (None | str):
            notifications (list[NotificationView]):
            progress (float):
            results_url (str):
            stage (None | str):
            stalled (bool):
            status (JobStatus):
            tier (str):
            timings (StatusViewTimings):
            updated_at (datetime.datetime):
            estimated_completion_at (datetime.datetime | None | Unset):
            eta_seconds (float | None | Unset):
            queue_position (int | None | Unset):
     """

    chunks: StatusViewChunks
    clips_ready: int
    clips_total: int
    created_at: datetime.datetime
    error: JobError | None
    export: ExportView | None
    job_id: str
    kind: JobKind
    language: None | str
    notifications: list[NotificationView]
    progress: float
    results_url: str
    stage: None | str
    stalled: bool
    status: JobStatus
    tier: str
    timings: StatusViewTimings
    updated_at: datetime.datetime
    estimated_completion_at: datetime.datetime | None | Unset = UNSET
    eta_seconds: float | None | Unset = UNSET
    queue_position: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.export_view import ExportView # noqa: PLC0415
        from ..models.job_error import JobError # noqa: PLC0415
        from ..models.notification_view import NotificationView # noqa: PLC0415
        from ..models.status_view_chunks import StatusViewChunks # noqa: PLC0415
        from ..models.status_view_timings import StatusViewTimings # noqa: PLC0415
        chunks = self.chunks.to_dict()

        clips_ready = self.clips_ready

        clips_total = self.clips_total

        created_at = self.created_at.isoformat()

        error: dict[str, Any] | None
        if isinstance(self.error, JobError):
            error = self.error.to_dict()
        else:
            error = self.error

        export: dict[str, Any] | None
        if isinstance(self.export, ExportView):
            export = self.export.to_dict()
        else:
            export = self.export

        job_id = self.job_id

        kind: str = self.kind

        language: None | str
        language = self.language

        notifications = []
        for notifications_item_data in self.notifications:
            notifications_item = notifications_item_data.to_dict()
            notifications.append(notifications_item)



        progress = self.progress

        results_url = self.results_url

        stage: None | str
        stage = self.stage

        stalled = self.stalled

        status: str = self.status

        tier = self.tier

        timings = self.timings.to_dict()

        updated_at = self.updated_at.isoformat()

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
            "chunks": chunks,
            "clips_ready": clips_ready,
            "clips_total": clips_total,
            "created_at": created_at,
            "error": error,
            "export": export,
            "job_id": job_id,
            "kind": kind,
            "language": language,
            "notifications": notifications,
            "progress": progress,
            "results_url": results_url,
            "stage": stage,
            "stalled": stalled,
            "status": status,
            "tier": tier,
            "timings": timings,
            "updated_at": updated_at,
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
        from ..models.export_view import ExportView # noqa: PLC0415
        from ..models.job_error import JobError # noqa: PLC0415
        from ..models.notification_view import NotificationView # noqa: PLC0415
        from ..models.status_view_chunks import StatusViewChunks # noqa: PLC0415
        from ..models.status_view_timings import StatusViewTimings # noqa: PLC0415
        d = dict(src_dict)
        chunks = StatusViewChunks.from_dict(d.pop("chunks"))




        clips_ready = d.pop("clips_ready")

        clips_total = d.pop("clips_total")

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


        def _parse_export(data: object) -> ExportView | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                export_type_0 = ExportView.from_dict(data)



                return export_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExportView | None, data)

        export = _parse_export(d.pop("export"))


        job_id = d.pop("job_id")

        kind = check_job_kind(d.pop("kind"))




        def _parse_language(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        language = _parse_language(d.pop("language"))


        notifications = []
        _notifications = d.pop("notifications")
        for notifications_item_data in (_notifications):
            notifications_item = NotificationView.from_dict(notifications_item_data)



            notifications.append(notifications_item)


        progress = d.pop("progress")

        results_url = d.pop("results_url")

        def _parse_stage(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        stage = _parse_stage(d.pop("stage"))


        stalled = d.pop("stalled")

        status = check_job_status(d.pop("status"))




        tier = d.pop("tier")

        timings = StatusViewTimings.from_dict(d.pop("timings"))




        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))




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


        status_view = cls(
            chunks=chunks,
            clips_ready=clips_ready,
            clips_total=clips_total,
            created_at=created_at,
            error=error,
            export=export,
            job_id=job_id,
            kind=kind,
            language=language,
            notifications=notifications,
            progress=progress,
            results_url=results_url,
            stage=stage,
            stalled=stalled,
            status=status,
            tier=tier,
            timings=timings,
            updated_at=updated_at,
            estimated_completion_at=estimated_completion_at,
            eta_seconds=eta_seconds,
            queue_position=queue_position,
        )


        status_view.additional_properties = d
        return status_view

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

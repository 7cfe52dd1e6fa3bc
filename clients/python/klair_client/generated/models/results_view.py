from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.job_status import check_job_status
from ..models.job_status import JobStatus
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.clip_view import ClipView
  from ..models.cost import Cost
  from ..models.job_error import JobError
  from ..models.media_info import MediaInfo
  from ..models.results_insights import ResultsInsights
  from ..models.results_view_transcript_urls import ResultsViewTranscriptUrls





T = TypeVar("T", bound="ResultsView")



@_attrs_define
class ResultsView:
    """ 
        Attributes:
            clips (list[ClipView]):
            clips_total (int):
            cost (Cost): Tokens and dollars spent on model calls: one call's, or a job's running total.
            error (JobError | None):
            insights (ResultsInsights): The job's clips measured against its source (named apart from the domain's
                `Insights`,
                which `analysis` holds: client generators name models by their title).
            job_id (str):
            media (MediaInfo | None):
            partial (bool):
            status (JobStatus):
            transcript_urls (ResultsViewTranscriptUrls):
            urls_expire_at (datetime.datetime):
     """

    clips: list[ClipView]
    clips_total: int
    cost: Cost
    error: JobError | None
    insights: ResultsInsights
    job_id: str
    media: MediaInfo | None
    partial: bool
    status: JobStatus
    transcript_urls: ResultsViewTranscriptUrls
    urls_expire_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.clip_view import ClipView # noqa: PLC0415
        from ..models.cost import Cost # noqa: PLC0415
        from ..models.job_error import JobError # noqa: PLC0415
        from ..models.media_info import MediaInfo # noqa: PLC0415
        from ..models.results_insights import ResultsInsights # noqa: PLC0415
        from ..models.results_view_transcript_urls import ResultsViewTranscriptUrls # noqa: PLC0415
        clips = []
        for clips_item_data in self.clips:
            clips_item = clips_item_data.to_dict()
            clips.append(clips_item)



        clips_total = self.clips_total

        cost = self.cost.to_dict()

        error: dict[str, Any] | None
        if isinstance(self.error, JobError):
            error = self.error.to_dict()
        else:
            error = self.error

        insights = self.insights.to_dict()

        job_id = self.job_id

        media: dict[str, Any] | None
        if isinstance(self.media, MediaInfo):
            media = self.media.to_dict()
        else:
            media = self.media

        partial = self.partial

        status: str = self.status

        transcript_urls = self.transcript_urls.to_dict()

        urls_expire_at = self.urls_expire_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "clips": clips,
            "clips_total": clips_total,
            "cost": cost,
            "error": error,
            "insights": insights,
            "job_id": job_id,
            "media": media,
            "partial": partial,
            "status": status,
            "transcript_urls": transcript_urls,
            "urls_expire_at": urls_expire_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.clip_view import ClipView # noqa: PLC0415
        from ..models.cost import Cost # noqa: PLC0415
        from ..models.job_error import JobError # noqa: PLC0415
        from ..models.media_info import MediaInfo # noqa: PLC0415
        from ..models.results_insights import ResultsInsights # noqa: PLC0415
        from ..models.results_view_transcript_urls import ResultsViewTranscriptUrls # noqa: PLC0415
        d = dict(src_dict)
        clips = []
        _clips = d.pop("clips")
        for clips_item_data in (_clips):
            clips_item = ClipView.from_dict(clips_item_data)



            clips.append(clips_item)


        clips_total = d.pop("clips_total")

        cost = Cost.from_dict(d.pop("cost"))




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


        insights = ResultsInsights.from_dict(d.pop("insights"))




        job_id = d.pop("job_id")

        def _parse_media(data: object) -> MediaInfo | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                media_type_0 = MediaInfo.from_dict(data)



                return media_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MediaInfo | None, data)

        media = _parse_media(d.pop("media"))


        partial = d.pop("partial")

        status = check_job_status(d.pop("status"))




        transcript_urls = ResultsViewTranscriptUrls.from_dict(d.pop("transcript_urls"))




        urls_expire_at = datetime.datetime.fromisoformat(d.pop("urls_expire_at"))




        results_view = cls(
            clips=clips,
            clips_total=clips_total,
            cost=cost,
            error=error,
            insights=insights,
            job_id=job_id,
            media=media,
            partial=partial,
            status=status,
            transcript_urls=transcript_urls,
            urls_expire_at=urls_expire_at,
        )


        results_view.additional_properties = d
        return results_view

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

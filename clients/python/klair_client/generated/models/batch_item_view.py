from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.job_summary import JobSummary





T = TypeVar("T", bound="BatchItemView")



@_attrs_define
class BatchItemView:
    """ 
        Attributes:
            index (int):
            job (JobSummary | None):
            job_id (str):
            status (str):
            upload_id (None | str):
            url (None | str):
     """

    index: int
    job: JobSummary | None
    job_id: str
    status: str
    upload_id: None | str
    url: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.job_summary import JobSummary # noqa: PLC0415
        index = self.index

        job: dict[str, Any] | None
        if isinstance(self.job, JobSummary):
            job = self.job.to_dict()
        else:
            job = self.job

        job_id = self.job_id

        status = self.status

        upload_id: None | str
        upload_id = self.upload_id

        url: None | str
        url = self.url


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "index": index,
            "job": job,
            "job_id": job_id,
            "status": status,
            "upload_id": upload_id,
            "url": url,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_summary import JobSummary # noqa: PLC0415
        d = dict(src_dict)
        index = d.pop("index")

        def _parse_job(data: object) -> JobSummary | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                job_type_0 = JobSummary.from_dict(data)



                return job_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobSummary | None, data)

        job = _parse_job(d.pop("job"))


        job_id = d.pop("job_id")

        status = d.pop("status")

        def _parse_upload_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        upload_id = _parse_upload_id(d.pop("upload_id"))


        def _parse_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        url = _parse_url(d.pop("url"))


        batch_item_view = cls(
            index=index,
            job=job,
            job_id=job_id,
            status=status,
            upload_id=upload_id,
            url=url,
        )


        batch_item_view.additional_properties = d
        return batch_item_view

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

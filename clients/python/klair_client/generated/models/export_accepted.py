from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="ExportAccepted")



@_attrs_define
class ExportAccepted:
    """ 
        Attributes:
            clips (list[str]):
            export_id (str):
            job_id (str):
            results_url (str):
            status_url (str):
            variants (list[str]):
     """

    clips: list[str]
    export_id: str
    job_id: str
    results_url: str
    status_url: str
    variants: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        clips = self.clips



        export_id = self.export_id

        job_id = self.job_id

        results_url = self.results_url

        status_url = self.status_url

        variants = self.variants




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "clips": clips,
            "export_id": export_id,
            "job_id": job_id,
            "results_url": results_url,
            "status_url": status_url,
            "variants": variants,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        clips = cast(list[str], d.pop("clips"))


        export_id = d.pop("export_id")

        job_id = d.pop("job_id")

        results_url = d.pop("results_url")

        status_url = d.pop("status_url")

        variants = cast(list[str], d.pop("variants"))


        export_accepted = cls(
            clips=clips,
            export_id=export_id,
            job_id=job_id,
            results_url=results_url,
            status_url=status_url,
            variants=variants,
        )


        export_accepted.additional_properties = d
        return export_accepted

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

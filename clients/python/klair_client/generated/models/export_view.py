from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.export_state import check_export_state
from ..models.export_state import ExportState
from typing import cast
import datetime






T = TypeVar("T", bound="ExportView")



@_attrs_define
class ExportView:
    """ The latest re-export of the job's clips (`POST /api/klair/export`).

        Attributes:
            clips_done (int):
            clips_failed (int):
            clips_total (int):
            export_id (str):
            finished_at (datetime.datetime | None):
            progress (float):
            requested_at (datetime.datetime):
            started_at (datetime.datetime | None):
            state (ExportState):
            variants (list[str]):
     """

    clips_done: int
    clips_failed: int
    clips_total: int
    export_id: str
    finished_at: datetime.datetime | None
    progress: float
    requested_at: datetime.datetime
    started_at: datetime.datetime | None
    state: ExportState
    variants: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        clips_done = self.clips_done

        clips_failed = self.clips_failed

        clips_total = self.clips_total

        export_id = self.export_id

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        progress = self.progress

        requested_at = self.requested_at.isoformat()

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        state: str = self.state

        variants = self.variants




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "clips_done": clips_done,
            "clips_failed": clips_failed,
            "clips_total": clips_total,
            "export_id": export_id,
            "finished_at": finished_at,
            "progress": progress,
            "requested_at": requested_at,
            "started_at": started_at,
            "state": state,
            "variants": variants,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        clips_done = d.pop("clips_done")

        clips_failed = d.pop("clips_failed")

        clips_total = d.pop("clips_total")

        export_id = d.pop("export_id")

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)



                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))


        progress = d.pop("progress")

        requested_at = datetime.datetime.fromisoformat(d.pop("requested_at"))




        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)



                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))


        state = check_export_state(d.pop("state"))




        variants = cast(list[str], d.pop("variants"))


        export_view = cls(
            clips_done=clips_done,
            clips_failed=clips_failed,
            clips_total=clips_total,
            export_id=export_id,
            finished_at=finished_at,
            progress=progress,
            requested_at=requested_at,
            started_at=started_at,
            state=state,
            variants=variants,
        )


        export_view.additional_properties = d
        return export_view

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

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.clip_view_origin import check_clip_view_origin
from ..models.clip_view_origin import ClipViewOrigin
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.clip_view_evidence import ClipViewEvidence
  from ..models.clip_view_scores import ClipViewScores
  from ..models.clip_view_urls import ClipViewUrls
  from ..models.export_failure import ExportFailure





T = TypeVar("T", bound="ClipView")



@_attrs_define
class ClipView:
    """ 
        Attributes:
            duration (float):
            end (float):
            evidence (ClipViewEvidence):
            id (str):
            origin (ClipViewOrigin):
            rank (int):
            reason (str):
            score (float):
            scores (ClipViewScores):
            start (float):
            transcript (str):
            urls (ClipViewUrls):
            export_error (ExportFailure | None | Unset):
     """

    duration: float
    end: float
    evidence: ClipViewEvidence
    id: str
    origin: ClipViewOrigin
    rank: int
    reason: str
    score: float
    scores: ClipViewScores
    start: float
    transcript: str
    urls: ClipViewUrls
    export_error: ExportFailure | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.clip_view_evidence import ClipViewEvidence # noqa: PLC0415
        from ..models.clip_view_scores import ClipViewScores # noqa: PLC0415
        from ..models.clip_view_urls import ClipViewUrls # noqa: PLC0415
        from ..models.export_failure import ExportFailure # noqa: PLC0415
        duration = self.duration

        end = self.end

        evidence = self.evidence.to_dict()

        id = self.id

        origin: str = self.origin

        rank = self.rank

        reason = self.reason

        score = self.score

        scores = self.scores.to_dict()

        start = self.start

        transcript = self.transcript

        urls = self.urls.to_dict()

        export_error: dict[str, Any] | None | Unset
        if isinstance(self.export_error, Unset):
            export_error = UNSET
        elif isinstance(self.export_error, ExportFailure):
            export_error = self.export_error.to_dict()
        else:
            export_error = self.export_error


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "duration": duration,
            "end": end,
            "evidence": evidence,
            "id": id,
            "origin": origin,
            "rank": rank,
            "reason": reason,
            "score": score,
            "scores": scores,
            "start": start,
            "transcript": transcript,
            "urls": urls,
        })
        if export_error is not UNSET:
            field_dict["export_error"] = export_error

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.clip_view_evidence import ClipViewEvidence # noqa: PLC0415
        from ..models.clip_view_scores import ClipViewScores # noqa: PLC0415
        from ..models.clip_view_urls import ClipViewUrls # noqa: PLC0415
        from ..models.export_failure import ExportFailure # noqa: PLC0415
        d = dict(src_dict)
        duration = d.pop("duration")

        end = d.pop("end")

        evidence = ClipViewEvidence.from_dict(d.pop("evidence"))




        id = d.pop("id")

        origin = check_clip_view_origin(d.pop("origin"))




        rank = d.pop("rank")

        reason = d.pop("reason")

        score = d.pop("score")

        scores = ClipViewScores.from_dict(d.pop("scores"))




        start = d.pop("start")

        transcript = d.pop("transcript")

        urls = ClipViewUrls.from_dict(d.pop("urls"))




        def _parse_export_error(data: object) -> ExportFailure | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                export_error_type_0 = ExportFailure.from_dict(data)



                return export_error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExportFailure | None | Unset, data)

        export_error = _parse_export_error(d.pop("export_error", UNSET))


        clip_view = cls(
            duration=duration,
            end=end,
            evidence=evidence,
            id=id,
            origin=origin,
            rank=rank,
            reason=reason,
            score=score,
            scores=scores,
            start=start,
            transcript=transcript,
            urls=urls,
            export_error=export_error,
        )


        clip_view.additional_properties = d
        return clip_view

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

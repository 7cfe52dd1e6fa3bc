from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.quote_evidence import QuoteEvidence
  from ..models.quote_scores import QuoteScores





T = TypeVar("T", bound="Quote")



@_attrs_define
class Quote:
    """ 
        Attributes:
            end (float):
            evidence (QuoteEvidence):
            reason (str):
            score (float):
            scores (QuoteScores):
            start (float):
            text (str):
     """

    end: float
    evidence: QuoteEvidence
    reason: str
    score: float
    scores: QuoteScores
    start: float
    text: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.quote_evidence import QuoteEvidence # noqa: PLC0415
        from ..models.quote_scores import QuoteScores # noqa: PLC0415
        end = self.end

        evidence = self.evidence.to_dict()

        reason = self.reason

        score = self.score

        scores = self.scores.to_dict()

        start = self.start

        text = self.text


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "end": end,
            "evidence": evidence,
            "reason": reason,
            "score": score,
            "scores": scores,
            "start": start,
            "text": text,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.quote_evidence import QuoteEvidence # noqa: PLC0415
        from ..models.quote_scores import QuoteScores # noqa: PLC0415
        d = dict(src_dict)
        end = d.pop("end")

        evidence = QuoteEvidence.from_dict(d.pop("evidence"))




        reason = d.pop("reason")

        score = d.pop("score")

        scores = QuoteScores.from_dict(d.pop("scores"))




        start = d.pop("start")

        text = d.pop("text")

        quote = cls(
            end=end,
            evidence=evidence,
            reason=reason,
            score=score,
            scores=scores,
            start=start,
            text=text,
        )


        quote.additional_properties = d
        return quote

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

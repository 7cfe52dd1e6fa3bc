from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.insights import Insights
  from ..models.results_insights_mean_scores import ResultsInsightsMeanScores





T = TypeVar("T", bound="ResultsInsights")



@_attrs_define
class ResultsInsights:
    """ The job's clips measured against its source (named apart from the domain's `Insights`,
    which `analysis` holds: client generators name models by their title).

        Attributes:
            analysis (Insights | None):
            clips_seconds (float):
            coverage (float | None):
            mean_scores (ResultsInsightsMeanScores):
            source_seconds (float | None):
            strongest_criterion (None | str):
     """

    analysis: Insights | None
    clips_seconds: float
    coverage: float | None
    mean_scores: ResultsInsightsMeanScores
    source_seconds: float | None
    strongest_criterion: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.insights import Insights # noqa: PLC0415
        from ..models.results_insights_mean_scores import ResultsInsightsMeanScores # noqa: PLC0415
        analysis: dict[str, Any] | None
        if isinstance(self.analysis, Insights):
            analysis = self.analysis.to_dict()
        else:
            analysis = self.analysis

        clips_seconds = self.clips_seconds

        coverage: float | None
        coverage = self.coverage

        mean_scores = self.mean_scores.to_dict()

        source_seconds: float | None
        source_seconds = self.source_seconds

        strongest_criterion: None | str
        strongest_criterion = self.strongest_criterion


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "analysis": analysis,
            "clips_seconds": clips_seconds,
            "coverage": coverage,
            "mean_scores": mean_scores,
            "source_seconds": source_seconds,
            "strongest_criterion": strongest_criterion,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.insights import Insights # noqa: PLC0415
        from ..models.results_insights_mean_scores import ResultsInsightsMeanScores # noqa: PLC0415
        d = dict(src_dict)
        def _parse_analysis(data: object) -> Insights | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                analysis_type_0 = Insights.from_dict(data)



                return analysis_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Insights | None, data)

        analysis = _parse_analysis(d.pop("analysis"))


        clips_seconds = d.pop("clips_seconds")

        def _parse_coverage(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        coverage = _parse_coverage(d.pop("coverage"))


        mean_scores = ResultsInsightsMeanScores.from_dict(d.pop("mean_scores"))




        def _parse_source_seconds(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        source_seconds = _parse_source_seconds(d.pop("source_seconds"))


        def _parse_strongest_criterion(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        strongest_criterion = _parse_strongest_criterion(d.pop("strongest_criterion"))


        results_insights = cls(
            analysis=analysis,
            clips_seconds=clips_seconds,
            coverage=coverage,
            mean_scores=mean_scores,
            source_seconds=source_seconds,
            strongest_criterion=strongest_criterion,
        )


        results_insights.additional_properties = d
        return results_insights

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

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.chapter import Chapter
  from ..models.keyword import Keyword
  from ..models.quote import Quote





T = TypeVar("T", bound="Insights")



@_attrs_define
class Insights:
    """ What `insights.json` holds for a job.

        Attributes:
            chapters (list[Chapter]):
            duration (float):
            keywords (list[Keyword]):
            language (str):
            quotes (list[Quote]):
            speech_seconds (float):
            word_count (int):
            words_per_minute (float):
            version (int | Unset):
     """

    chapters: list[Chapter]
    duration: float
    keywords: list[Keyword]
    language: str
    quotes: list[Quote]
    speech_seconds: float
    word_count: int
    words_per_minute: float
    version: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.chapter import Chapter # noqa: PLC0415
        from ..models.keyword import Keyword # noqa: PLC0415
        from ..models.quote import Quote # noqa: PLC0415
        chapters = []
        for chapters_item_data in self.chapters:
            chapters_item = chapters_item_data.to_dict()
            chapters.append(chapters_item)



        duration = self.duration

        keywords = []
        for keywords_item_data in self.keywords:
            keywords_item = keywords_item_data.to_dict()
            keywords.append(keywords_item)



        language = self.language

        quotes = []
        for quotes_item_data in self.quotes:
            quotes_item = quotes_item_data.to_dict()
            quotes.append(quotes_item)



        speech_seconds = self.speech_seconds

        word_count = self.word_count

        words_per_minute = self.words_per_minute

        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "chapters": chapters,
            "duration": duration,
            "keywords": keywords,
            "language": language,
            "quotes": quotes,
            "speech_seconds": speech_seconds,
            "word_count": word_count,
            "words_per_minute": words_per_minute,
        })
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.chapter import Chapter # noqa: PLC0415
        from ..models.keyword import Keyword # noqa: PLC0415
        from ..models.quote import Quote # noqa: PLC0415
        d = dict(src_dict)
        chapters = []
        _chapters = d.pop("chapters")
        for chapters_item_data in (_chapters):
            chapters_item = Chapter.from_dict(chapters_item_data)



            chapters.append(chapters_item)


        duration = d.pop("duration")

        keywords = []
        _keywords = d.pop("keywords")
        for keywords_item_data in (_keywords):
            keywords_item = Keyword.from_dict(keywords_item_data)



            keywords.append(keywords_item)


        language = d.pop("language")

        quotes = []
        _quotes = d.pop("quotes")
        for quotes_item_data in (_quotes):
            quotes_item = Quote.from_dict(quotes_item_data)



            quotes.append(quotes_item)


        speech_seconds = d.pop("speech_seconds")

        word_count = d.pop("word_count")

        words_per_minute = d.pop("words_per_minute")

        version = d.pop("version", UNSET)

        insights = cls(
            chapters=chapters,
            duration=duration,
            keywords=keywords,
            language=language,
            quotes=quotes,
            speech_seconds=speech_seconds,
            word_count=word_count,
            words_per_minute=words_per_minute,
            version=version,
        )


        insights.additional_properties = d
        return insights

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

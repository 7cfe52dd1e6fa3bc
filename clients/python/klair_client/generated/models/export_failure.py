from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ExportFailure")



@_attrs_define
class ExportFailure:
    """ Why the clip's latest re-export failed; its earlier files stay as they were.
    `retryable`: a transient failure, so the export is delivered again a few times and a
    later success clears it.

        Attributes:
            code (str):
            message (str):
            retryable (bool | Unset):
            variants (list[str] | Unset):
     """

    code: str
    message: str
    retryable: bool | Unset = UNSET
    variants: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        retryable = self.retryable

        variants: list[str] | Unset = UNSET
        if not isinstance(self.variants, Unset):
            variants = self.variants




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "code": code,
            "message": message,
        })
        if retryable is not UNSET:
            field_dict["retryable"] = retryable
        if variants is not UNSET:
            field_dict["variants"] = variants

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        retryable = d.pop("retryable", UNSET)

        variants = cast(list[str], d.pop("variants", UNSET))


        export_failure = cls(
            code=code,
            message=message,
            retryable=retryable,
            variants=variants,
        )


        export_failure.additional_properties = d
        return export_failure

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

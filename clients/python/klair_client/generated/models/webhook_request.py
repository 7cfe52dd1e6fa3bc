from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="WebhookRequest")



@_attrs_define
class WebhookRequest:
    """ 
        Attributes:
            url (str):
            rotate_secret (bool | Unset):
     """

    url: str
    rotate_secret: bool | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        url = self.url

        rotate_secret = self.rotate_secret


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "url": url,
        })
        if rotate_secret is not UNSET:
            field_dict["rotate_secret"] = rotate_secret

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url")

        rotate_secret = d.pop("rotate_secret", UNSET)

        webhook_request = cls(
            url=url,
            rotate_secret=rotate_secret,
        )

        return webhook_request


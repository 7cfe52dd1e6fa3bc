from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.api_key_request_scopes_item import ApiKeyRequestScopesItem
from ..models.api_key_request_scopes_item import check_api_key_request_scopes_item
from typing import cast






T = TypeVar("T", bound="ApiKeyRequest")



@_attrs_define
class ApiKeyRequest:
    """ 
        Attributes:
            name (str):
            scopes (list[ApiKeyRequestScopesItem]): `read`: the GET routes. `write`: the routes that create or change
                something (submit, cancel, delete, export, uploads, webhook); includes `read`.
     """

    name: str
    scopes: list[ApiKeyRequestScopesItem]





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        scopes = []
        for scopes_item_data in self.scopes:
            scopes_item: str = scopes_item_data
            scopes.append(scopes_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
            "scopes": scopes,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        scopes = []
        _scopes = d.pop("scopes")
        for scopes_item_data in (_scopes):
            scopes_item = check_api_key_request_scopes_item(scopes_item_data)



            scopes.append(scopes_item)


        api_key_request = cls(
            name=name,
            scopes=scopes,
        )

        return api_key_request


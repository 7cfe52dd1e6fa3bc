from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.health_dependencies import HealthDependencies





T = TypeVar("T", bound="Health")



@_attrs_define
class Health:
    """ 
        Attributes:
            dependencies (HealthDependencies):
            mode (str):
            status (str):
            failing (list[str] | Unset):
     """

    dependencies: HealthDependencies
    mode: str
    status: str
    failing: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.health_dependencies import HealthDependencies # noqa: PLC0415
        dependencies = self.dependencies.to_dict()

        mode = self.mode

        status = self.status

        failing: list[str] | Unset = UNSET
        if not isinstance(self.failing, Unset):
            failing = self.failing




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "dependencies": dependencies,
            "mode": mode,
            "status": status,
        })
        if failing is not UNSET:
            field_dict["failing"] = failing

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.health_dependencies import HealthDependencies # noqa: PLC0415
        d = dict(src_dict)
        dependencies = HealthDependencies.from_dict(d.pop("dependencies"))




        mode = d.pop("mode")

        status = d.pop("status")

        failing = cast(list[str], d.pop("failing", UNSET))


        health = cls(
            dependencies=dependencies,
            mode=mode,
            status=status,
            failing=failing,
        )


        health.additional_properties = d
        return health

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

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.archive_view_state import ArchiveViewState
from ..models.archive_view_state import check_archive_view_state
from ..types import UNSET, Unset
from typing import cast
from typing import Literal, cast
import datetime






T = TypeVar("T", bound="ArchiveView")



@_attrs_define
class ArchiveView:
    """ 
        Attributes:
            files (int):
            job_id (str):
            key (str):
            state (ArchiveViewState):
            code (Literal['archive_building'] | None | Unset):
            expires_at (datetime.datetime | None | Unset):
            retry_after_seconds (int | Unset):
            size_bytes (int | None | Unset):
            url (None | str | Unset):
     """

    files: int
    job_id: str
    key: str
    state: ArchiveViewState
    code: Literal['archive_building'] | None | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    retry_after_seconds: int | Unset = UNSET
    size_bytes: int | None | Unset = UNSET
    url: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        files = self.files

        job_id = self.job_id

        key = self.key

        state: str = self.state

        code: Literal['archive_building'] | None | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        else:
            code = self.code

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        retry_after_seconds = self.retry_after_seconds

        size_bytes: int | None | Unset
        if isinstance(self.size_bytes, Unset):
            size_bytes = UNSET
        else:
            size_bytes = self.size_bytes

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "files": files,
            "job_id": job_id,
            "key": key,
            "state": state,
        })
        if code is not UNSET:
            field_dict["code"] = code
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if retry_after_seconds is not UNSET:
            field_dict["retry_after_seconds"] = retry_after_seconds
        if size_bytes is not UNSET:
            field_dict["size_bytes"] = size_bytes
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        files = d.pop("files")

        job_id = d.pop("job_id")

        key = d.pop("key")

        state = check_archive_view_state(d.pop("state"))




        def _parse_code(data: object) -> Literal['archive_building'] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            code_type_0 = cast(Literal['archive_building'] , data)
            if code_type_0 != 'archive_building':
                raise ValueError(f"code_type_0 must match const 'archive_building', got '{code_type_0}'")
            return code_type_0
            return cast(Literal['archive_building'] | None | Unset, data)

        code = _parse_code(d.pop("code", UNSET))


        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))


        retry_after_seconds = d.pop("retry_after_seconds", UNSET)

        def _parse_size_bytes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        size_bytes = _parse_size_bytes(d.pop("size_bytes", UNSET))


        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))


        archive_view = cls(
            files=files,
            job_id=job_id,
            key=key,
            state=state,
            code=code,
            expires_at=expires_at,
            retry_after_seconds=retry_after_seconds,
            size_bytes=size_bytes,
            url=url,
        )


        archive_view.additional_properties = d
        return archive_view

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

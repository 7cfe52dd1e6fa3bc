from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.archive_view import ArchiveView
from ...models.error_response import ErrorResponse
from typing import cast



def _get_kwargs(
    job_id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/klair/results/{job_id}/archive".format(job_id=quote(str(job_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ArchiveView | ErrorResponse:
    if response.status_code == 200:
        response_200 = ArchiveView.from_dict(response.json())



        return response_200

    if response.status_code == 202:
        response_202 = ArchiveView.from_dict(response.json())



        return response_202

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = ErrorResponse.from_dict(response.json())



        return response_409

    response_default = ErrorResponse.from_dict(response.json())



    return response_default



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ArchiveView | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[ArchiveView | ErrorResponse]:
    """  A zip of the completed job's clips, caption sidecars, thumbnails and edit lists,
    built once per set of rendered files: 202 `archive_building` (poll again after
    `Retry-After`) until it exists, then 200 with a signed URL. A re-export that adds
    variants makes a new archive.

    Args:
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ArchiveView | ErrorResponse]
     """


    kwargs = _get_kwargs(
        job_id=job_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    job_id: str,
    *,
    client: AuthenticatedClient,

) -> ArchiveView | ErrorResponse | None:
    """  A zip of the completed job's clips, caption sidecars, thumbnails and edit lists,
    built once per set of rendered files: 202 `archive_building` (poll again after
    `Retry-After`) until it exists, then 200 with a signed URL. A re-export that adds
    variants makes a new archive.

    Args:
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ArchiveView | ErrorResponse
     """


    return sync_detailed(
        job_id=job_id,
client=client,

    ).parsed

async def asyncio_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[ArchiveView | ErrorResponse]:
    """  A zip of the completed job's clips, caption sidecars, thumbnails and edit lists,
    built once per set of rendered files: 202 `archive_building` (poll again after
    `Retry-After`) until it exists, then 200 with a signed URL. A re-export that adds
    variants makes a new archive.

    Args:
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ArchiveView | ErrorResponse]
     """


    kwargs = _get_kwargs(
        job_id=job_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    job_id: str,
    *,
    client: AuthenticatedClient,

) -> ArchiveView | ErrorResponse | None:
    """  A zip of the completed job's clips, caption sidecars, thumbnails and edit lists,
    built once per set of rendered files: 202 `archive_building` (poll again after
    `Retry-After`) until it exists, then 200 with a signed URL. A re-export that adds
    variants makes a new archive.

    Args:
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ArchiveView | ErrorResponse
     """


    return (await asyncio_detailed(
        job_id=job_id,
client=client,

    )).parsed

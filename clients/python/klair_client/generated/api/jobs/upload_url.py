from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_response import ErrorResponse
from ...models.upload_request import UploadRequest
from ...models.upload_ticket import UploadTicket
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: UploadRequest,
    idempotency_key: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/upload-url",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | UploadTicket:
    if response.status_code == 200:
        response_200 = UploadTicket.from_dict(response.json())



        return response_200

    if response.status_code == 201:
        response_201 = UploadTicket.from_dict(response.json())



        return response_201

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())



        return response_401

    if response.status_code == 402:
        response_402 = ErrorResponse.from_dict(response.json())



        return response_402

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())



        return response_403

    if response.status_code == 409:
        response_409 = ErrorResponse.from_dict(response.json())



        return response_409

    response_default = ErrorResponse.from_dict(response.json())



    return response_default



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorResponse | UploadTicket]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: UploadRequest,
    idempotency_key: str | Unset = UNSET,

) -> Response[ErrorResponse | UploadTicket]:
    """  A resumable upload session for one file of the declared size (a single PUT still
    works); the finished upload queues the job. A browser's `Origin` is bound to it.

    Args:
        idempotency_key (str | Unset): Retrying with the same key and body returns the first
            answer (200, `Idempotent-Replayed: true`) for 24 h; the same key with another body is a
            409.
        body (UploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UploadTicket]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: UploadRequest,
    idempotency_key: str | Unset = UNSET,

) -> ErrorResponse | UploadTicket | None:
    """  A resumable upload session for one file of the declared size (a single PUT still
    works); the finished upload queues the job. A browser's `Origin` is bound to it.

    Args:
        idempotency_key (str | Unset): Retrying with the same key and body returns the first
            answer (200, `Idempotent-Replayed: true`) for 24 h; the same key with another body is a
            409.
        body (UploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UploadTicket
     """


    return sync_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: UploadRequest,
    idempotency_key: str | Unset = UNSET,

) -> Response[ErrorResponse | UploadTicket]:
    """  A resumable upload session for one file of the declared size (a single PUT still
    works); the finished upload queues the job. A browser's `Origin` is bound to it.

    Args:
        idempotency_key (str | Unset): Retrying with the same key and body returns the first
            answer (200, `Idempotent-Replayed: true`) for 24 h; the same key with another body is a
            409.
        body (UploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UploadTicket]
     """


    kwargs = _get_kwargs(
        body=body,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: UploadRequest,
    idempotency_key: str | Unset = UNSET,

) -> ErrorResponse | UploadTicket | None:
    """  A resumable upload session for one file of the declared size (a single PUT still
    works); the finished upload queues the job. A browser's `Origin` is bound to it.

    Args:
        idempotency_key (str | Unset): Retrying with the same key and body returns the first
            answer (200, `Idempotent-Replayed: true`) for 24 h; the same key with another body is a
            409.
        body (UploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UploadTicket
     """


    return (await asyncio_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed

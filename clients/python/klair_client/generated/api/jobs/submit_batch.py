from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.batch_request import BatchRequest
from ...models.batch_view import BatchView
from ...models.error_response import ErrorResponse
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: BatchRequest,
    idempotency_key: str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/klair/batch",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> BatchView | ErrorResponse:
    if response.status_code == 200:
        response_200 = BatchView.from_dict(response.json())



        return response_200

    if response.status_code == 202:
        response_202 = BatchView.from_dict(response.json())



        return response_202

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

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = ErrorResponse.from_dict(response.json())



        return response_409

    response_default = ErrorResponse.from_dict(response.json())



    return response_default



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[BatchView | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: BatchRequest,
    idempotency_key: str | Unset = UNSET,

) -> Response[BatchView | ErrorResponse]:
    """  Submit up to 20 sources (each a `url` or an `upload_id`) with shared `options`
    (an item's own `options` override them field by field); each item becomes its own
    job. The plan judges the whole batch up front: every job is admitted, or none (402,
    nothing kept). 202 with the batch and its items' jobs; one `batch.completed` webhook
    follows every item's own ending event.

    Args:
        idempotency_key (str | Unset): Retrying with the same key and body returns the first batch
            (200, `Idempotent-Replayed: true`) for 24 h; the same key with another body is a 409.
        body (BatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchView | ErrorResponse]
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
    body: BatchRequest,
    idempotency_key: str | Unset = UNSET,

) -> BatchView | ErrorResponse | None:
    """  Submit up to 20 sources (each a `url` or an `upload_id`) with shared `options`
    (an item's own `options` override them field by field); each item becomes its own
    job. The plan judges the whole batch up front: every job is admitted, or none (402,
    nothing kept). 202 with the batch and its items' jobs; one `batch.completed` webhook
    follows every item's own ending event.

    Args:
        idempotency_key (str | Unset): Retrying with the same key and body returns the first batch
            (200, `Idempotent-Replayed: true`) for 24 h; the same key with another body is a 409.
        body (BatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchView | ErrorResponse
     """


    return sync_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: BatchRequest,
    idempotency_key: str | Unset = UNSET,

) -> Response[BatchView | ErrorResponse]:
    """  Submit up to 20 sources (each a `url` or an `upload_id`) with shared `options`
    (an item's own `options` override them field by field); each item becomes its own
    job. The plan judges the whole batch up front: every job is admitted, or none (402,
    nothing kept). 202 with the batch and its items' jobs; one `batch.completed` webhook
    follows every item's own ending event.

    Args:
        idempotency_key (str | Unset): Retrying with the same key and body returns the first batch
            (200, `Idempotent-Replayed: true`) for 24 h; the same key with another body is a 409.
        body (BatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchView | ErrorResponse]
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
    body: BatchRequest,
    idempotency_key: str | Unset = UNSET,

) -> BatchView | ErrorResponse | None:
    """  Submit up to 20 sources (each a `url` or an `upload_id`) with shared `options`
    (an item's own `options` override them field by field); each item becomes its own
    job. The plan judges the whole batch up front: every job is admitted, or none (402,
    nothing kept). 202 with the batch and its items' jobs; one `batch.completed` webhook
    follows every item's own ending event.

    Args:
        idempotency_key (str | Unset): Retrying with the same key and body returns the first batch
            (200, `Idempotent-Replayed: true`) for 24 h; the same key with another body is a 409.
        body (BatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchView | ErrorResponse
     """


    return (await asyncio_detailed(
        client=client,
body=body,
idempotency_key=idempotency_key,

    )).parsed

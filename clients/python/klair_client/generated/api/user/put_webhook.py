from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_response import ErrorResponse
from ...models.webhook_request import WebhookRequest
from ...models.webhook_view import WebhookView
from typing import cast



def _get_kwargs(
    *,
    body: WebhookRequest,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/klair/user/webhook",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | WebhookView:
    if response.status_code == 200:
        response_200 = WebhookView.from_dict(response.json())



        return response_200

    if response.status_code == 201:
        response_201 = WebhookView.from_dict(response.json())



        return response_201

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())



        return response_403

    response_default = ErrorResponse.from_dict(response.json())



    return response_default



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorResponse | WebhookView]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: WebhookRequest,

) -> Response[ErrorResponse | WebhookView]:
    """  Register (201) or replace (200) the URL that receives signed job events
    (`job.completed`, `job.failed`, `job.cancelled`, `clip.ready`). The `secret` is in
    the answer that makes it (first registration, `rotate_secret`) and never again.

    Args:
        body (WebhookRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WebhookView]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: WebhookRequest,

) -> ErrorResponse | WebhookView | None:
    """  Register (201) or replace (200) the URL that receives signed job events
    (`job.completed`, `job.failed`, `job.cancelled`, `clip.ready`). The `secret` is in
    the answer that makes it (first registration, `rotate_secret`) and never again.

    Args:
        body (WebhookRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WebhookView
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: WebhookRequest,

) -> Response[ErrorResponse | WebhookView]:
    """  Register (201) or replace (200) the URL that receives signed job events
    (`job.completed`, `job.failed`, `job.cancelled`, `clip.ready`). The `secret` is in
    the answer that makes it (first registration, `rotate_secret`) and never again.

    Args:
        body (WebhookRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WebhookView]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: WebhookRequest,

) -> ErrorResponse | WebhookView | None:
    """  Register (201) or replace (200) the URL that receives signed job events
    (`job.completed`, `job.failed`, `job.cancelled`, `clip.ready`). The `secret` is in
    the answer that makes it (first registration, `rotate_secret`) and never again.

    Args:
        body (WebhookRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WebhookView
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed

from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_response import ErrorResponse
from ...models.export_accepted import ExportAccepted
from ...models.export_body import ExportBody
from typing import cast



def _get_kwargs(
    *,
    body: ExportBody,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/klair/export",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | ExportAccepted:
    if response.status_code == 202:
        response_202 = ExportAccepted.from_dict(response.json())



        return response_202

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())



        return response_400

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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorResponse | ExportAccepted]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ExportBody,

) -> Response[ErrorResponse | ExportAccepted]:
    """  Render chosen clips of a finished job again with other aspect ratios, caption
    style, loudness, reframe or a platform `preset`, or cut new clips from `ranges`
    (snapped into pauses, scored and explained like detected clips, `origin: manual`);
    the new variants appear in the clips' `urls` in the results, each with its own
    `thumbnail:{variant}`, and a failed one as the clip's `export_error`. 400 lists the
    allowed values of an unknown choice, or names the bad range; 409 while the job
    runs.

    Args:
        body (ExportBody): Which clips to render again and how; an absent choice keeps the job's.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ExportAccepted]
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
    body: ExportBody,

) -> ErrorResponse | ExportAccepted | None:
    """  Render chosen clips of a finished job again with other aspect ratios, caption
    style, loudness, reframe or a platform `preset`, or cut new clips from `ranges`
    (snapped into pauses, scored and explained like detected clips, `origin: manual`);
    the new variants appear in the clips' `urls` in the results, each with its own
    `thumbnail:{variant}`, and a failed one as the clip's `export_error`. 400 lists the
    allowed values of an unknown choice, or names the bad range; 409 while the job
    runs.

    Args:
        body (ExportBody): Which clips to render again and how; an absent choice keeps the job's.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ExportAccepted
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ExportBody,

) -> Response[ErrorResponse | ExportAccepted]:
    """  Render chosen clips of a finished job again with other aspect ratios, caption
    style, loudness, reframe or a platform `preset`, or cut new clips from `ranges`
    (snapped into pauses, scored and explained like detected clips, `origin: manual`);
    the new variants appear in the clips' `urls` in the results, each with its own
    `thumbnail:{variant}`, and a failed one as the clip's `export_error`. 400 lists the
    allowed values of an unknown choice, or names the bad range; 409 while the job
    runs.

    Args:
        body (ExportBody): Which clips to render again and how; an absent choice keeps the job's.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ExportAccepted]
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
    body: ExportBody,

) -> ErrorResponse | ExportAccepted | None:
    """  Render chosen clips of a finished job again with other aspect ratios, caption
    style, loudness, reframe or a platform `preset`, or cut new clips from `ranges`
    (snapped into pauses, scored and explained like detected clips, `origin: manual`);
    the new variants appear in the clips' `urls` in the results, each with its own
    `thumbnail:{variant}`, and a failed one as the clip's `export_error`. 400 lists the
    allowed values of an unknown choice, or names the bad range; 409 while the job
    runs.

    Args:
        body (ExportBody): Which clips to render again and how; an absent choice keeps the job's.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ExportAccepted
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed

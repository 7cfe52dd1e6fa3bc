from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_response import ErrorResponse
from ...models.results_view import ResultsView
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    job_id: str,
    *,
    partial: bool | Unset = False,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["partial"] = partial


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/klair/results/{job_id}".format(job_id=quote(str(job_id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorResponse | ResultsView:
    if response.status_code == 200:
        response_200 = ResultsView.from_dict(response.json())



        return response_200

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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorResponse | ResultsView]:
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
    partial: bool | Unset = False,

) -> Response[ErrorResponse | ResultsView]:
    """  Clips with scores, evidence, reasons and signed URLs, insights and cost.

    409 with the status until the job completed; `?partial=true` returns the clips
    exported so far (`partial: true`), as do jobs that failed or were cancelled.

    Args:
        job_id (str):
        partial (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ResultsView]
     """


    kwargs = _get_kwargs(
        job_id=job_id,
partial=partial,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    job_id: str,
    *,
    client: AuthenticatedClient,
    partial: bool | Unset = False,

) -> ErrorResponse | ResultsView | None:
    """  Clips with scores, evidence, reasons and signed URLs, insights and cost.

    409 with the status until the job completed; `?partial=true` returns the clips
    exported so far (`partial: true`), as do jobs that failed or were cancelled.

    Args:
        job_id (str):
        partial (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ResultsView
     """


    return sync_detailed(
        job_id=job_id,
client=client,
partial=partial,

    ).parsed

async def asyncio_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient,
    partial: bool | Unset = False,

) -> Response[ErrorResponse | ResultsView]:
    """  Clips with scores, evidence, reasons and signed URLs, insights and cost.

    409 with the status until the job completed; `?partial=true` returns the clips
    exported so far (`partial: true`), as do jobs that failed or were cancelled.

    Args:
        job_id (str):
        partial (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ResultsView]
     """


    kwargs = _get_kwargs(
        job_id=job_id,
partial=partial,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    job_id: str,
    *,
    client: AuthenticatedClient,
    partial: bool | Unset = False,

) -> ErrorResponse | ResultsView | None:
    """  Clips with scores, evidence, reasons and signed URLs, insights and cost.

    409 with the status until the job completed; `?partial=true` returns the clips
    exported so far (`partial: true`), as do jobs that failed or were cancelled.

    Args:
        job_id (str):
        partial (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ResultsView
     """


    return (await asyncio_detailed(
        job_id=job_id,
client=client,
partial=partial,

    )).parsed

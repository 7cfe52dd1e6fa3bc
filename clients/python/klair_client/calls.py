"""What the generated operations leave to their caller: an error answer raised as a typed
exception with the API's machine-readable `code`, and polling a job until it finishes."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from klair_client.generated.api.jobs import status
from klair_client.generated.client import AuthenticatedClient
from klair_client.generated.models.error_response import ErrorResponse
from klair_client.generated.models.status_view import StatusView
from klair_client.generated.types import Response, Unset

T = TypeVar("T")
FINISHED = frozenset({"completed", "failed", "cancelled"})


class KlairApiError(Exception):
    """An error answer: the HTTP status and the envelope's `code`, `message` and `details`
    (`code` is stable: branch on it, not on `message`)."""

    def __init__(
        self, status: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.retry_after: float | None = None  # seconds, on a 429 `rate_limited`

    @classmethod
    def of(cls, response: Response[Any], parsed: ErrorResponse) -> KlairApiError:
        error = parsed.error
        raw = error.details
        details = {} if raw is None or isinstance(raw, Unset) else raw.to_dict()
        raised = cls(int(response.status_code), error.code, error.message, details)
        raised.retry_after = _seconds(response.headers.get("Retry-After"))
        return raised


def _seconds(retry_after: str | None) -> float | None:
    """Klair sends seconds; an HTTP date (another server's) is left to the caller."""
    try:
        return float(retry_after) if retry_after else None
    except ValueError:
        return None


def unwrap(response: Response[ErrorResponse | T]) -> T:
    """The parsed success body of a generated `sync_detailed` call; an error answer raises
    `KlairApiError`."""
    parsed = response.parsed
    if isinstance(parsed, ErrorResponse):
        raise KlairApiError.of(response, parsed)
    if parsed is None:  # a status the document does not list (it lists a `default`)
        text = response.content.decode("utf-8", "replace")[:200]
        raise KlairApiError(int(response.status_code), "unexpected_response", text)
    return parsed


def wait_for_job(
    client: AuthenticatedClient,
    job_id: str,
    *,
    timeout: float = 1800,
    interval: float = 2,
    on_status: Callable[[StatusView], None] | None = None,
) -> StatusView:
    """Poll `GET /api/klair/status/{job_id}` until the job completed, failed or was cancelled
    (check `.status`), honouring `Retry-After` when rate limited; `TimeoutError` after
    `timeout` seconds. A dropped connection or a non-JSON answer (a proxy's error page) is
    polled through; the last one is the `TimeoutError`'s cause."""
    deadline = time.monotonic() + timeout
    passing: Exception | None = None
    while time.monotonic() < deadline:
        try:
            view = unwrap(status.sync_detailed(job_id, client=client))
        except KlairApiError as error:
            if error.code != "rate_limited":
                raise
            time.sleep(error.retry_after or interval)
            continue
        except (httpx.TransportError, json.JSONDecodeError) as error:
            # A dropped connection, or a proxy's error page in place of Klair's JSON (a 502
            # while an instance restarts): the job goes on, so the poll does too.
            passing = error
            time.sleep(interval)
            continue
        if on_status is not None:
            on_status(view)
        if view.status in FINISHED:
            return view
        time.sleep(interval)
    raise TimeoutError(f"job {job_id} did not finish within {timeout:.0f} s") from passing

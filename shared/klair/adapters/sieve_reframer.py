"""Reframer on Sieve's REST API (https://docs.sievedata.com/reference-v2): `POST /v2/push`
runs `sieve/autocrop` with a `job.complete` webhook, `GET /v2/jobs/{id}` reads it back.

Plain httpx against a configurable base URL rather than the `sievedata` client: the client
keeps its API URL and key in process-wide state and uploads local files itself, where Klair
hands Sieve a signed URL and needs a per-instance base URL (a local stub in tests).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from klair.domain.errors import Conflict, InvalidInput, NotFound, Transient
from klair.ports.reframe import ReframeJob

STATUSES = ("queued", "processing", "finished", "error", "cancelled")


def _output_url(outputs: Any) -> str | None:
    """The first output that is a file: `{"type": "sieve.File", "data": {"url": ...}}`."""
    for item in outputs if isinstance(outputs, list) else []:
        data = item.get("data", item) if isinstance(item, dict) else None
        if isinstance(data, dict) and isinstance(data.get("url"), str):
            return str(data["url"])
    return None


def job_from(body: Any) -> ReframeJob:
    """A `/v2/push` or `/v2/jobs/{id}` answer as a ReframeJob."""
    if not isinstance(body, dict) or not isinstance(body.get("id"), str):
        raise Transient("Sieve answered without a job id", code="sieve_bad_answer")
    status = body.get("status")
    if status not in STATUSES:  # a status Sieve adds later: keep waiting
        status = "processing"
    return ReframeJob(
        id=body["id"],
        status=status,
        output_url=_output_url(body.get("outputs")) if status == "finished" else None,
        error=str(body.get("error") or "") or None,
    )


class SieveReframer:
    def __init__(
        self,
        api_url: str,
        api_key: str,
        function: str = "sieve/autocrop",
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._function = function
        self._client = httpx.Client(
            base_url=api_url.rstrip("/"),
            headers={"X-API-Key": api_key},
            timeout=timeout,
            transport=transport,
        )

    def submit(self, video_url: str, aspect: str, callback_url: str) -> ReframeJob:
        body = {
            "function": self._function,
            "inputs": {
                "file": {"url": video_url},
                "aspect_ratio": aspect,
                "active_speaker_detection": True,
                "return_video": True,
            },
            "webhooks": [{"type": "job.complete", "url": callback_url}],
        }
        return job_from(self._call("POST", "/v2/push", json=body))

    def job(self, job_id: str) -> ReframeJob:
        return job_from(self._call("GET", f"/v2/jobs/{job_id}"))

    def download(self, job: ReframeJob, dest: Path) -> Path:
        if not job.succeeded or job.output_url is None:
            raise Conflict(f"Sieve job {job.id} has no output", code="sieve_no_output")
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            # The output URL is Sieve's own storage, named by Sieve's authenticated answer;
            # the API key is not sent to it.
            with httpx.stream("GET", job.output_url, timeout=self._client.timeout) as answer:
                answer.raise_for_status()
                with dest.open("wb") as out:
                    for chunk in answer.iter_bytes():
                        out.write(chunk)
        except httpx.HTTPError as error:
            raise Transient(f"fetching Sieve's output failed: {error}") from None
        return dest

    def _call(self, method: str, path: str, json: Any = None) -> Any:
        try:
            answer = self._client.request(method, path, json=json)
        except httpx.TransportError as error:
            raise Transient(f"Sieve is unreachable: {type(error).__name__}") from None
        if answer.status_code == 404:
            raise NotFound(f"Sieve knows no {path}", code="sieve_job_not_found")
        if answer.status_code == 429 or answer.status_code >= 500:
            raise Transient(f"Sieve answered {answer.status_code}", code="sieve_unavailable")
        if answer.status_code >= 400:
            raise InvalidInput(
                f"Sieve refused {method} {path}: {answer.status_code}",
                code="sieve_refused",
                status=answer.status_code,
            )
        try:
            return answer.json()
        except ValueError:
            raise Transient("Sieve answered with invalid JSON", code="sieve_bad_answer") from None

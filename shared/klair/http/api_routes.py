"""The `api` function's route table: every `/api` route, its auth, models and handler."""

from __future__ import annotations

from collections.abc import Callable

from klair.domain.ids import JobId
from klair.handlers.deps import Deps
from klair.handlers.health import Health, health
from klair.handlers.queries import ResultsView, StatusView, job_results, job_status
from klair.handlers.submit_job import (
    Accepted,
    SubmitRequest,
    UploadRequest,
    UploadTicket,
    create_upload,
    submit_url,
)
from klair.http.call import Call, Reply
from klair.http.openapi import openapi_handler
from klair.http.router import Router, Verifier


def build_api(deps: Callable[[], Deps], verifier: Verifier, project: str | None = None) -> Router:
    """`deps` is a factory so the first request, not the import, builds the adapters."""
    router = Router(verifier, project=project)

    def get_health(call: Call) -> Reply:
        """Each dependency's state; 503 when one is down."""
        report = health(deps())
        return Reply(200 if report.status == "ok" else 503, report)

    def analyze(call: Call) -> Reply:
        """Submit a video URL; the job is queued on the caller's tier queue."""
        return Reply(202, submit_url(deps(), call.principal, call.json(SubmitRequest)))

    def upload_url(call: Call) -> Reply:
        """A signed PUT URL for one upload; the finished upload queues the job."""
        return Reply(201, create_upload(deps(), call.principal, call.json(UploadRequest)))

    def status(call: Call) -> StatusView:
        """Status, stage, progress, timings and error of one job."""
        return job_status(deps(), call.principal, JobId(call.params["job_id"]))

    def results(call: Call) -> ResultsView:
        """Clips with scores, reasons and signed URLs; 409 until the job completed."""
        return job_results(deps(), call.principal, JobId(call.params["job_id"]))

    router.add("GET", "/api/health", get_health, auth=False, response=Health, tags=("ops",))
    router.add(
        "GET",
        "/api/openapi.json",
        openapi_handler(router, title="Klair API"),
        auth=False,
        tags=("ops",),
    )
    router.add(
        "POST",
        "/api/klair/analyze",
        analyze,
        body=SubmitRequest,
        response=Accepted,
        status=202,
        tags=("jobs",),
    )
    router.add(
        "POST",
        "/api/upload-url",
        upload_url,
        body=UploadRequest,
        response=UploadTicket,
        status=201,
        tags=("jobs",),
    )
    router.add("GET", "/api/klair/status/<job_id>", status, response=StatusView, tags=("jobs",))
    router.add("GET", "/api/klair/results/<job_id>", results, response=ResultsView, tags=("jobs",))
    return router

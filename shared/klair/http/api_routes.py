"""The `api` function's route table: every `/api` route, its auth, models and handler."""

from __future__ import annotations

from collections.abc import Callable

from klair.handlers.api import idempotency
from klair.handlers.api.api_keys import (
    ApiKeyCreated,
    ApiKeyList,
    ApiKeyRequest,
    ApiKeyView,
    create_api_key,
    list_api_keys,
    revoke_api_key,
)
from klair.handlers.api.cancel_job import cancel_job
from klair.handlers.api.delete_job import delete_job
from klair.handlers.api.health import Health, health
from klair.handlers.api.list_jobs import JobPage, ListQuery, list_jobs
from klair.handlers.api.queries import (
    ResultsQuery,
    ResultsView,
    StatusView,
    job_results,
    job_status,
)
from klair.handlers.api.reexport import ExportAccepted, ExportBody, request_export
from klair.handlers.api.submit_job import (
    Accepted,
    AudioSubmitRequest,
    SubmitRequest,
    UploadRequest,
    UploadTicket,
    create_upload,
    submit,
)
from klair.handlers.api.user_stats import StatsQuery, StatsView, user_stats
from klair.handlers.api.user_usage import UsageView, user_usage
from klair.handlers.api.user_webhook import (
    WebhookRemoved,
    WebhookRequest,
    WebhookView,
    delete_webhook,
    get_webhook,
    put_webhook,
)
from klair.handlers.deps import Deps
from klair.handlers.steps.removal import Deleted
from klair.http.batch_routes import add_batch_routes
from klair.http.call import Call, Reply
from klair.http.cors import CorsPolicy
from klair.http.docs import add_docs
from klair.http.router import RequestLimiter, Router, Verifier

IDEMPOTENCY = {
    idempotency.HEADER: "Retrying with the same key and body returns the first answer "
    "(200, `Idempotent-Replayed: true`) for 24 h; the same key with another body is a 409."
}
NOT_FOUND = "No such job (another user's job is not found either)."
# Every route may also answer 429 `rate_limited` with `Retry-After` (the `default` response).
PLAN = {
    402: "`quota_exceeded`: no monthly minutes left, or the plan's concurrent jobs are all in "
    "flight (`details.reason`, `limit`, `used`, `reserved`, `resets_at`).",
    403: "`export_variant_not_in_plan`: an aspect ratio the plan does not export.",
}


class ApiHandlers:
    """One method per operation; each docstring is the operation's OpenAPI description."""

    def __init__(self, deps: Callable[[], Deps]) -> None:
        self.deps = deps

    def _key(self, call: Call) -> str | None:
        return idempotency.record_key(call.principal, call.headers.get(idempotency.HEADER))

    def health(self, call: Call) -> Reply:
        """Each dependency's state and latency; 503 when one is down."""
        report = health(self.deps())
        return Reply(200 if report.status == "ok" else 503, report)

    def analyze(self, call: Call) -> Reply:
        """Submit a video (or audio) URL, or the `upload_id` of an upload, with options.

        202 with the job, its queue position and ETA; the job runs on the caller's tier queue.
        """
        return self._submit(call, call.json(SubmitRequest))

    def analyze_audio(self, call: Call) -> Reply:
        """Submit an audio URL or upload: transcript, chapters and quotable moments."""
        body = call.json(AudioSubmitRequest)
        return self._submit(call, SubmitRequest(kind="audio", **dict(body)))

    def _submit(self, call: Call, request: SubmitRequest) -> Reply:
        key = self._key(call)
        job, created = submit(self.deps(), call.principal, request, key)
        return _created(job, created, 202, replayed=key is not None)

    def upload_url(self, call: Call) -> Reply:
        """A resumable upload session for one file of the declared size (a single PUT still
        works); the finished upload queues the job. A browser's `Origin` is bound to it."""
        body = call.json(UploadRequest)
        origin = call.headers.get("Origin")
        ticket, created = create_upload(self.deps(), call.principal, body, self._key(call), origin)
        return _created(ticket, created, 201, replayed=True)

    def status(self, call: Call) -> StatusView:
        """Status, stage, progress, queue position, ETA, per-stage timings, error, clips."""
        return job_status(self.deps(), call.principal, call.params["job_id"])

    def results(self, call: Call) -> ResultsView:
        """Clips with scores, evidence, reasons and signed URLs, insights and cost.

        409 with the status until the job completed; `?partial=true` returns the clips
        exported so far (`partial: true`), as do jobs that failed or were cancelled.
        """
        query = call.query(ResultsQuery)
        return job_results(self.deps(), call.principal, call.params["job_id"], query.partial)

    def list_jobs(self, call: Call) -> JobPage:
        """The caller's jobs, newest first; pass `next_cursor` back as `cursor` to page."""
        return list_jobs(self.deps(), call.principal, call.query(ListQuery))

    def cancel(self, call: Call) -> StatusView:
        """Stop a job; its reserved minutes are refunded. 409 if it already finished."""
        return cancel_job(self.deps(), call.principal, call.params["job_id"])

    def delete(self, call: Call) -> Deleted:
        """Cancel the job, refund what it reserved, delete its files and records; then 404."""
        return delete_job(self.deps(), call.principal, call.params["job_id"])

    def export(self, call: Call) -> Reply:
        """Render chosen clips of a finished job again with other aspect ratios, caption
        style, loudness, reframe or a platform `preset`, or cut new clips from `ranges`
        (snapped into pauses, scored and explained like detected clips, `origin: manual`);
        the new variants appear in the clips' `urls` in the results, each with its own
        `thumbnail:{variant}`, and a failed one as the clip's `export_error`. 400 lists the
        allowed values of an unknown choice, or names the bad range; 409 while the job
        runs."""
        accepted = request_export(self.deps(), call.principal, call.json(ExportBody))
        return Reply(202, accepted)

    def usage(self, call: Call) -> UsageView:
        """Tier, limits, minutes used and reserved this month, and when they reset."""
        return user_usage(self.deps(), call.principal)

    def stats(self, call: Call) -> StatsView:
        """Totals, a per-day series, success rate and processing speed over `days`."""
        return user_stats(self.deps(), call.principal, call.query(StatsQuery))

    def put_webhook(self, call: Call) -> Reply:
        """Register (201) or replace (200) the URL that receives signed job events
        (`job.completed`, `job.failed`, `job.cancelled`, `clip.ready`). The `secret` is in
        the answer that makes it (first registration, `rotate_secret`) and never again."""
        view, created = put_webhook(self.deps(), call.principal, call.json(WebhookRequest))
        return Reply(201 if created else 200, view)

    def get_webhook(self, call: Call) -> WebhookView:
        """The registered webhook (without its secret)."""
        return get_webhook(self.deps(), call.principal)

    def delete_webhook(self, call: Call) -> WebhookRemoved:
        """Stop sending events; deliveries still queued are skipped."""
        return delete_webhook(self.deps(), call.principal)

    def create_api_key(self, call: Call) -> Reply:
        """A key for server-to-server calls (`Authorization: Bearer klair_sk_…`), acting as
        you: your plan's rate limit and minutes. The `secret` is in this answer only."""
        return Reply(201, create_api_key(self.deps(), call.principal, call.json(ApiKeyRequest)))

    def list_api_keys(self, call: Call) -> ApiKeyList:
        """Your keys (never their secrets), revoked ones included, newest first."""
        return list_api_keys(self.deps(), call.principal)

    def revoke_api_key(self, call: Call) -> ApiKeyView:
        """Revoke a key: its next request is refused (401 `invalid_api_key`)."""
        return revoke_api_key(self.deps(), call.principal, call.params["key_id"])


def _created(body: Accepted, created: bool, status: int, replayed: bool) -> Reply:
    """`status` for a new job; 200 for an existing one (an idempotent replay is marked)."""
    if created:
        return Reply(status, body)
    return Reply(200, body, {idempotency.REPLAYED_HEADER: "true"} if replayed else {})


def _submissions(router: Router, api: ApiHandlers) -> None:
    jobs = ("jobs",)
    submitted = {
        200: "An earlier identical request's job (idempotent replay or upload).",
        400: "Invalid body, or the URL is refused before any job exists (the SSRF guard's "
        "`url_*` codes, `url_host_not_found`).",
    }
    conflicts = {404: "No such upload.", 409: "Idempotency-Key reused, or upload busy."}
    conflicts |= PLAN
    for path, handler, body in (
        ("/api/klair/analyze", api.analyze, SubmitRequest),
        ("/api/klair/analyze/audio", api.analyze_audio, AudioSubmitRequest),
    ):
        router.add(
            "POST", path, handler, body=body, response=Accepted, status=202, tags=jobs,
            responses={**submitted, **conflicts}, headers=IDEMPOTENCY,
        )  # fmt: skip
    router.add(
        "POST", "/api/upload-url", api.upload_url, body=UploadRequest, response=UploadTicket,
        status=201, tags=jobs, responses={200: "Replay of an earlier identical request.", 409:
        "Idempotency-Key reused with another body.", **PLAN}, headers=IDEMPOTENCY,
    )  # fmt: skip


def _job_routes(router: Router, api: ApiHandlers) -> None:
    jobs = ("jobs",)
    router.add(
        "GET", "/api/klair/jobs", api.list_jobs, query=ListQuery, response=JobPage, tags=jobs
    )
    one = {404: NOT_FOUND}
    router.add(
        "GET", "/api/klair/status/<job_id>", api.status, response=StatusView, tags=jobs,
        responses=one,
    )  # fmt: skip
    router.add(
        "GET", "/api/klair/results/<job_id>", api.results, query=ResultsQuery,
        response=ResultsView, tags=jobs, responses={**one, 409: "Not finished (status given)."},
    )  # fmt: skip
    router.add(
        "POST", "/api/klair/jobs/<job_id>/cancel", api.cancel, response=StatusView, tags=jobs,
        responses={**one, 409: "The job already finished."},
    )  # fmt: skip
    router.add("DELETE", "/api/klair/jobs/<job_id>", api.delete, response=Deleted, tags=jobs,
               responses=one)  # fmt: skip
    router.add(
        "POST", "/api/klair/export", api.export, body=ExportBody, response=ExportAccepted,
        status=202, tags=jobs, responses={404: "No such job or clip.", 409: "The job is still "
        "running (`job_running`).", 403: PLAN[403], 400: "`unknown_*` (with `allowed`), "
        "`clip_length_over_preset`, or a bad range: `range_start_after_end`, "
        "`range_outside_source`, `range_too_short`, `range_too_long`, `too_many_ranges`, "
        "`no_ranges`, `clip_ids_with_ranges`."},
    )  # fmt: skip


def build_api(
    deps: Callable[[], Deps],
    verifier: Verifier,
    project: str | None = None,
    cors: CorsPolicy | None = None,
    limiter: RequestLimiter | None = None,
) -> Router:
    """`deps` is a factory so the first request, not the import, builds the adapters."""
    router = Router(verifier, project=project, cors=cors, limiter=limiter)
    api = ApiHandlers(deps)
    ops = ("ops",)
    router.add("GET", "/api/health", api.health, auth=False, response=Health, tags=ops)
    add_docs(router, title="Klair API", description=__doc__ or "")
    _submissions(router, api)
    _job_routes(router, api)
    add_batch_routes(router, deps)  # batches and archives
    user = ("user",)
    router.add("GET", "/api/klair/user/usage", api.usage, response=UsageView, tags=user)
    router.add(
        "GET", "/api/klair/user/stats", api.stats, query=StatsQuery, response=StatsView, tags=user
    )
    _webhook(router, api)
    _api_keys(router, api)
    return router


def _webhook(router: Router, api: ApiHandlers) -> None:
    path, tags, none = "/api/klair/user/webhook", ("user",), {404: "No webhook is registered."}
    router.add(
        "PUT", path, api.put_webhook, body=WebhookRequest, response=WebhookView, status=201,
        tags=tags, responses={200: "Replaced; the secret is kept unless `rotate_secret`.", 400:
        "The URL is refused (the SSRF guard's `url_*` codes, `url_https_required`, "
        "`url_host_not_found`)."},
    )  # fmt: skip
    router.add("GET", path, api.get_webhook, response=WebhookView, tags=tags, responses=none)
    router.add(
        "DELETE", path, api.delete_webhook, response=WebhookRemoved, tags=tags, responses=none
    )


def _api_keys(router: Router, api: ApiHandlers) -> None:
    """Managed from a signed-in session only: an API key cannot make, list or revoke keys."""
    path, tags = "/api/klair/user/api-keys", ("user",)
    session = {403: "`session_required`: called with an API key."}
    router.add(
        "POST", path, api.create_api_key, body=ApiKeyRequest, response=ApiKeyCreated,
        status=201, tags=tags, access="session", responses={**session, 400: "Invalid body, "
        "or `unknown_scope` (`details.allowed`).", 409: "`too_many_api_keys`: revoke one "
        "first (`details.limit`)."},
    )  # fmt: skip
    router.add(
        "GET", path, api.list_api_keys, response=ApiKeyList, tags=tags, access="session",
        responses=session,
    )  # fmt: skip
    router.add(
        "DELETE", path + "/<key_id>", api.revoke_api_key, response=ApiKeyView, tags=tags,
        access="session", responses={**session, 404: "No such key (another user's neither)."},
    )  # fmt: skip

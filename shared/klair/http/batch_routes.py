"""Routes of batches and job archives: `POST /api/klair/batch`, `GET /api/klair/batch/{id}`
and `GET /api/klair/results/{id}/archive`, declared like `api_routes` (thin: the use cases
are in `handlers/api/submit_batch` and `handlers/api/archive`)."""

from __future__ import annotations

from collections.abc import Callable

from klair.handlers.api import idempotency
from klair.handlers.api.archive import ArchiveView, job_archive
from klair.handlers.api.submit_batch import BatchRequest, batch_status, submit_batch
from klair.handlers.deps import Deps
from klair.handlers.steps.batches import BatchView
from klair.http.call import Call, Reply
from klair.http.router import Router

IDEMPOTENCY = {
    idempotency.HEADER: "Retrying with the same key and body returns the first batch "
    "(200, `Idempotent-Replayed: true`) for 24 h; the same key with another body is a 409."
}


class BatchHandlers:
    def __init__(self, deps: Callable[[], Deps]) -> None:
        self.deps = deps

    def submit_batch(self, call: Call) -> Reply:
        """Submit up to 20 sources (each a `url` or an `upload_id`) with shared `options`
        (an item's own `options` override them field by field); each item becomes its own
        job. The plan judges the whole batch up front: every job is admitted, or none (402,
        nothing kept). 202 with the batch and its items' jobs; one `batch.completed` webhook
        follows every item's own ending event."""
        header = call.headers.get(idempotency.HEADER)
        key = idempotency.record_key(call.principal, header)
        view, created = submit_batch(self.deps(), call.principal, call.json(BatchRequest), key)
        if created:
            return Reply(202, view)
        return Reply(200, view, {idempotency.REPLAYED_HEADER: "true"})

    def batch_status(self, call: Call) -> BatchView:
        """Each item's job and status; `status` is `completed` once every item ended."""
        return batch_status(self.deps(), call.principal, call.params["batch_id"])

    def archive(self, call: Call) -> Reply:
        """A zip of the completed job's clips, caption sidecars, thumbnails and edit lists,
        built once per set of rendered files: 202 `archive_building` (poll again after
        `Retry-After`) until it exists, then 200 with a signed URL. A re-export that adds
        variants makes a new archive."""
        view = job_archive(self.deps(), call.principal, call.params["job_id"])
        if view.state == "ready":
            return Reply(200, view)
        return Reply(202, view, {"Retry-After": str(view.retry_after_seconds)})


def add_batch_routes(router: Router, deps: Callable[[], Deps]) -> None:
    api, jobs = BatchHandlers(deps), ("jobs",)
    router.add(
        "POST", "/api/klair/batch", api.submit_batch, body=BatchRequest, response=BatchView,
        status=202, tags=jobs, headers=IDEMPOTENCY, responses={
            200: "An earlier identical request's batch (idempotent replay).",
            400: "`batch_empty`, `batch_too_large`, `batch_duplicate_item`, "
            "`batch_item_source`, `invalid_url`, `invalid_upload_id`, `invalid_options`, the "
            "SSRF guard's `url_*` codes: `details.item` names the item (0-based).",
            402: "`quota_exceeded` for the batch as a whole (nothing is kept).",
            403: "`export_variant_not_in_plan` (`details.item`).",
            404: "An upload id that is not yours (`details.item`).",
            409: "Idempotency-Key reused, or `upload_in_progress`/`upload_in_batch`/"
            "`upload_gone` (`details.item`).",
        },
    )  # fmt: skip
    router.add(
        "GET", "/api/klair/batch/<batch_id>", api.batch_status, response=BatchView, tags=jobs,
        responses={404: "No such batch (another user's is not found either)."},
    )  # fmt: skip
    router.add(
        "GET", "/api/klair/results/<job_id>/archive", api.archive, response=ArchiveView,
        tags=jobs, responses={202: "`archive_building`: poll again after `Retry-After`.",
        404: "No such job, or `no_clips`: it completed without clips.", 409:
        "`job_not_completed`: the job has not completed (status given); `export_running`: a "
        "re-export is changing its files."},
    )  # fmt: skip

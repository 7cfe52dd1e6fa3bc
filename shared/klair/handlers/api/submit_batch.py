"""Accept a batch: up to 20 sources (URLs or upload ids, as `analyze` takes them) with shared
options, each item its own job, admitted all or nothing.

Every item is judged before any state exists (its shape, repeats, the SSRF guard, the
upload it names, the plan's variants); a refusal names the item (`details.item`, 0-based).
Then the batch and its new jobs are written at once, and the plan admits them as one
(`UsageLedger.admit_all`): a 402 removes the batch and its jobs, so nothing is left. Only
then are the ingest tasks created. An upload still waiting for its file, or running with
the same options, joins the batch as the job it already is (admitted when it was made)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, TypeAdapter, ValidationError
from pydantic.json_schema import SkipJsonSchema

from klair.domain.batch import (
    MAX_ITEMS,
    Batch,
    BatchItem,
    at_item,
    check_count,
    check_unique,
    item_error,
    new_batch_id,
)
from klair.domain.errors import Conflict, InvalidInput, KlairError, NotFound
from klair.domain.ids import UserId
from klair.domain.job import Job, JobKind, JobOptions, JobSource
from klair.domain.status import JobStatus
from klair.domain.tiers import Tier
from klair.handlers.api import idempotency
from klair.handlers.api.ownership import (
    JOB_ID_PATTERN,
    check_not_running_otherwise,
    check_still_stored,
    owned_upload,
)
from klair.handlers.api.submit_job import ONE_SOURCE, check_choices, new_job
from klair.handlers.deps import Deps
from klair.handlers.steps.batches import BatchView, batch_view
from klair.handlers.steps.dispatch import enqueue_ingest
from klair.handlers.steps.metering import admit_jobs, tier_of

_URL = TypeAdapter(HttpUrl)
_UPLOAD_ID = re.compile(JOB_ID_PATTERN)
BATCH_ID = re.compile(r"^batch_[0-9a-f]{20}$")


class BatchSource(BaseModel):
    """Exactly one of `url` or `upload_id`; `options` overrides the batch's, field by field."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=ONE_SOURCE)

    url: str | SkipJsonSchema[None] = Field(default=None, max_length=2083)
    upload_id: str | SkipJsonSchema[None] = Field(default=None, max_length=64)
    options: JobOptions | SkipJsonSchema[None] = None


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Counted by the handler (`batch_empty`, `batch_too_large`), so the 400 has its own code.
    items: list[BatchSource] = Field(json_schema_extra={"minItems": 1, "maxItems": MAX_ITEMS})
    kind: JobKind = JobKind.VIDEO
    options: JobOptions | SkipJsonSchema[None] = None


@dataclass(frozen=True)
class _Batching:
    """What every item is judged with."""

    deps: Deps
    owner: UserId
    request: BatchRequest
    tier: Tier
    batch_id: str
    key: str | None


@dataclass(frozen=True)
class _Plan:
    item: BatchItem
    job: Job
    new: bool  # False: an upload's own job joining the batch
    options: JobOptions


def submit_batch(
    deps: Deps, owner: UserId, request: BatchRequest, key: str | None = None
) -> tuple[BatchView, bool]:
    """(the batch, True when this call created it); a replayed key gives the first batch."""
    check_count(len(request.items))
    sources = [_source_key(i, item) for i, item in enumerate(request.items)]
    check_unique(sources)
    batch_id = new_batch_id()
    context = _Batching(deps, owner, request, tier_of(deps, owner), batch_id, key)
    plans = [_plan(context, i, item) for i, item in enumerate(request.items)]
    batch = Batch(
        id=batch_id, owner=owner, kind=request.kind, items=tuple(p.item for p in plans),
        idempotency_key=key, created_at=deps.clock.now(),
    )  # fmt: skip
    new = [p.job for p in plans if p.new]
    stored = deps.store.create_batch(
        batch, new, idempotency.fingerprint("batch", request), idempotency.TTL
    )
    created = stored.id == batch.id
    if created:
        try:
            admit_jobs(deps, owner, new)
        except KlairError:
            deps.store.delete_batch(batch.id)
            raise
        _retune_joined(deps, plans, request.kind)
    view = batch_view(deps, stored)
    for item in view.items:  # again on a replay: the task names dedup them
        if item.job is not None and item.job.status is JobStatus.QUEUED:
            enqueue_ingest(deps, deps.store.get(item.job_id))
    return view, created


def batch_status(deps: Deps, owner: UserId, batch_id: str) -> BatchView:
    """Another user's batch, and a malformed id, are not found either (as for jobs)."""
    batch = None
    if BATCH_ID.fullmatch(batch_id):
        try:
            batch = deps.store.get_batch(batch_id)
        except NotFound:
            batch = None
    if batch is None or batch.owner != owner:
        raise NotFound(f"no batch {batch_id[:64]}", code="batch_not_found")
    return batch_view(deps, batch)


def _source_key(index: int, item: BatchSource) -> str:
    """The item's source, normalised (what a repeat is judged on); 400 for its shape."""
    if (item.url is None) == (item.upload_id is None):
        raise item_error(index, "give exactly one of url or upload_id", "batch_item_source")
    if item.upload_id is not None:
        if not _UPLOAD_ID.fullmatch(item.upload_id):
            raise item_error(index, "not an upload id", "invalid_upload_id")
        return f"upload:{item.upload_id}"
    try:
        url = _URL.validate_python(item.url)
    except ValidationError:
        raise item_error(index, "not an http(s) URL", "invalid_url") from None
    if url.scheme not in ("http", "https"):
        raise item_error(index, "not an http(s) URL", "invalid_url")
    return f"url:{url}"


def _options(index: int, request: BatchRequest, item: BatchSource) -> JobOptions:
    shared = request.options or JobOptions()
    if item.options is None:
        return shared
    merged = {
        **shared.model_dump(exclude_unset=True),
        **item.options.model_dump(exclude_unset=True),
    }
    try:
        return JobOptions.model_validate(merged)
    except (ValidationError, InvalidInput) as error:
        raise item_error(index, "the merged options are invalid", "invalid_options",
                         reason=str(error).splitlines()[0]) from None  # fmt: skip


def _plan(context: _Batching, index: int, item: BatchSource) -> _Plan:
    deps, request = context.deps, context.request
    options = _options(index, request, item)
    try:
        if item.upload_id is not None:
            return _upload_plan(context, index, item.upload_id, options)
        assert item.url is not None
        url = _URL.validate_python(item.url)
        deps.source_guard.check(str(url))  # before any state, as for a single submit
        job = new_job(deps, context.owner, request.kind, JobSource(url=url), options,
                      JobStatus.QUEUED, tier=context.tier)  # fmt: skip
    except KlairError as error:
        raise at_item(error, index) from None
    job = job.model_copy(update={"batch_id": context.batch_id})
    return _Plan(BatchItem(index=index, job_id=job.id, url=item.url), job, True, options)


def _upload_plan(context: _Batching, index: int, upload_id: str, options: JobOptions) -> _Plan:
    deps, kind = context.deps, context.request.kind
    upload = owned_upload(deps, context.owner, upload_id)
    item = BatchItem(index=index, job_id=upload.id, upload_id=upload_id, joined=True)
    if not upload.status.terminal:
        if upload.batch_id is not None and not _replayed(deps, upload.batch_id, context.key):
            raise Conflict("the upload is already an item of a batch", code="upload_in_batch",
                           batch_id=upload.batch_id)  # fmt: skip
        check_not_running_otherwise(upload, options, kind)
        check_choices(deps, context.tier, options)
        return _Plan(item, upload, False, options)
    check_still_stored(deps, upload)
    job = new_job(deps, context.owner, kind, upload.source, options, JobStatus.QUEUED,
                  tier=context.tier)  # fmt: skip
    job = job.model_copy(update={"batch_id": context.batch_id})
    return _Plan(item.model_copy(update={"job_id": job.id, "joined": False}), job, True, options)


def _replayed(deps: Deps, batch_id: str, key: str | None) -> bool:
    """Whether the upload's batch is the one this request's key made (a replay)."""
    try:
        return key is not None and deps.store.get_batch(batch_id).idempotency_key == key
    except NotFound:
        return False


def _retune_joined(deps: Deps, plans: list[_Plan], kind: JobKind) -> None:
    """A joined upload still waiting for its file takes the batch's options, once the batch
    was admitted (a refused batch leaves the upload as it was)."""
    for plan in plans:
        job = plan.job
        if not plan.new and (plan.options, kind) != (job.options, job.kind):
            deps.store.update(job.id, options=plan.options.model_dump(), kind=kind.value)

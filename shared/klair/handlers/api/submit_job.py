"""Accept a job: a video or audio URL (queued at once), a finished upload (re-analysed), or a
signed upload (queued on finalize); optionally idempotent under an `Idempotency-Key`."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic.config import JsonDict
from pydantic.json_schema import SkipJsonSchema

from klair.domain import naming
from klair.domain.errors import InvalidInput
from klair.domain.ids import JobId, UserId, new_job_id
from klair.domain.job import Job, JobKind, JobOptions, JobSource
from klair.domain.source_checks import SourceLimits
from klair.domain.status import JobStatus
from klair.domain.tiers import Tier
from klair.handlers.api import idempotency
from klair.handlers.api.ownership import (
    JOB_ID_PATTERN,
    check_not_running_otherwise,
    check_still_stored,
    owned_upload,
)
from klair.handlers.api.queue_eta import Estimate, estimate
from klair.handlers.deps import Deps
from klair.handlers.steps.dispatch import enqueue_ingest
from klair.handlers.steps.exports import check_reframe
from klair.handlers.steps.metering import admit_job, check_options, tier_of
from klair.handlers.steps.views import Timestamp, status_url

__all__ = ["status_url"]


# The schema says what validation enforces: an http(s) URL, and exactly one source.
SourceUrl = Annotated[
    HttpUrl,
    WithJsonSchema({"type": "string", "format": "uri", "pattern": "^https?://", "maxLength": 2083}),
]


UploadId = Annotated[str, StringConstraints(pattern=JOB_ID_PATTERN)]


ONE_SOURCE: JsonDict = {"oneOf": [{"required": ["url"]}, {"required": ["upload_id"]}]}


class AudioSubmitRequest(BaseModel):
    """Exactly one of `url` or `upload_id` (the id `POST /api/upload-url` returned)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=ONE_SOURCE)

    url: SourceUrl | SkipJsonSchema[None] = None
    upload_id: UploadId | SkipJsonSchema[None] = None
    options: JobOptions | SkipJsonSchema[None] = None

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.url is None) == (self.upload_id is None):
            raise ValueError("give exactly one of url or upload_id")
        return self


class SubmitRequest(AudioSubmitRequest):
    kind: JobKind = JobKind.VIDEO


class UploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field(default="video/mp4", pattern=r"^(video|audio)/[A-Za-z0-9.+-]+$")
    size_bytes: int = Field(gt=0, description="The file's exact size: the session takes no other.")
    kind: JobKind = JobKind.VIDEO
    options: JobOptions = JobOptions()


class Accepted(Estimate):
    job_id: JobId
    kind: JobKind
    status: JobStatus
    status_url: str
    created_at: Timestamp


class UploadTicket(Accepted):
    """Where the file goes: `upload_url` is a Cloud Storage resumable upload session
    (`upload_protocol` "gcs-resumable") that takes exactly `upload_size_bytes` bytes and
    writes the upload once, whose arrival queues the job.

    One `PUT` of the whole file with `upload_headers` uploads it, as before. To survive a
    dropped connection, `PUT` chunks (multiples of 256 KiB but the last) with
    `Content-Range: bytes FIRST-LAST/SIZE`: 308 with `Range: bytes=0-N` until the last;
    after a cut, `PUT` an empty body with `Content-Range: bytes */SIZE` to learn N, and go
    on from N+1. The URL is the only credential needed: keep it private. It works until
    `upload_expires_at`, when a job still waiting for its file fails `upload_expired`.
    """

    upload_id: JobId
    upload_url: str = Field(description="The resumable upload session URI.")
    upload_method: str = "PUT"
    upload_headers: dict[str, str] = Field(description="Headers for a one-request upload.")
    upload_protocol: Literal["gcs-resumable"] = "gcs-resumable"
    upload_size_bytes: int = Field(description="The exact size the session accepts.")
    upload_expires_at: Timestamp
    object_name: str


# How long an upload may take to arrive: the sweeper's awaiting_upload budget (sweep.py), well
# inside the week a Cloud Storage upload session lives.
UPLOAD_WINDOW = timedelta(hours=24)


def check_choices(deps: Deps, tier: Tier, options: JobOptions) -> None:
    """What the plan (variants, a declared language) and the deployment (Sieve) allow of a
    job's options, judged before anything is stored."""
    check_options(deps, tier, options)
    check_reframe(deps, options.reframe, options.aspect_ratios)


def new_job(
    deps: Deps, owner: UserId, kind: JobKind, source: JobSource, options: JobOptions,
    status: JobStatus, job_id: JobId | None = None, tier: Tier | None = None,
) -> Job:  # fmt: skip
    """`tier`: the owner's, when the caller has read it already."""
    now = deps.clock.now()
    tier = tier or tier_of(deps, owner)
    check_choices(deps, tier, options)
    return Job(
        id=job_id or new_job_id(),
        owner=owner,
        kind=kind,
        source=source,
        options=options,
        status=status,
        stage=status.value,
        created_at=now,
        updated_at=now,
        stage_started_at=now,
        tier=tier.name,
    )


def _store(deps: Deps, job: Job, key: str | None, fingerprint: str) -> tuple[Job, bool]:
    """Create the job (under the idempotency key, if any) and admit it on the owner's plan
    (a refusal deletes it and raises the 402): (stored job, created now)."""
    if key is None:
        deps.store.create(job)
        admit_job(deps, job)
        return job, True
    stored = deps.store.create_idempotent(job, key, fingerprint, idempotency.TTL)
    if stored.id == job.id:
        admit_job(deps, stored)
    return stored, stored.id == job.id


def accepted(deps: Deps, job: Job) -> Accepted:
    return Accepted(
        job_id=job.id,
        kind=job.kind,
        status=job.status,
        status_url=status_url(job.id),
        created_at=job.created_at,
        **estimate(deps, job).model_dump(),
    )


def submit(
    deps: Deps, owner: UserId, request: SubmitRequest, key: str | None = None
) -> tuple[Accepted, bool]:
    """(the job, True when this call created it); a replayed key gives the first job."""
    if request.upload_id is not None:
        job, created = _from_upload(deps, owner, request, request.upload_id, key)
    else:
        # The SSRF policy before any state: no job, no slot, no minutes for an unsafe URL.
        deps.source_guard.check(str(request.url))
        source = JobSource(url=request.url)
        job = new_job(
            deps, owner, request.kind, source, request.options or JobOptions(), JobStatus.QUEUED
        )
        job, created = _store(deps, job, key, idempotency.fingerprint("analyze", request))
    if job.status is JobStatus.QUEUED:
        enqueue_ingest(deps, job)  # again on a replay: the task name dedups it
    return accepted(deps, job), created


def submit_url(deps: Deps, owner: UserId, request: SubmitRequest) -> Accepted:
    return submit(deps, owner, request)[0]


def _from_upload(
    deps: Deps, owner: UserId, request: SubmitRequest, upload_id: str, key: str | None
) -> tuple[Job, bool]:
    """The upload's own job while it waits or runs (options may change until the upload
    lands); once that job has finished, a new job re-analyses the same object."""
    upload = owned_upload(deps, owner, upload_id)
    wanted = request.options or upload.options
    if upload.status is JobStatus.AWAITING_UPLOAD:
        if (wanted, request.kind) != (upload.options, upload.kind):
            check_choices(deps, tier_of(deps, owner), wanted)
            upload = deps.store.update(
                upload.id, options=wanted.model_dump(), kind=request.kind.value
            )
        return upload, False
    if not upload.status.terminal:
        check_not_running_otherwise(upload, wanted, request.kind)
        return upload, False
    check_still_stored(deps, upload)
    job = new_job(deps, owner, request.kind, upload.source, wanted, JobStatus.QUEUED)
    return _store(deps, job, key, idempotency.fingerprint("analyze", request))


def create_upload(
    deps: Deps,
    owner: UserId,
    request: UploadRequest,
    key: str | None = None,
    origin: str | None = None,
) -> tuple[UploadTicket, bool]:
    """A job awaiting its upload, and a resumable upload session of exactly the declared
    size, which the plan's cap bounds (`upload_too_large` before any state). `origin`: the
    browser origin the session answers CORS for.

    Cloud Storage itself refuses a body longer than the session's size; where it does not
    (fake-gcs-server), `admit_upload` fails the job whose file is not the declared size."""
    tier = tier_of(deps, owner)
    limit = upload_limit(deps, tier, request.kind)
    if request.size_bytes > limit:
        raise InvalidInput(
            f"the file is larger than the {tier.name} plan allows",
            code="upload_too_large",
            max_bytes=limit,
        )
    job_id = new_job_id()
    name = naming.upload(owner, job_id, request.filename)
    source = JobSource(
        upload_object=name, filename=request.filename, upload_bytes=request.size_bytes
    )
    job = new_job(
        deps, owner, request.kind, source, request.options, JobStatus.AWAITING_UPLOAD, job_id,
        tier,
    )  # fmt: skip
    job, created = _store(deps, job, key, idempotency.fingerprint("upload", request))
    assert job.source.upload_object is not None
    url = deps.blobs.resumable_upload(
        job.source.upload_object, request.content_type, request.size_bytes, origin
    )
    ticket = UploadTicket(
        **accepted(deps, job).model_dump(),
        upload_id=job.id,
        upload_url=url,
        upload_headers={"Content-Type": request.content_type},
        upload_size_bytes=request.size_bytes,
        upload_expires_at=job.created_at + UPLOAD_WINDOW,
        object_name=job.source.upload_object,
    )
    return ticket, created


def upload_limit(deps: Deps, tier: Tier, kind: JobKind) -> int:
    """The most an upload may hold: the plan's source size, under the uploads' own cap."""
    limits = SourceLimits.for_job(tier, deps.settings.max_download_bytes, kind)
    return min(limits.max_bytes, deps.settings.upload_max_bytes)


def submit_local_file(
    deps: Deps, owner: UserId, path: Path, kind: JobKind, options: JobOptions
) -> JobId:
    """Embedded mode: a local file enters exactly like an upload (object, then finalize)."""
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}", code="file_not_found")
    job_id = new_job_id()
    name = naming.upload(owner, job_id, path.name)
    source = JobSource(upload_object=name, filename=path.name)
    job = new_job(deps, owner, kind, source, options, JobStatus.AWAITING_UPLOAD, job_id)
    _store(deps, job, None, "")
    deps.blobs.put_file(name, path)
    return job_id

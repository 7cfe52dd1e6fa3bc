"""Forget a user Clerk deleted: refuse their tokens from now on, delete their API keys (read
on every request, so every instance refuses them at once), drop their webhook, cancel and
delete every job (clips, objects, records: `delete_job.purge`), their uploads folder and their
usage books; the user's document stays as a tombstone (no email, no name) so a token minted
before the deletion is still refused. Every step is idempotent and the tombstone is written
first, so a retry after a crash or a timeout finishes the work."""

from __future__ import annotations

from datetime import timedelta

import structlog
from pydantic import BaseModel

from klair.domain.errors import NotFound, Transient
from klair.domain.ids import UserId
from klair.domain.job import Job
from klair.domain.listing import JobCursor, JobFilter
from klair.handlers.deps import Deps
from klair.handlers.steps.removal import purge

log = structlog.get_logger(__name__)

PAGE = 100
# The webhooks function has 60 s: stop well before, answer 503, and Svix's retry resumes.
BUDGET = timedelta(seconds=40)


class UserDeleted(BaseModel):
    marked_deleted: bool
    api_keys_deleted: int = 0
    webhook_removed: bool
    jobs_deleted: int
    objects_deleted: int
    usage_records_deleted: int

    @property
    def changed(self) -> bool:
        return (
            self.marked_deleted
            or self.webhook_removed
            or any(
                (
                    self.jobs_deleted,
                    self.objects_deleted,
                    self.usage_records_deleted,
                    self.api_keys_deleted,
                )
            )
        )


def uploads_prefix(uid: UserId) -> str:
    return f"uploads/{uid}/"


def delete_user(deps: Deps, uid: UserId) -> UserDeleted:
    marked = deps.users.mark_deleted(uid)
    deps.revocations.revoke(uid)  # this process's API refuses the user's next request
    keys = deps.api_keys.delete_owner(uid)  # read on every request: refused everywhere now
    removed = deps.webhooks.remove(uid) if deps.webhooks is not None else False
    jobs, objects = _purge_jobs(deps, uid)
    deps.store.delete_batches(uid)  # after the jobs: a batch lists its jobs' sources
    objects += deps.blobs.delete_prefix(uploads_prefix(uid))
    usage = deps.usage_eraser.erase_usage(uid)
    result = UserDeleted(
        marked_deleted=marked,
        api_keys_deleted=keys,
        webhook_removed=removed,
        jobs_deleted=jobs,
        objects_deleted=objects,
        usage_records_deleted=usage,
    )
    log.info("user deleted", user_id=uid, **result.model_dump())
    return result


def _purge_jobs(deps: Deps, uid: UserId) -> tuple[int, int]:
    """(jobs, objects) deleted, page by page; raises `Transient` past the time budget."""
    started = deps.clock.now()
    jobs = objects = 0
    after: JobCursor | None = None
    while page := deps.store.list_jobs(uid, JobFilter(), PAGE, after):
        for job in page:
            if deps.clock.now() - started > BUDGET:
                raise Transient(
                    f"deleting user {uid} is still in progress ({jobs} jobs so far)",
                    code="deletion_in_progress",
                )
            objects += _purge_one(deps, job)
            jobs += 1
        after = JobCursor.of(page[-1])
    return jobs, objects


def _purge_one(deps: Deps, job: Job) -> int:
    try:
        return purge(deps, job).objects_deleted
    except NotFound:  # deleted by another delivery meanwhile
        return 0

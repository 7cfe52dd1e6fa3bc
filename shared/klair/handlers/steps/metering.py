"""Admission and metering: what a user's plan lets in, and when its minutes are held.

- Submit (an HTTP request, so nothing slow): the new job takes one of the plan's
  concurrent-job slots, and its minutes when its length is already known (a re-analysis
  of a probed upload), in one atomic ledger step that checks both limits. A refusal is a
  402 `quota_exceeded` and the job is not kept. A job of unknown length is admitted only
  while some minutes are left.
- Ingest: for a URL, the site's metadata gives the length before any byte of media is
  fetched, and the hold is set to it then; ffprobe's duration of the fetched file (an
  upload's, or a URL whose site did not say) sets it exactly before the source is stored.
  Growing a hold past the limit fails the job with `quota_exceeded` and refunds it.
- Completion commits the minutes used; failure and cancel refund (`handlers.stages`,
  `handlers.cancel_job`), each at most once per job: the ledger's reservation is a state
  machine, so duplicate deliveries change nothing. Settling frees the slot.

Limits are those of the owner's tier at the time of each check (`users/{uid}`), so a plan
change applies to the next check; a job counts in the month it was admitted in (UTC).
"""

from __future__ import annotations

import structlog

from klair.domain import naming
from klair.domain.errors import Forbidden, NotFound, QuotaExceeded
from klair.domain.ids import UserId
from klair.domain.job import Job, JobOptions
from klair.domain.periods import period_at
from klair.domain.quota import Quota, minutes_of
from klair.domain.tiers import Tier
from klair.handlers.deps import Deps
from klair.handlers.steps.language_offer import check_declared

log = structlog.get_logger(__name__)


def check_options(deps: Deps, tier: Tier, options: JobOptions) -> None:
    """Export variants beyond the plan (403) and a declared language no analyzer of the job
    hears (422) are refused before anything is stored."""
    extra = [variant for variant in options.aspect_ratios if variant not in tier.export_variants]
    if extra:
        raise Forbidden(
            f"the {tier.name} plan does not export {', '.join(extra)}",
            code="export_variant_not_in_plan",
            variants=extra,
            allowed=list(tier.export_variants),
            tier=tier.name,
        )
    check_declared(deps, tier, options)


def _known_seconds(deps: Deps, job: Job) -> float:
    """The length of a re-analysed upload, probed by the job that received it; else 0."""
    parsed = naming.parse_upload(job.source.upload_object or "")
    if parsed is None or parsed[1] == job.id:
        return 0.0
    try:
        first = deps.store.get(parsed[1])
    except NotFound:
        return 0.0
    return first.media.duration if first.media is not None else 0.0


def admit_job(deps: Deps, job: Job) -> None:
    """Take a slot (and the known minutes) for a job this request created; on a refusal the
    job is deleted, so a refused submit leaves nothing behind, and the 402 is raised. The
    job was just created with the owner's current tier."""
    tier = deps.settings.tier(job.tier)
    minutes = minutes_of(_known_seconds(deps, job))
    quota = Quota.of(tier, period_at(deps.clock.now()))
    try:
        deps.usage.admit(job.owner, job.id, minutes, quota)
    except QuotaExceeded as refused:
        deps.store.delete_job(job.id)
        log.info("job refused", job_id=job.id, tier=tier.name, **refused.details)
        raise
    if minutes:
        deps.store.update(job.id, minutes_reserved=minutes)


def admit_jobs(deps: Deps, owner: UserId, jobs: list[Job]) -> None:
    """`admit_job` for a batch's new jobs (created with the owner's current tier), judged
    as one: all are admitted or, raising the 402, none is (the caller removes them)."""
    if not jobs:
        return
    quota = Quota.of(deps.settings.tier(jobs[0].tier), period_at(deps.clock.now()))
    wanted = [(job.id, minutes_of(_known_seconds(deps, job))) for job in jobs]
    try:
        deps.usage.admit_all(owner, wanted, quota)
    except QuotaExceeded as refused:
        log.info("batch refused", jobs=len(jobs), tier=jobs[0].tier, **refused.details)
        raise
    for job_id, minutes in wanted:
        if minutes:
            deps.store.update(job_id, minutes_reserved=minutes)


def reserve_minutes(deps: Deps, job: Job, seconds: float) -> bool:
    """Hold the minutes of a source lasting `seconds` for the job (growing or shrinking
    what it held). Raises `QuotaExceeded`, permanent: the job fails and is refunded.

    False when the job was cancelled or failed meanwhile: whatever this call held is
    released again and the caller stops.
    """
    minutes = minutes_of(seconds)
    limit = tier_of(deps, job.owner).monthly_minutes
    deps.usage.reserve(job.owner, job.id, minutes, limit, period_at(deps.clock.now()))
    if deps.store.get(job.id).status.terminal:
        deps.usage.refund(job.owner, job.id)
        return False
    deps.store.update(job.id, minutes_reserved=minutes)
    return True


def tier_of(deps: Deps, owner: UserId) -> Tier:
    """The tier on the user's document; users Klair has not heard of yet get the default."""
    try:
        name = deps.users.get(owner).tier
    except NotFound:
        name = deps.settings.default_tier
    return deps.settings.tier(name)

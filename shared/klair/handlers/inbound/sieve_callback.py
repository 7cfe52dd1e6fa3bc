"""Sieve autocrop, second half: `POST /webhooks/sieve/autocrop` finishes a clip's export.

Sieve signs no webhook, so a callback is believed only this far: its URL's path carries an
HMAC token over (job, clip, submission nonce) made with the callback secret, and the job's
outcome is read back from Sieve's API with Klair's key; the body only names the job.
Sieve retries a callback until it gets a 200, so every other answer means "again later"
(409: not recorded yet or still running; 503: not configured) or "never" (401, 404).
"""

from __future__ import annotations

from typing import Any

import structlog
from pydantic import BaseModel, ConfigDict

from klair.domain.clip import Clip
from klair.domain.errors import Conflict, NotFound, Transient, Unauthorized
from klair.domain.ids import JobId
from klair.domain.job import Job
from klair.domain.sieve_task import SieveTask, token_valid
from klair.handlers.deps import Deps
from klair.handlers.steps.exports import find_clip
from klair.handlers.steps.sieve import Outcome, complete_pending

log = structlog.get_logger(__name__)


class SieveCallbackPath(BaseModel):
    """What the callback URL Klair gave Sieve carries in its path."""

    model_config = ConfigDict(extra="ignore")

    job: str
    clip: str
    n: str
    token: str


class SieveCallbackOutcome(BaseModel):
    job_id: str
    clip_id: str
    sieve_job_id: str
    # exported: Sieve's video; fell_back: local tracking (see `error`); duplicate: done
    # before; ignored: the job moved on (cancelled, failed) and takes no export.
    outcome: Outcome
    error: str | None = None


def claimed_job_id(payload: Any) -> str | None:
    """The Sieve job a callback body names (`job_id` or `id`, at the top or under
    `body`/`data`); None when it names none."""
    for part in (
        (payload, *(payload.get(k) for k in ("body", "data"))) if isinstance(payload, dict) else ()
    ):
        if isinstance(part, dict):
            for key in ("job_id", "id"):
                if isinstance(part.get(key), str):
                    return str(part[key])
    return None


def _pending(deps: Deps, target: SieveCallbackPath) -> tuple[Job, Clip, SieveTask]:
    try:
        job = deps.store.get(JobId(target.job))
        clip = find_clip(deps, job, target.clip)
    except NotFound:
        raise NotFound("no such Sieve export", code="sieve_job_unknown") from None
    if clip.sieve is None or clip.sieve.nonce != target.n:
        raise NotFound("this Sieve export was replaced or never made", code="sieve_job_unknown")
    return job, clip, clip.sieve


def _outcome(target: SieveCallbackPath, task: SieveTask, outcome: str) -> SieveCallbackOutcome:
    return SieveCallbackOutcome.model_validate(
        {"job_id": target.job, "clip_id": target.clip, "sieve_job_id": task.sieve_job_id or "",
         "outcome": outcome, "error": task.error}
    )  # fmt: skip


def handle_sieve_callback(
    deps: Deps, target: SieveCallbackPath, claimed: str | None
) -> SieveCallbackOutcome:
    secret, reframer = deps.settings.sieve_callback_secret, deps.reframer
    if not secret or not deps.settings.sieve_configured:
        raise Transient("Sieve is not configured", code="sieve_not_configured")
    if not token_valid(secret, target.job, target.clip, target.n, target.token):
        raise Unauthorized("invalid Sieve callback token", code="invalid_callback_token")
    job, clip, task = _pending(deps, target)
    if task.state in ("done", "fell_back"):
        return _outcome(target, task, "duplicate")
    if task.sieve_job_id is None:  # the push's answer is not recorded yet: come back
        raise Conflict("the Sieve job is not recorded yet", code="sieve_job_not_recorded")
    if claimed is not None and claimed != task.sieve_job_id:
        raise NotFound("not the Sieve job of this export", code="sieve_job_unknown")
    final, outcome = complete_pending(deps, job, clip, task, reframer)
    return _outcome(target, final, outcome)

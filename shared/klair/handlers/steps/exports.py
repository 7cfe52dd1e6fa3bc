"""What an export asks for, read without rendering anything: the job's export request, a
clip by id, variant keys and merged exports, whether a reframe can be served (Sieve)."""

from __future__ import annotations

from klair.domain.clip import Clip
from klair.domain.errors import InvalidInput, NotFound
from klair.domain.export_options import (
    ExportRequest,
    check_sieve_aspects,
    variant_key,
)
from klair.domain.job import Job, JobKind
from klair.domain.presets import safe_area_of
from klair.handlers.deps import Deps


def job_export(job: Job) -> ExportRequest:
    """The export the job's options ask for (audio jobs render audio only)."""
    opts = job.options
    aspects = ("source",) if job.kind is JobKind.AUDIO else opts.aspect_ratios
    return ExportRequest(
        aspect_ratios=aspects or ("source",),
        caption_style=opts.caption_style if opts.captions else None,
        loudness_lufs=opts.loudness_lufs,
        reframe=opts.reframe,
        safe_area=safe_area_of(opts.preset),
    )


def find_clip(deps: Deps, job: Job, clip_id: str) -> Clip:
    clip = next((c for c in deps.store.clips(job.id) if c.id == clip_id), None)
    if clip is None:
        raise NotFound(f"clip {clip_id} of {job.id} does not exist", code="clip_not_found")
    return clip


def merge_exports(before: dict[str, str], added: dict[str, str], first: str) -> dict[str, str]:
    """The clip's exports with a re-export's added (its first variant is `first`): a variant
    rendered again replaces its files; the clip's own `thumbnail` stays, and the
    re-export's first variant's thumbnail is listed as `thumbnail:{first}` like the others'."""
    added = dict(added)
    if before.get("thumbnail") not in (None, added.get("thumbnail")):
        added[f"thumbnail:{first}"] = added.pop("thumbnail")
    return {**before, **added}


def export_variants(request: ExportRequest) -> tuple[str, ...]:
    return tuple(variant_key(a, request.caption_style) for a in request.aspect_ratios)


def sieve_ready(deps: Deps) -> bool:
    return deps.settings.sieve_configured


def check_reframe(deps: Deps, reframe: str, aspects: tuple[str, ...]) -> None:
    """At submit and re-export: `reframe: "sieve"` without Sieve configured is a 400
    (`sieve_not_configured`) rather than a silent local reframe; with it, one of the
    aspects Sieve renders."""
    if reframe != "sieve":
        return
    if not sieve_ready(deps):
        raise InvalidInput(
            'reframe "sieve" is not available: Sieve is not configured on this deployment',
            code="sieve_not_configured",
            allowed=["auto", "center"],
        )
    check_sieve_aspects(aspects)

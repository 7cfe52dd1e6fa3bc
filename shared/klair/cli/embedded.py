"""The embedded main job: the same handlers on an in-process bus, filesystem blobs and an
in-memory store. No cloud, no emulator, no key."""

from __future__ import annotations

import contextlib
import json
import shutil
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

from klair.bootstrap import bootstrap
from klair.config import Mode, Settings
from klair.domain.analysis.selection import ordered
from klair.domain.errors import Conflict, KlairError
from klair.domain.ids import JobId, UserId
from klair.domain.job import Job, JobKind, JobOptions
from klair.handlers.api.submit_job import SubmitRequest, submit_local_file, submit_url
from klair.handlers.deps import Deps
from klair.handlers.routes import ROUTES
from klair.handlers.steps.artifacts import load_insights, transcript_files
from klair.handlers.steps.delivery import deliver, job_of
from klair.handlers.steps.lifecycle import fail_job
from klair.handlers.steps.removal import cancel
from klair.ports.messaging import LocalBus

log = structlog.get_logger(__name__)

LOCAL_OWNER = UserId("local")
ProgressHook = Callable[[Job], None]
# How often the progress hook also sees the job while a long stage runs (transcode and
# download write their progress on the job as they go).
WATCH_SECONDS = 0.5


@dataclass
class RunResult:
    job: Job
    results_file: Path
    clip_files: list[Path]


def _wire(deps: Deps, bus: LocalBus, hook: ProgressHook, interrupted: threading.Event) -> None:
    for function, (kind, handler) in ROUTES.items():

        def run(message: Any, handler: Any = handler, function: str = function) -> None:
            try:
                deliver(deps, handler, message, function)
            except KlairError:
                raise  # the bus redelivers what is retryable, then dead-letters it to `fail`
            except Exception as error:
                crashed(deps, message, function, error, interrupted)
            if interrupted.is_set():  # a library caught the KeyboardInterrupt and went on
                raise KeyboardInterrupt
            job_id = job_of(message)
            if job_id is not None:
                hook(deps.store.get(job_id))

        bus.subscribe(kind, run)


def run_job(
    source: str,
    out: Path,
    options: JobOptions,
    kind: JobKind = JobKind.VIDEO,
    hook: ProgressHook = lambda job: None,
    model_analyzer: str | None = None,
) -> RunResult:
    """Run one job to the end; writes clips and `results.json` into `out`.

    `model_analyzer` ("gemini" | "none") overrides `KLAIR_MODEL_ANALYZER`. Ctrl-C
    (KeyboardInterrupt) cancels the job: the result is the cancelled job with what it
    exported so far, and its working files are removed.
    """
    out.mkdir(parents=True, exist_ok=True)
    settings = Settings(mode=Mode.EMBEDDED, local_root=out / ".klair", default_tier="enterprise")
    if model_analyzer is not None:
        settings = settings.model_copy(update={"model_analyzer": model_analyzer})
    deps = bootstrap(settings)
    bus = deps.bus
    assert isinstance(bus, LocalBus), "the embedded mode runs on a bus it drains"
    interrupted = threading.Event()
    _wire(deps, bus, hook, interrupted)
    if source.startswith(("http://", "https://")):
        job_id = submit_url(
            deps,
            LOCAL_OWNER,
            SubmitRequest.model_validate({"url": source, "kind": kind, "options": options}),
        ).job_id
    else:
        job_id = submit_local_file(deps, LOCAL_OWNER, Path(source), kind, options)
    try:
        with _interrupts_noted(interrupted), _watching(deps, job_id, hook):
            bus.drain()
    except KeyboardInterrupt:
        with _interrupts_ignored():
            return _cancelled(deps, job_id, out, hook)
    job = deps.store.get(job_id)
    hook(job)
    return _write_results(deps, job, out)


def crashed(
    deps: Deps, message: Any, function: str, error: Exception, interrupted: threading.Event
) -> None:
    """A stage raised what is not a KlairError: a crash, and no platform retries it here,
    so the job fails; unless Ctrl-C came meanwhile, when the error is the interrupt in
    disguise (a pybind11 module, onnxruntime's for one, turns a KeyboardInterrupt raised
    while it is imported into ImportError, which faster-whisper turns into RuntimeError)."""
    if interrupted.is_set():
        raise KeyboardInterrupt from error
    log.exception("stage crashed", function=function)
    job_id = job_of(message)
    if job_id is None:
        raise error
    fail_job(deps, job_id, KlairError(f"{function} crashed: {error}"), function)


@contextlib.contextmanager
def _interrupts_noted(interrupted: threading.Event) -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt, as by default, and is noted in `interrupted`."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        interrupted.set()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _watching(deps: Deps, job_id: JobId, hook: ProgressHook) -> Iterator[None]:
    """Show the job to `hook` every WATCH_SECONDS from a thread while the stages run."""
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(WATCH_SECONDS):
            hook(deps.store.get(job_id))

    watcher = threading.Thread(target=watch, name="klair-progress", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()


@contextlib.contextmanager
def _interrupts_ignored() -> Iterator[None]:
    """A second Ctrl-C must not cut the cancellation's clean-up short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _cancelled(deps: Deps, job_id: JobId, out: Path, hook: ProgressHook) -> RunResult:
    """Cancel the job as the API does (a stage that finished meanwhile keeps its status),
    then write what it exported so far."""
    job = deps.store.get(job_id)
    with contextlib.suppress(Conflict):  # it completed or failed just before the interrupt
        job, _ = cancel(deps, job)
    log.info("job cancelled by the user", job_id=job_id, status=job.status.value)
    hook(job)
    return _write_results(deps, job, out)


def _write_results(deps: Deps, job: Job, out: Path) -> RunResult:
    clip_files: list[Path] = []
    clips = ordered(deps.store.clips(job.id), job.options.order)
    rows = []
    for clip in clips:
        files: dict[str, str] = {}
        for variant, name in clip.exports.items():
            target = out / _local_name(clip.id, variant, name, _first_aspect(job))
            deps.blobs.download(name, target)
            files[variant] = target.name
            clip_files.append(target)
        rows.append({**clip.model_dump(mode="json", exclude={"exports"}), "files": files})
    results = {"job": job.model_dump(mode="json"), "clips": rows, **_analysis(deps, job, out)}
    results_file = out / "results.json"
    results_file.write_text(json.dumps(results, indent=2))
    _clean(deps)
    return RunResult(job=job, results_file=results_file, clip_files=clip_files)


def _clean(deps: Deps) -> None:
    """Everything of the job that matters is in `out` now, and the in-memory store that knew
    the objects under `.klair` ends with this run (those of an earlier run that was killed
    are as unreachable): remove them all."""
    shutil.rmtree(deps.settings.local_root, ignore_errors=True)


def _first_aspect(job: Job) -> str:
    aspects = job.options.aspect_ratios
    return "source" if job.kind is JobKind.AUDIO or not aspects else aspects[0]


def _local_name(clip_id: str, variant: str, name: str, first: str) -> str:
    """`clip_01.mp4` for the first variant, `clip_01.jpg|.srt|.vtt`, and `clip_01_{file}`
    for the other variants and the edit list (`clip_01_9x16.mp4`, `clip_01_edit_list.otio`)."""
    if variant in ("thumbnail", "srt", "vtt") or variant.split("+")[0] == first:
        return f"{clip_id}{Path(name).suffix}"
    return f"{clip_id}_{Path(name).name}"


def _analysis(deps: Deps, job: Job, out: Path) -> dict[str, Any]:
    """Insights (keywords, chapters, quotes) and the transcript files, copied next to the
    clips, when the job was transcribed."""
    insights = load_insights(deps, job.id)
    if insights is None:
        return {}
    files: dict[str, str] = {}
    for fmt, name in transcript_files(job.id).items():
        if deps.blobs.exists(name):
            deps.blobs.download(name, out / f"transcript.{fmt}")
            files[fmt] = f"transcript.{fmt}"
    return {"insights": insights.model_dump(mode="json"), "transcript": files}

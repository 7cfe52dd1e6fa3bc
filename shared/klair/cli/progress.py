"""`klair run`'s progress display: one bar per pipeline stage and one for the whole job, each
with the time it has taken and an estimate of the time left."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn

from klair.domain.job import Job
from klair.domain.progress import progress, stage_progress
from klair.domain.status import JobStatus

# The stages a `klair run` shows, in pipeline order, each with the status that runs it.
# Each chunk transcodes its own segment as it is analysed: one row for both.
STAGES: tuple[tuple[str, JobStatus], ...] = (
    ("download", JobStatus.DOWNLOADING),
    ("analyze", JobStatus.ANALYZING),
    ("select", JobStatus.SELECTING),
    ("export", JobStatus.EXPORTING),
)
ORDER = [status for _, status in STAGES]
_AFTER = {JobStatus.DOWNLOADING: JobStatus.ANALYZING}  # transcoding only plans: no band
# A stage's band of the job's percent: from where its status starts to where the next one's
# does (the domain's progress bands, so the two cannot drift).
BANDS = {
    status: (stage_progress(status, 0.0), stage_progress(_AFTER.get(status, after), 0.0))
    for status, after in zip(ORDER, [*ORDER[1:], JobStatus.COMPLETED], strict=True)
}
# Below this fraction done an estimate of the time left is noise, so none is shown.
ETA_FROM = 0.02


def stage_fractions(job: Job) -> dict[JobStatus, float]:
    """How much of each stage is done (0–1): stages before the job's current one are done,
    later ones not started; a failed or cancelled job keeps where it stopped."""
    percent = progress(job)
    done: dict[JobStatus, float] = {}
    for status, (start, end) in BANDS.items():
        if job.status is JobStatus.COMPLETED:
            done[status] = 1.0
        else:
            done[status] = min(max((percent - start) / (end - start), 0.0), 1.0)
    return done


def eta_seconds(elapsed: float, fraction: float) -> float | None:
    """Time left at the average speed so far; None until there is enough to go on."""
    if fraction < ETA_FROM or fraction >= 1.0 or elapsed <= 0:
        return None
    return elapsed * (1.0 - fraction) / fraction


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "-:--"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


@dataclass
class _Row:
    task: TaskID
    started: float | None = None
    finished: float | None = None
    fraction: float = 0.0


@dataclass
class StageBars:
    """Feed it job snapshots (from any thread); it draws the bars on `console`."""

    console: Console
    enabled: bool = True
    skip: frozenset[str] = frozenset()  # stages this job has not got (a file: no download)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _rows: dict[str, _Row] = field(default_factory=dict)
    _began: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.bars = Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(bar_width=32),
            TaskProgressColumn(),
            TextColumn("{task.fields[took]:>5} elapsed  {task.fields[eta]:>5} left"),
            TextColumn("{task.fields[note]}"),
            console=self.console,
            disable=not self.enabled,
            transient=False,
        )
        for name in [*(name for name, _ in STAGES if name not in self.skip), "overall"]:
            task = self.bars.add_task(name, total=1.0, took="", eta="", note="")
            self._rows[name] = _Row(task)

    def __enter__(self) -> StageBars:
        self.bars.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bars.stop()

    def update(self, job: Job) -> None:
        now = time.monotonic()
        with self._lock:
            fractions = stage_fractions(job)
            for name, status in STAGES:
                if name in self.skip:
                    continue
                self._show(name, fractions[status], now, job.status is status, job)
            overall = progress(job) / 100.0
            self._show("overall", overall, now, not job.status.terminal, job)

    def _show(self, name: str, fraction: float, now: float, current: bool, job: Job) -> None:
        row = self._rows[name]
        if row.started is None and (current or fraction > 0):
            row.started = now if name != "overall" else self._began
        if row.finished is None and fraction >= 1.0:
            row.finished = now
        row.fraction = max(row.fraction, fraction)
        end = row.finished or now
        took = end - row.started if row.started is not None else None
        eta = eta_seconds(took, row.fraction) if took is not None and current else None
        note = job.status.value if current else ""
        if name == "overall" and job.status in (JobStatus.FAILED, JobStatus.CANCELLED):
            reason = f": {job.error.code}" if job.error else ""
            note = f"[red]{job.status.value}{reason}[/red]"
        self.bars.update(
            row.task,
            completed=row.fraction,
            took=clock(took) if took is not None else "",
            eta=clock(eta) if current else "",
            note=note,
        )

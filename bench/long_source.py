"""A long source through the pipeline's handlers, every invocation measured on its own.

    python -m bench.long_source [--hours 4] [--height 360] [--instances 50] [--no-transcribe]

Generates the source cheaply (a 10-minute talk looped without re-encoding), runs it as an
upload in process on the local adapters with the deployed functions' boundaries (each
message one invocation: admit, ingest, the transcode's plan, one analyze per chunk, which
transcodes its own segment, select, one export per clip) and prints per function: the
invocations, the longest and its peak RSS (this process and its ffmpeg children, sampled
every 20 ms; the warm Whisper model included), the CPU seconds; then the critical path with
N instances (the analyze and export fan-outs shared out longest first), next to today's
single pass over the whole source (one ffmpeg transcode, measured the same way). The last
line is `longest invocation S s, peak RSS M MiB`. Targets: ≤ 120 s and ≤ 1536 MiB whatever
the length; printed, never asserted (this machine is noisy).
"""

from __future__ import annotations

import argparse
import heapq
import os
import resource
import subprocess
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.talk import make_talk
from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.ffmpeg_transcode import FfmpegTranscoder
from klair.bootstrap import bootstrap
from klair.cli.embedded import LOCAL_OWNER
from klair.config import Mode, Settings
from klair.domain.job import JobKind, JobOptions
from klair.handlers.api.submit_job import submit_local_file
from klair.handlers.routes import ROUTES
from klair.handlers.steps.delivery import deliver

TARGET_SECONDS = 120.0
TARGET_MIB = 1536.0
PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:
        return found
    for task in tasks:
        try:
            children = [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
        for child in children:
            found += [child, *_descendants(child)]
    return found


class Sampler:
    """The peak RSS of this process plus its descendants while `measure` runs."""

    def __init__(self) -> None:
        self.peak = 0
        self._on = threading.Event()
        self._stop = threading.Event()
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.02):
            if self._on.is_set():
                total = _rss(me) + sum(_rss(p) for p in _descendants(me))
                self.peak = max(self.peak, total)

    @contextmanager
    def measure(self) -> Iterator[None]:
        self.peak = _rss(os.getpid())
        self._on.set()
        try:
            yield
        finally:
            self._on.clear()


@dataclass
class Call:
    function: str
    seconds: float
    cpu: float
    rss: int


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measured(calls: list[Call], sampler: Sampler, name: str, fn: Callable[[], Any]) -> Any:
    started, cpu = time.perf_counter(), _cpu()
    with sampler.measure():
        result = fn()
    calls.append(Call(name, time.perf_counter() - started, _cpu() - cpu, sampler.peak))
    return result


def make_source(path: Path, hours: float, height: int, work: Path) -> Path:
    base = work / "talk.mp4"
    make_talk(base, 600.0, height=height, fps=25)
    subprocess.run(
        ["ffmpeg", "-v", "error", "-stream_loop", "-1", "-i", str(base), "-c", "copy",
         "-t", f"{hours * 3600:.0f}", "-movflags", "+faststart", "-y", str(path)],
        check=True,
    )  # fmt: skip
    return path


def run_pipeline(source: Path, root: Path, transcribe: bool, sampler: Sampler) -> list[Call]:
    hours = FfprobeMediaProbe().probe(source).duration / 3600
    tiers = Settings().tiers
    roomy = {n: t.model_copy(update={"max_source_minutes": max(600, hours * 60 + 1),
                                     "monthly_minutes": 100_000,
                                     "max_source_bytes": 64 * 1024**3})
             for n, t in tiers.items()}  # fmt: skip
    settings = Settings(
        mode=Mode.EMBEDDED, local_root=root, tiers=roomy, max_download_bytes=64 * 1024**3,
        transcriber="whisper" if transcribe else "none",
    )  # fmt: skip
    deps = bootstrap(settings)
    bus: Any = deps.bus
    calls: list[Call] = []
    for function, (kind, handler) in ROUTES.items():

        def run(message: Any, handler: Any = handler, function: str = function) -> None:
            measured(calls, sampler, function, lambda: deliver(deps, handler, message, function))

        bus.subscribe(kind, run)
    options = JobOptions(clip_count=5)
    job_id = submit_local_file(deps, LOCAL_OWNER, source, JobKind.VIDEO, options)
    bus.drain()
    job = deps.store.get(job_id)
    if job.status.value != "completed":
        raise RuntimeError(f"the job ended {job.status.value}: {job.error}")
    return calls


def critical_path(calls: list[Call], instances: int) -> float:
    """Stages in order; a fan-out's invocations shared out on `instances`, longest first."""
    total = 0.0
    for function in ("admit", "ingest", "transcode", "analyze", "select", "export"):
        times = sorted((c.seconds for c in calls if c.function == function), reverse=True)
        lanes = [0.0] * min(instances, max(1, len(times)))
        for t in times:
            heapq.heapreplace(lanes, lanes[0] + t)
        total += max(lanes)
    return total


def report(calls: list[Call], single: Call, instances: int, source: Path, hours: float) -> None:
    mib = 1024**2
    by: dict[str, list[Call]] = defaultdict(list)
    for call in calls:
        by[call.function].append(call)
    print(f"source: {hours:g} h, {source.stat().st_size / mib:.0f} MiB")
    print(f"{'function':10s} {'calls':>5s} {'longest s':>10s} {'peak RSS MiB':>13s} {'CPU s':>8s}")
    for function, group in by.items():
        worst, rss = max(group, key=lambda c: c.seconds), max(c.rss for c in group) / mib
        cpu = sum(c.cpu for c in group)
        print(f"{function:10s} {len(group):5d} {worst.seconds:10.1f} {rss:13.0f} {cpu:8.1f}")
    longest = max(calls, key=lambda c: c.seconds)
    path = critical_path(calls, instances)
    print(f"critical path with {instances} instances: {path:.0f} s "
          f"(all in one process: {sum(c.seconds for c in calls):.0f} s)")  # fmt: skip
    print(f"today's single pass: one transcode invocation of {single.seconds:.0f} s, "
          f"peak RSS {single.rss / mib:.0f} MiB, holding the whole source "
          f"({source.stat().st_size / mib:.0f} MiB) in /tmp")  # fmt: skip
    biggest = max(calls, key=lambda c: c.rss)
    ok = longest.seconds <= TARGET_SECONDS and biggest.rss / mib <= TARGET_MIB
    print(f"longest invocation {longest.seconds:.1f} s, peak RSS {biggest.rss / mib:.0f} MiB "
          f"({longest.function}, {biggest.function}; targets {TARGET_SECONDS:.0f} s, "
          f"{TARGET_MIB:.0f} MiB: {'met' if ok else 'MISSED'})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hours", type=float, default=4.0)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--instances", type=int, default=50)
    parser.add_argument("--no-transcribe", action="store_true")
    parser.add_argument("--source", type=Path, help="use this file instead of generating one")
    args = parser.parse_args()
    sampler = Sampler()
    with tempfile.TemporaryDirectory(prefix="klair-long-") as tmp:
        work = Path(tmp)
        source = args.source or make_source(work / "long.mp4", args.hours, args.height, work)
        calls = run_pipeline(source, work / "root", not args.no_transcribe, sampler)
        media = FfprobeMediaProbe().probe(source)
        single: list[Call] = []
        measured(single, sampler, "single pass",
                 lambda: FfmpegTranscoder().transcode(source, work / "single", media))  # fmt: skip
        report(calls, single[0], args.instances, source, media.duration / 3600)


if __name__ == "__main__":
    main()

"""What every benchmark shares: interleaved side-by-side timing, one result row per comparison,
the table of ratios and the JSON written to bench/results/."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).resolve().parent / "results"


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def side_by_side(
    base: Callable[[], object], subject: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """Medians of interleaved runs (base, subject, base, …): a busy machine slows both alike."""
    bases, subjects = [], []
    for _ in range(repeat):
        bases.append(timed(base))
        subjects.append(timed(subject))
    return statistics.median(bases), statistics.median(subjects)


@dataclass(frozen=True)
class Result:
    """Klair against a baseline measured in the same run; `target` is the highest ratio
    (klair ÷ baseline) that meets the goal and `limit` the highest value of Klair's own
    (e.g. a p99 in ms), each None when there is no such goal."""

    name: str
    baseline: str
    baseline_value: float
    klair_value: float
    target: float | None = None
    unit: str = "s"
    details: dict[str, float | str] = field(default_factory=dict)
    limit: float | None = None

    @property
    def ratio(self) -> float:
        return self.klair_value / self.baseline_value if self.baseline_value else float("inf")

    @property
    def goal(self) -> str:
        goals = [f"≤ {self.target:g}×"] if self.target is not None else []
        goals += [f"≤ {self.limit:g} {self.unit}"] if self.limit is not None else []
        return ", ".join(goals)

    @property
    def verdict(self) -> str:
        checks = [self.ratio <= self.target] if self.target is not None else []
        checks += [self.klair_value <= self.limit] if self.limit is not None else []
        if not checks:
            return "—"
        return "meets" if all(checks) else "MISSES"


def table(results: Sequence[Result], title: str) -> Table:
    shown = Table(title=title)
    for column in ("benchmark", "baseline", "baseline", "klair", "ratio", "goal", ""):
        shown.add_column(column, overflow="fold")
    for r in results:
        shown.add_row(
            r.name, r.baseline, f"{r.baseline_value:.3g} {r.unit}", f"{r.klair_value:.3g} {r.unit}",
            f"{r.ratio:.2f}×", r.goal, r.verdict,
        )  # fmt: skip
    return shown


def details(results: Sequence[Result]) -> list[str]:
    return [
        f"{r.name}: " + ", ".join(f"{k} {v}" for k, v in r.details.items())
        for r in results
        if r.details
    ]


def show(results: Sequence[Result], title: str, console: Console | None = None) -> None:
    out = console or Console(width=140)
    out.print(table(results, title))
    for line in details(results):
        out.print(line, highlight=False)


def save(results: Sequence[Result], suite: str, settings: dict[str, object]) -> Path:
    """bench/results/{suite}-{UTC time}.json: the rows, ratios, settings and the machine."""
    RESULTS.mkdir(exist_ok=True)
    now = datetime.now(UTC)
    path = RESULTS / f"{suite}-{now:%Y%m%dT%H%M%SZ}.json"
    document = {
        "suite": suite,
        "at": now.isoformat(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "settings": settings,
        "results": [
            {**asdict(r), "ratio": round(r.ratio, 4), "goal": r.goal, "verdict": r.verdict}
            for r in results
        ],
    }  # fmt: skip
    path.write_text(json.dumps(document, indent=2))
    return path

"""The reliability suite's report: every scenario adds a row (jobs, lost, double-charged,
stuck), printed as one table at the end of the run."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

COLUMNS = (
    *("scenario", "jobs", "deliveries", "completed", "failed"),
    *("lost", "double-charged", "stuck", "spurious"),
)


@dataclass(frozen=True)
class Row:
    scenario: str
    jobs: int
    deliveries: int  # requests that reached a function (or store calls, for contention)
    completed: int
    failed: int
    lost: int
    double_charged: int
    stuck: int
    spurious: int = 0  # permanent failures logged by a function for a job that completed

    def cells(self) -> list[str]:
        values = (self.jobs, self.deliveries, self.completed, self.failed, self.lost)
        flags = (self.double_charged, self.stuck, self.spurious)
        return [self.scenario, *map(str, (*values, *flags))]

    @property
    def clean(self) -> bool:
        return self.lost == self.double_charged == self.stuck == self.spurious == 0


@dataclass
class Summary:
    rows: list[Row] = field(default_factory=list)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        return row

    def lines(self) -> list[str]:
        cells = [list(COLUMNS), *(row.cells() for row in self.rows)]
        widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]

        def render(line: list[str]) -> str:
            rest = (cell.rjust(width) for cell, width in zip(line, widths, strict=True))
            return "  ".join([line[0].ljust(widths[0]), *list(rest)[1:]])

        rule = "-" * len(render(cells[0]))
        return [render(cells[0]), rule, *(render(line) for line in cells[1:])]


SUMMARY = pytest.StashKey[Summary]()


@pytest.fixture(scope="session")
def summary(request: pytest.FixtureRequest) -> Summary:
    config = request.config
    if SUMMARY not in config.stash:
        config.stash[SUMMARY] = Summary()
    return config.stash[SUMMARY]


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    found = config.stash.get(SUMMARY, None)
    if found is None or not found.rows:
        return
    terminalreporter.section("reliability: at-least-once delivery, crashes, contention")
    for line in found.lines():
        terminalreporter.write_line(line)

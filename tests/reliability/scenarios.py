"""The flow scenarios the reliability suite runs together on one stack: a clean run, every
delivery tripled, a crash at each stage boundary, and a function killed mid-request."""

from __future__ import annotations

from dataclasses import dataclass

from tests.reliability.proxy import Crash, Duplicate, Fault, Rules

# Every function a delivery reaches (the api is called directly, not delivered to).
DELIVERED = ("ingest", "admit", "transcode", "analyze", "select", "export", "fail")
STAGES = ("admit", "ingest", "transcode", "analyze", "select", "export")
# After the work, the ack is lost either as a dropped connection or as a 500, by stage.
LOST_ACK = {"admit": Crash.AFTER, "ingest": Crash.AFTER_500, "transcode": Crash.AFTER}
LOST_ACK |= {"analyze": Crash.AFTER_500, "select": Crash.AFTER, "export": Crash.AFTER_500}


@dataclass(frozen=True)
class Scenario:
    name: str
    faults: tuple[Fault, ...] = ()
    duplicate: Duplicate | None = None

    @property
    def slug(self) -> str:
        return "".join(c if c.isalnum() else "_" for c in self.name)[:40]

    def arm(self, rules: Rules, job_id: str) -> None:
        if self.faults:
            rules.inject(job_id, *self.faults)
        if self.duplicate is not None:
            rules.duplicate(job_id, self.duplicate)


CLEAN = Scenario("clean run")
DUPLICATES = (
    Scenario("every delivery x3, concurrent", duplicate=Duplicate(3, concurrent=True)),
    Scenario("every delivery x3, one by one", duplicate=Duplicate(3, concurrent=False)),
)
# The stage's first input delivery dies before the work; its redelivery does the work but
# dies before acking; the third is acked.
CRASHES = tuple(
    Scenario(
        f"crash at {stage} (before, after work)",
        faults=(Fault(stage, Crash.BEFORE, 1), Fault(stage, LOST_ACK[stage], 2)),
    )
    for stage in STAGES
)
KILLED = Scenario("analyze process killed", faults=(Fault("analyze", Crash.KILL),))
# Every delivery of the selection dies: Pub/Sub gives up after max_delivery_attempts and the
# dead letter reaches `fail`, which fails the job and refunds it.
EXHAUSTED = Scenario(
    "select always crashes (dead letter)",
    faults=tuple(Fault("select", Crash.BEFORE, attempt) for attempt in range(1, 21)),
)
ALL = (CLEAN, *DUPLICATES, *CRASHES, KILLED, EXHAUSTED)

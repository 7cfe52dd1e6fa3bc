"""The log events operators measure Klair by, and the log-based metrics read from them: the one
list of message texts and field names that the code's log calls use and that
terraform/modules/monitoring/log_metrics.json is generated from (`python scripts/log_metrics.py`;
tests/unit/test_monitoring.py fails when either drifts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LogEvent:
    """One structured log line: its `message` and the fields the metrics read from it."""

    message: str
    fields: tuple[str, ...]


# A job reached completed / failed / cancelled: outcome, error code, and how long it took
# from submit per minute of source (the time-to-results SLO).
JOB_FINISHED = LogEvent(
    "job finished",
    ("job_id", "outcome", "code", "source_minutes", "elapsed_seconds", "seconds_per_source_minute"),
)
# A job left a stage; `stage_seconds` is the time it spent there (`queued`: the queue wait).
JOB_ADVANCED = LogEvent("job advanced", ("job_id", "from_status", "to", "stage_seconds"))
# The model's analysis of one chunk and what it cost (Gemini tokens × the price table).
CHUNK_MODEL_COST = LogEvent("chunk analyzed by model", ("job_id", "model", "fallback", "usd"))
# A message ran out of delivery attempts and reached the dead-letter topic's consumer.
DEAD_LETTERED = LogEvent("message dead-lettered", ("subscription", "original_type", "job_id"))
# The sweeper found a job past its stage's budget and re-drove it.
JOB_STALLED = LogEvent("job stalled, re-driven", ("job_id", "status", "sent"))
# One POST of an outbound webhook event and its verdict (`state`).
WEBHOOK_ATTEMPT = LogEvent("webhook attempt", ("event_id", "kind", "state", "status", "attempt"))

EVENTS = (JOB_FINISHED, JOB_ADVANCED, CHUNK_MODEL_COST, DEAD_LETTERED, JOB_STALLED, WEBHOOK_ATTEMPT)


@dataclass(frozen=True)
class Buckets:
    """Exponential histogram buckets: `count` finite ones from `scale`, × `growth` each."""

    count: int
    growth: float
    scale: float


SECONDS = Buckets(count=40, growth=1.5, scale=0.1)  # 0.1 s … about 13 days
USD = Buckets(count=30, growth=2.0, scale=0.0001)  # $0.0001 … about $50k


@dataclass(frozen=True)
class LogMetric:
    """A log-based metric: a counter of `event` lines (value None) or a distribution of one
    of its fields; `labels` name fields; `where` narrows the lines by field value."""

    name: str
    description: str
    event: LogEvent
    value: str | None = None
    unit: str = "1"
    labels: tuple[str, ...] = ()
    where: dict[str, str] = field(default_factory=dict)
    exclude: dict[str, str] = field(default_factory=dict)
    buckets: Buckets | None = None

    def reads(self) -> set[str]:
        """The event's fields this metric reads."""
        used = {*self.labels, *self.where, *self.exclude}
        return used | ({self.value} if self.value else set())


METRICS = (
    LogMetric("jobs_finished", "Jobs that ended, by outcome and error code.", JOB_FINISHED,
              labels=("outcome", "code")),
    LogMetric("stage_seconds", "Time a job spent in each stage.", JOB_ADVANCED,
              value="stage_seconds", unit="s", labels=("from_status",), buckets=SECONDS),
    LogMetric("queue_wait_seconds", "Time a job waited on its tier queue.", JOB_ADVANCED,
              value="stage_seconds", unit="s", where={"from_status": "queued"}, buckets=SECONDS),
    LogMetric("seconds_per_source_minute",
              "Submit-to-results time of a completed job per minute of source.", JOB_FINISHED,
              value="seconds_per_source_minute", unit="s", where={"outcome": "completed"},
              buckets=SECONDS),
    LogMetric("gemini_usd", "Gemini spend per analysed chunk (USD).", CHUNK_MODEL_COST,
              value="usd", unit="USD", labels=("model",), buckets=USD),
    LogMetric("dead_letters", "Messages that reached the dead-letter topic.", DEAD_LETTERED,
              labels=("subscription",)),
    LogMetric("stalled_jobs", "Jobs the sweeper found stalled and re-drove.", JOB_STALLED,
              labels=("status",)),
    LogMetric("webhook_failures", "Outbound webhook attempts that did not deliver.",
              WEBHOOK_ATTEMPT, labels=("state", "kind"), exclude={"state": "delivered"}),
)  # fmt: skip

# Deployed functions (gen2) log as Cloud Run revisions; each line's JSON is `jsonPayload`.
RESOURCE = 'resource.type="cloud_run_revision"'
METRIC_PREFIX = "klair/"


def log_filter(metric: LogMetric) -> str:
    parts = [RESOURCE, f'jsonPayload.message="{metric.event.message}"']
    parts += [f'jsonPayload.{k}="{v}"' for k, v in sorted(metric.where.items())]
    parts += [f'jsonPayload.{k}!="{v}"' for k, v in sorted(metric.exclude.items())]
    return " AND ".join(parts)


def terraform_metrics() -> list[dict[str, Any]]:
    """What terraform/modules/monitoring reads (log_metrics.json), one entry per metric."""
    return [
        {
            "name": METRIC_PREFIX + m.name,
            "description": m.description,
            "filter": log_filter(m),
            "value_type": "DISTRIBUTION" if m.value else "INT64",
            "unit": m.unit,
            "value_extractor": f"EXTRACT(jsonPayload.{m.value})" if m.value else None,
            "labels": {label: f"EXTRACT(jsonPayload.{label})" for label in m.labels},
            "buckets": (
                {"count": m.buckets.count, "growth": m.buckets.growth, "scale": m.buckets.scale}
                if m.buckets
                else None
            ),
        }
        for m in METRICS
    ]

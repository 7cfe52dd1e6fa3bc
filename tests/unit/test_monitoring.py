"""Metrics, alerts, SLOs and the dashboard: the log events in klair.domain.telemetry are the one
source of the field names — the code's log calls pass every field a metric reads (read from the
source, and from real log lines), log_metrics.json is generated from them, and every alert
and dashboard series reads a metric that exists. Renaming a field anywhere breaks a test."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from klair.domain.errors import KlairError
from klair.domain.ids import JobId
from klair.domain.media import MediaInfo
from klair.domain.status import JobStatus
from klair.domain.telemetry import EVENTS, METRICS, LogEvent, terraform_metrics
from klair.handlers.steps.lifecycle import advance, complete_job, fail_job
from klair.http.logs import configure_logging
from tests.unit.api_world import make_world
from tests.unit.terraform_config import ENVIRONMENTS, KLAIR, MODULES, ROOT, config, expr, resources

MONITORING = MODULES / "monitoring"
SOURCE = ROOT / "shared" / "klair"
ALERTS = {"job_success", "time_to_results", "unacked_age", "dead_letters", "stalled_jobs",
          "webhook_failures"}  # fmt: skip


def test_log_metrics_json_is_generated_from_the_telemetry_module() -> None:
    stored = json.loads((MONITORING / "log_metrics.json").read_text())
    assert stored == terraform_metrics(), "run: PYTHONPATH=shared python scripts/log_metrics.py"


def test_every_metric_reads_fields_its_event_has() -> None:
    for metric in METRICS:
        assert metric.reads() <= set(metric.event.fields), metric.name
        assert metric.event in EVENTS


def log_calls(event: LogEvent) -> list[tuple[Path, set[str]]]:
    """Every structlog call in shared/klair whose message is `event`'s (its constant or the
    same text), with the keyword names it passes."""
    names = {name for name, value in vars(telemetry()).items() if value is event}
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in {"debug", "info", "warning", "error", "critical"}:
                continue
            first = node.args[0] if node.args else None
            literal = isinstance(first, ast.Constant) and first.value == event.message
            constant = (
                isinstance(first, ast.Attribute)
                and isinstance(first.value, ast.Name)
                and first.value.id in names
                and first.attr == "message"
            )
            if literal or constant:
                found.append((path, {k.arg for k in node.keywords if k.arg}))
    return found


def telemetry() -> Any:
    import klair.domain.telemetry as module

    return module


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.message)
def test_the_code_logs_every_field_of_each_measured_event(event: LogEvent) -> None:
    calls = log_calls(event)
    assert calls, f"nothing logs {event.message!r}"
    for path, keywords in calls:
        missing = set(event.fields) - keywords
        assert not missing, f"{path.relative_to(ROOT)} logs {event.message!r} without {missing}"


def lines(capsys: pytest.CaptureFixture[str], message: str) -> list[dict[str, Any]]:
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    return [line for line in out if line.get("message") == message]


def test_a_job_that_completes_logs_its_outcome_and_time_per_source_minute(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO")
    world = make_world()
    job_id = world.submit()
    world.clock.tick(30)
    job = world.move(job_id, JobStatus.DOWNLOADING)
    job = world.deps.store.update(
        job.id,
        media=MediaInfo(duration=600.0, container="mp4").model_dump(),
        stage_started_at=world.clock.now(),
    )
    world.clock.tick(20)
    moved = advance(world.deps, job, JobStatus.TRANSCODING)
    assert moved is not None
    job = world.move(job_id, JobStatus.ANALYZING, JobStatus.SELECTING, JobStatus.EXPORTING)
    world.clock.tick(250)
    capsys.readouterr()
    assert complete_job(world.deps, job)
    (finished,) = lines(capsys, "job finished")
    assert set(finished) >= set(EVENTS[0].fields)
    assert finished["outcome"] == "completed" and finished["code"] is None
    assert finished["source_minutes"] == 10.0 and finished["elapsed_seconds"] == 300.0
    assert finished["seconds_per_source_minute"] == 30.0


def test_leaving_a_stage_logs_the_seconds_spent_in_it(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")
    world = make_world()
    job = world.job(world.submit())
    job = world.deps.store.update(job.id, stage_started_at=world.clock.now())
    world.clock.tick(42)
    capsys.readouterr()
    assert advance(world.deps, job, JobStatus.DOWNLOADING) is not None
    (advanced,) = lines(capsys, "job advanced")
    assert advanced["from_status"] == "queued" and advanced["stage_seconds"] == 42.0


def test_a_failed_job_logs_its_code(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")
    world = make_world()
    job_id = JobId(world.submit())
    world.clock.tick(5)
    capsys.readouterr()
    assert fail_job(world.deps, job_id, KlairError("gone", code="source_unavailable"))
    (finished,) = lines(capsys, "job finished")
    assert finished["outcome"] == "failed" and finished["code"] == "source_unavailable"
    assert finished["seconds_per_source_minute"] is None  # never probed: no source minutes
    assert timedelta(seconds=finished["elapsed_seconds"]) >= timedelta(seconds=5)


def short_names(text: str) -> set[str]:
    return set(re.findall(r"local\.series\.(\w+)", text))


def test_alerts_and_dashboard_read_metrics_that_exist_and_notify_the_channel_variable() -> None:
    text = "\n".join(p.read_text() for p in sorted(MONITORING.glob("*.tf")))
    metrics = {m.name for m in METRICS}
    assert short_names(text) and short_names(text) <= metrics, short_names(text) - metrics
    for name in re.findall(r"user\}/klair/(\w+)", text):
        assert name in metrics, name
    policies = resources(MONITORING, "google_monitoring_alert_policy")
    assert set(policies) == ALERTS
    for name, body in policies.items():
        assert expr(body["notification_channels"]) == "var.notification_channels", name
        (doc,) = body["documentation"]
        assert "local.runbook" in doc["content"], name
    assert "Operating Klair" in config(MONITORING)["locals"]["runbook"]
    slos = resources(MONITORING, "google_monitoring_slo")
    assert set(slos) == {"job_success", "time_to_results"}
    dashboard = resources(MONITORING, "google_monitoring_dashboard")["operations"]
    dashed = short_names(str(config(MONITORING)["locals"]["panels"]))
    assert dashed == metrics, metrics - dashed
    assert "dashboard_json" in dashboard


def test_the_klair_module_and_every_environment_wire_the_notification_channels() -> None:
    (call,) = [b for b in config(KLAIR)["module"].values() if b["source"] == "../monitoring"]
    assert expr(call["notification_channels"]) == "var.notification_channels"
    assert "for s in local.topology.subscriptions" in expr(call["subscriptions"])
    for env in ENVIRONMENTS:
        (klair,) = config(env)["module"].values()
        assert expr(klair["notification_channels"]) == "var.notification_channels", env.name


def test_every_alert_has_a_runbook_entry_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Operating Klair", 1)[1].split("\n## ", 1)[0]
    for alert in ALERTS:
        assert f"`{alert}`" in section, alert


@pytest.mark.skipif(shutil.which("terraform") is None, reason="no terraform binary")
def test_terraform_fmt_is_clean() -> None:
    run = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", "-diff", str(ROOT / "terraform")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stdout

"""Logs are one JSON object per stdout line, in the shape Cloud Logging understands."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from werkzeug.test import EnvironBuilder

from klair.bootstrap import for_tests
from klair.config import Settings
from klair.http.logs import SPAN_FIELD, TRACE_FIELD, bind_job, bind_trace, configure_logging
from klair.http.webhook_routes import build_webhooks

TRACE = "105445aa7843bc8bf206b12000100000"


@pytest.fixture(autouse=True)
def clean_context() -> Iterator[None]:
    structlog.contextvars.clear_contextvars()
    configure_logging("INFO")
    yield
    structlog.contextvars.clear_contextvars()


def lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    out = capsys.readouterr().out
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_an_event_is_one_json_line_with_severity_message_and_timestamp(
    capsys: pytest.CaptureFixture[str],
) -> None:
    structlog.get_logger().info("clip exported", clip_id="clip_01")
    [entry] = lines(capsys)
    assert entry["severity"] == "INFO"
    assert entry["message"] == "clip exported"
    assert entry["clip_id"] == "clip_01"
    assert entry["timestamp"].endswith("Z")


@pytest.mark.parametrize(
    ("method", "severity"),
    [("info", "INFO"), ("warning", "WARNING"), ("error", "ERROR"), ("critical", "CRITICAL")],
)
def test_levels_map_to_cloud_logging_severities(
    capsys: pytest.CaptureFixture[str], method: str, severity: str
) -> None:
    getattr(structlog.get_logger(), method)("something")
    assert [entry["severity"] for entry in lines(capsys)] == [severity]


def test_events_below_the_level_are_dropped(capsys: pytest.CaptureFixture[str]) -> None:
    structlog.get_logger().debug("noise")
    assert lines(capsys) == []
    configure_logging("DEBUG")
    structlog.get_logger().debug("detail")
    assert [entry["severity"] for entry in lines(capsys)] == ["DEBUG"]


def test_configuring_twice_still_writes_each_event_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO")
    configure_logging("INFO")
    structlog.get_logger().info("once")
    logging.getLogger("google.cloud").warning("stdlib once")
    assert [entry["message"] for entry in lines(capsys)] == ["once", "stdlib once"]


def test_standard_library_records_become_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    logging.getLogger("google.cloud.pubsub").warning("retrying %s", "publish")
    [entry] = lines(capsys)
    assert entry["severity"] == "WARNING"
    assert entry["message"] == "retrying publish"
    assert entry["logger"] == "google.cloud.pubsub"


def test_exceptions_carry_a_stack_trace_for_error_reporting(
    capsys: pytest.CaptureFixture[str],
) -> None:
    try:
        _ = 1 / 0
    except ZeroDivisionError:
        structlog.get_logger().exception("stage crashed")
    [entry] = lines(capsys)
    assert entry["severity"] == "ERROR"
    assert entry["stack_trace"].startswith("Traceback (most recent call last)")
    assert "ZeroDivisionError" in entry["stack_trace"]


def test_a_bound_job_id_is_on_every_line(capsys: pytest.CaptureFixture[str]) -> None:
    bind_job("job_abc")
    structlog.get_logger().info("one")
    logging.getLogger("x").error("two")
    assert [entry["job_id"] for entry in lines(capsys)] == ["job_abc", "job_abc"]


def test_cloud_trace_header_becomes_the_trace_field(capsys: pytest.CaptureFixture[str]) -> None:
    assert bind_trace(f"{TRACE}/255;o=1", "demo-klair") == TRACE
    structlog.get_logger().info("traced")
    [entry] = lines(capsys)
    assert entry[TRACE_FIELD] == f"projects/demo-klair/traces/{TRACE}"
    assert entry[SPAN_FIELD] == "00000000000000ff"
    assert entry["logging.googleapis.com/trace_sampled"] is True


def test_traceparent_is_understood_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert bind_trace(f"00-{TRACE}-00f067aa0ba902b7-00", "demo-klair") == TRACE
    structlog.get_logger().info("traced")
    [entry] = lines(capsys)
    assert entry[TRACE_FIELD] == f"projects/demo-klair/traces/{TRACE}"
    assert entry[SPAN_FIELD] == "00f067aa0ba902b7"
    assert entry["logging.googleapis.com/trace_sampled"] is False


@pytest.mark.parametrize(
    "header", [None, "", "not-a-trace", f"{TRACE}\n{{injected}}", "0" * 32 + "/1;o=1"]
)
def test_malformed_trace_headers_are_ignored(
    capsys: pytest.CaptureFixture[str], header: str | None
) -> None:
    assert bind_trace(header, "demo-klair") is None
    structlog.get_logger().info("untraced")
    [entry] = lines(capsys)
    assert TRACE_FIELD not in entry


def test_unknown_levels_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown log level"):
        configure_logging("LOUD")


def test_a_sieve_callback_token_is_never_logged_whole(capsys: pytest.CaptureFixture[str]) -> None:
    token = "9f" * 32
    path = f"/webhooks/sieve/autocrop/job_0123456789abcdef0123/clip_01/bm9uY2U/{token}"
    router = build_webhooks(lambda: for_tests(), Settings())  # Sieve not configured: 503
    answer = router.dispatch(EnvironBuilder(method="POST", path=path).get_request())
    assert answer.status_code == 503
    logging.getLogger("werkzeug").info('127.0.0.1 - - "POST %s HTTP/1.1" 503 -', path)
    structlog.get_logger().error("callback failed", url=f"https://hooks.example{path}?x=1")
    entries = lines(capsys)
    assert [e["message"] for e in entries] == [
        "request failed", f'127.0.0.1 - - "POST {path[:-58]}… HTTP/1.1" 503 -', "callback failed",
    ]  # fmt: skip
    assert entries[0]["path"] == entries[2]["url"].removeprefix("https://hooks.example")[:-4]
    assert entries[0]["path"].endswith("/bm9uY2U/9f9f9f…")
    assert token not in json.dumps(entries)

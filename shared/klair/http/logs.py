"""Structured JSON logging for Cloud Logging: one event per stdout line, with severity and trace."""

from __future__ import annotations

import logging
import re
import sys
import threading
from typing import Any

import structlog
from structlog.types import EventDict, Processor, WrappedLogger

from klair.domain.sieve_task import CALLBACK_PATH

TRACE_FIELD = "logging.googleapis.com/trace"
SPAN_FIELD = "logging.googleapis.com/spanId"
SAMPLED_FIELD = "logging.googleapis.com/trace_sampled"

_SEVERITY = {
    "debug": "DEBUG",
    "info": "INFO",
    "notice": "NOTICE",
    "warn": "WARNING",
    "warning": "WARNING",
    "error": "ERROR",
    "exception": "ERROR",
    "critical": "CRITICAL",
    "fatal": "CRITICAL",
}
# X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=1 (span id in decimal).
_CLOUD_TRACE = re.compile(r"^([0-9a-f]{32})(?:/(\d{1,20}))?(?:;o=([01]))?$")
# W3C traceparent: 00-TRACE_ID-SPAN_ID-FLAGS (span id in hex).
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
# A Sieve callback's path ends in its HMAC token (`domain.sieve_task`): a log line (a failed
# request's path, werkzeug's request line, a traceback) keeps 6 characters of it.
_CALLBACK_TOKEN = re.compile(
    re.escape(CALLBACK_PATH) + r'((?:/[^/\s?#"]+){3}/)([^/\s?#"]{0,6})[^/\s?#"]*'
)
_write_lock = threading.Lock()


class _StdoutLogger:
    """Writes each rendered line to whatever `sys.stdout` is at the time of the call.

    Resolving stdout late (instead of holding the stream) keeps output going to the right
    place when a test runner or a CLI swaps the stream after logging was configured.
    """

    def msg(self, message: str) -> None:
        with _write_lock:
            sys.stdout.write(message + "\n")
            sys.stdout.flush()

    log = debug = info = notice = warn = warning = msg
    err = error = exception = critical = fatal = msg


class _StdoutHandler(logging.Handler):
    """Routes standard-library records (google-cloud, werkzeug, ...) into the same JSON lines."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            _StdoutLogger().msg(self.format(record))
        except Exception:  # logging must never take the process down
            self.handleError(record)


def _cloud_fields(_: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    level = str(event_dict.pop("level", method_name)).lower()
    event_dict["severity"] = _SEVERITY.get(level, "DEFAULT")
    if "exception" in event_dict:
        # Error Reporting reads the Python traceback from `stack_trace` first.
        event_dict["stack_trace"] = event_dict.pop("exception")
    event_dict.pop("_record", None)
    event_dict.pop("_from_structlog", None)
    head = {k: event_dict.pop(k) for k in ("severity", "message", "timestamp") if k in event_dict}
    return {**head, **event_dict}


def _redact(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """Cut Sieve callback tokens short in every string field of the event."""
    for key, value in event_dict.items():
        if isinstance(value, str) and CALLBACK_PATH in value:
            event_dict[key] = _CALLBACK_TOKEN.sub(CALLBACK_PATH + r"\1\2…", value)
    return event_dict


def _enrich() -> list[Processor]:
    """Context, level, timestamp and traceback: the same for structlog and stdlib events."""
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
        structlog.processors.format_exc_info,
    ]


def _render() -> list[Processor]:
    """Cloud Logging's field names, then one JSON object."""
    return [
        _redact,
        structlog.processors.EventRenamer("message"),
        _cloud_fields,
        structlog.processors.JSONRenderer(),
    ]


def configure_logging(level: str | int = "INFO") -> None:
    """Send structlog events and standard-library records to stdout as JSON lines.

    Idempotent: calling it again replaces the previous configuration (so a new level takes
    effect) and never stacks a second handler.
    """
    numeric = level if isinstance(level, int) else logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        raise ValueError(f"unknown log level: {level!r}")
    structlog.configure(
        processors=[*_enrich(), *_render()],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=lambda *_: _StdoutLogger(),
        cache_logger_on_first_use=False,
    )
    handler = _StdoutHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.add_logger_name, *_enrich()],
            processors=_render(),
        )
    )
    # google-api-core stops the "google" logger from propagating once a client starts, so
    # it gets the handler itself (and never propagates, to avoid duplicate lines).
    for logger in (logging.getLogger(), logging.getLogger("google")):
        for old in [h for h in logger.handlers if isinstance(h, _StdoutHandler)]:
            logger.removeHandler(old)
        logger.addHandler(handler)
    logging.getLogger("google").propagate = False
    logging.getLogger().setLevel(numeric)


def parse_trace(header: str | None) -> tuple[str, str | None, bool] | None:
    """(trace id, span id in hex, sampled) from an X-Cloud-Trace-Context or traceparent value."""
    value = (header or "").strip().lower()
    if match := _CLOUD_TRACE.match(value):
        trace, span, sampled = match.groups()
        span_hex = format(int(span), "016x") if span and int(span) < 2**64 else None
        return trace, span_hex, sampled == "1"
    if match := _TRACEPARENT.match(value):
        trace, span, flags = match.groups()
        return trace, span, bool(int(flags, 16) & 1)
    return None


def bind_trace(header: str | None, project: str | None) -> str | None:
    """Bind the request's trace into the logging context; returns the trace id, if any.

    Malformed headers are ignored rather than logged verbatim, so a client cannot inject
    arbitrary text into the trace field.
    """
    parsed = parse_trace(header)
    if parsed is None or set(parsed[0]) == {"0"}:
        return None
    trace, span, sampled = parsed
    fields: dict[str, Any] = {"trace_id": trace}
    if project:
        fields[TRACE_FIELD] = f"projects/{project}/traces/{trace}"
        fields[SAMPLED_FIELD] = sampled
        if span is not None:
            fields[SPAN_FIELD] = span
    structlog.contextvars.bind_contextvars(**fields)
    return trace


def bind_job(job_id: str) -> None:
    """Tag every following event in this context with the job it is about."""
    structlog.contextvars.bind_contextvars(job_id=job_id)

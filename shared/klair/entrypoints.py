"""What the thin `functions/*/main.py` files call: decode the trigger, run one handler
through the delivery rules, and answer the platform (ack, retry, or an HTTP status).

Importing this module imports nothing but the standard library: each function's event
type and handler are import strings resolved on its first call, so a cold instance pays
for its own code only (the `analyze` function never imports the exporter, the `api`
function no pipeline stage), and `import main` does no I/O.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator, Mapping
from functools import cache, lru_cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from klair.domain.events import DeadLettered, Message
    from klair.handlers.deps import Deps

EventHandler = Callable[["Deps", Any], bool]
EVENTS = "klair.domain.events:"
# function → (event type, handler), as `module:attribute` import strings.
EVENT_REFS: dict[str, tuple[str, str]] = {
    "admit": (EVENTS + "ObjectFinalized", "klair.handlers.admit_upload:admit_upload"),
    "transcode": (EVENTS + "ObjectFinalized", "klair.handlers.transcode_source:transcode_source"),
    "analyze": (EVENTS + "ChunkReady", "klair.handlers.analyze_chunk:analyze_chunk"),
    "select": (EVENTS + "AnalysisCompleted", "klair.handlers.select_clips:select_clips"),
    "export": (EVENTS + "ClipSelected", "klair.handlers.export_clip:export_clip"),
    "fail": (EVENTS + "DeadLettered", "klair.handlers.delivery:fail_dead_letter"),
    "ingest": (EVENTS + "StartIngest", "klair.handlers.ingest_source:ingest_source"),
}
DEAD_LETTER_SOURCE = "CloudPubSubDeadLetterSourceSubscription"
# What a message or task that cannot be decoded raises (ValidationError is a ValueError).
UNDECODABLE = (ValueError, KeyError, TypeError)


def resolve(ref: str) -> Any:
    """`package.module:attribute` → the attribute, importing the module."""
    module, _, name = ref.partition(":")
    return getattr(import_module(module), name)


@cache
def event_function(function: str) -> tuple[type[Message], EventHandler]:
    """(event type, handler) of an event-driven function, imported on first use."""
    kind, handler = EVENT_REFS[function]
    return resolve(kind), resolve(handler)


class EventFunctions(Mapping[str, "tuple[type[Message], EventHandler]"]):
    """`EVENT_REFS` as a mapping of resolved pairs; only the pairs read are imported."""

    def __getitem__(self, function: str) -> tuple[type[Message], EventHandler]:
        return event_function(function)

    def __iter__(self) -> Iterator[str]:
        return iter(EVENT_REFS)

    def __len__(self) -> int:
        return len(EVENT_REFS)


EVENT_FUNCTIONS = EventFunctions()


def _log() -> Any:
    import structlog

    return structlog.get_logger(__name__)


@lru_cache(maxsize=1)
def deps() -> Deps:
    """Built on first use, not at import: cold starts stay cheap and import has no I/O."""
    from klair.bootstrap import bootstrap
    from klair.config import get_settings
    from klair.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level)
    return bootstrap(settings)


def decode_pubsub(
    kind: type[Message], data: bytes, attributes: Mapping[str, str]
) -> Message | None:
    """The message, or None for a notification we do not act on (not a finalize)."""
    from klair.adapters import wire
    from klair.domain.events import DeadLettered, ObjectFinalized

    if kind is ObjectFinalized:
        return wire.decode_gcs_notification(data, attributes)
    if kind is DeadLettered:
        return _dead_letter(data, attributes)
    return wire.decode(data, attributes, kind)


def _dead_letter(data: bytes, attributes: Mapping[str, str]) -> DeadLettered:
    from klair.domain import naming
    from klair.domain.events import DeadLettered
    from klair.domain.ids import JobId

    job_id: str | None = attributes.get("job_id")
    if job_id is None and "objectId" in attributes:
        name = attributes["objectId"]
        parsed = naming.parse_upload(name)
        job_id = parsed[1] if parsed else naming.parse_source(name)
    if job_id is None:
        try:
            job_id = json.loads(data).get("job_id")
        except (ValueError, AttributeError):
            job_id = None
    return DeadLettered(
        subscription=attributes.get(DEAD_LETTER_SOURCE, "unknown"),
        job_id=JobId(job_id) if job_id else None,
        original_type=attributes.get("type"),
    )


def _decode_event(kind: type[Message], payload: Mapping[str, Any]) -> Message | None:
    from klair.adapters import wire
    from klair.domain.events import ObjectFinalized

    if "message" in payload:
        message = payload["message"]
        data = base64.b64decode(message.get("data") or b"")
        return decode_pubsub(kind, data, message.get("attributes") or {})
    # Eventarc's direct storage event: data is the object resource
    return ObjectFinalized.model_validate(wire.object_resource(payload))


def handle_cloud_event(function: str, cloud_event: Any) -> None:
    """A Pub/Sub push (messagePublished CloudEvent) or a direct GCS CloudEvent."""
    from klair.domain.errors import InvalidInput
    from klair.handlers.delivery import deliver

    kind, handler = event_function(function)
    try:
        event = _decode_event(kind, cloud_event.data)
    except (InvalidInput, *UNDECODABLE) as error:
        _log().error("undecodable message acked", function=function, error=str(error))
        return  # never retried forever
    if event is None:
        return
    deliver(deps(), handler, event, function)


def handle_task(
    function: str, body: bytes, headers: Mapping[str, str]
) -> tuple[int, dict[str, Any]]:
    """A Cloud Task's HTTP request: 2xx acks it, 503 asks Cloud Tasks to retry (Cloud Tasks
    retries every non-2xx, so permanent failures, already recorded on the job, answer 200)."""
    from pydantic import ValidationError

    from klair.adapters import wire
    from klair.domain.errors import InvalidInput, KlairError
    from klair.handlers.delivery import deliver

    kind, handler = event_function(function)
    try:
        command = wire.decode_task(body, headers, kind)
    except (ValidationError, InvalidInput) as error:
        _log().error("undecodable task acked", function=function, error=str(error))
        return 200, {"accepted": False, "code": "invalid_task"}
    try:
        done = deliver(deps(), handler, command, function)
    except KlairError as error:  # only retryable errors escape `deliver`
        return 503, {"error": error.to_dict()}
    return 200, {"accepted": done}


@lru_cache(maxsize=1)
def api_router() -> Any:
    from klair.config import get_settings
    from klair.http.active_users import ActiveUserVerifier
    from klair.http.api_routes import build_api
    from klair.http.auth import ClerkVerifier
    from klair.http.cors import CorsPolicy
    from klair.http.rate_limit import RequestLimits
    from klair.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level)
    verifier = ActiveUserVerifier(ClerkVerifier.from_settings(settings), lambda: deps().users)
    cors = CorsPolicy.of(settings.cors_origins, settings.cors_max_age_seconds)
    return build_api(deps, verifier, settings.project, cors, RequestLimits(deps))


def handle_api(request: Any) -> Any:
    """The `api` function: every `/api` route through the router."""
    return api_router().dispatch(request)


def handle_sweep() -> dict[str, int]:
    """The `sweeper` function, called by Cloud Scheduler (and `klair dev`'s timer)."""
    from klair.handlers.sweep import sweep

    return sweep(deps()).model_dump()


def decode_notice(body: bytes, headers: Mapping[str, str]) -> Message:
    """A delivery task (its type travels as a header) or a Pub/Sub push of an announcement."""
    from klair.adapters import wire
    from klair.domain.errors import InvalidInput
    from klair.domain.events import NOTICES, DeliverNotification

    if any(name.lower() == wire.TYPE_HEADER.lower() for name, _ in headers.items()):
        return wire.decode_task(body, headers, DeliverNotification)
    try:
        envelope = json.loads(body)
    except ValueError:
        raise InvalidInput("a push body is JSON") from None
    if not isinstance(envelope, dict):
        raise InvalidInput("a push body is a JSON object")
    data, attributes = wire.unwrap_push(envelope)
    message = wire.decode_any(data, attributes)
    if message.type_name() not in NOTICES:
        raise InvalidInput(f"{message.type_name()} is not an announcement")
    return message


def handle_notify(body: bytes, headers: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
    """The `notify` function: pushes of JobFinished / ClipExported schedule signed deliveries
    on the webhook queue; that queue's tasks POST them. 2xx acks (a notification never fails
    its job), 503 asks Pub/Sub or Cloud Tasks to retry."""
    from pydantic import ValidationError

    from klair.domain.errors import InvalidInput, KlairError
    from klair.handlers.notify import run_notice

    try:
        message = decode_notice(body, headers)
    except (ValidationError, InvalidInput) as error:
        _log().error("undecodable notification acked", error=str(error))
        return 200, {"accepted": False, "code": "invalid_message"}
    try:
        done = run_notice(deps(), message)
    except KlairError as error:  # only retryable errors escape `run_notice`
        return 503, {"error": error.to_dict()}
    return 200, {"accepted": done}


@lru_cache(maxsize=1)
def webhooks_router() -> Any:
    from klair.config import get_settings
    from klair.http.webhook_routes import build_webhooks
    from klair.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level)
    return build_webhooks(deps, settings)


def handle_webhooks(request: Any) -> Any:
    """The `webhooks` function: Clerk's (and later Sieve's) callbacks through the router."""
    return webhooks_router().dispatch(request)

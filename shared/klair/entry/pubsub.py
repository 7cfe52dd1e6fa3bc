"""Pub/Sub pushes (messagePublished CloudEvents) and direct GCS CloudEvents: decoded into the
function's event type (finalize notifications and dead letters included), then run."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from klair.entry import runtime
from klair.entry.runtime import UNDECODABLE, log

if TYPE_CHECKING:
    from klair.bootstrap import Deps
    from klair.domain.events import DeadLettered, Message

M = TypeVar("M", bound="Message")
DEAD_LETTER_SOURCE = "CloudPubSubDeadLetterSourceSubscription"


def decode_pubsub(kind: type[M], data: bytes, attributes: Mapping[str, str]) -> M | None:
    """The message, or None for a notification we do not act on (not a finalize)."""
    from klair.domain.events import DeadLettered, ObjectFinalized
    from klair.entry import wire

    message: Any
    if kind is ObjectFinalized:
        message = wire.decode_gcs_notification(data, attributes)
    elif kind is DeadLettered:
        message = dead_letter(data, attributes)
    else:
        message = wire.decode(data, attributes, kind)
    return message  # type: ignore[no-any-return]


def dead_letter(data: bytes, attributes: Mapping[str, str]) -> DeadLettered:
    """A message that ran out of attempts, with the job it concerns when that can be read."""
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


def decode_event(kind: type[M], payload: Mapping[str, Any]) -> M | None:
    """A push envelope's message, or Eventarc's direct storage event (the object resource)."""
    from klair.domain.events import ObjectFinalized
    from klair.entry import wire

    if "message" in payload:
        message = payload["message"]
        data = base64.b64decode(message.get("data") or b"")
        return decode_pubsub(kind, data, message.get("attributes") or {})
    event: Any = ObjectFinalized.model_validate(wire.object_resource(payload))
    return event  # type: ignore[no-any-return]


def on_cloud_event(
    function: str, kind: type[M], run: Callable[[Deps, M], bool], cloud_event: Any
) -> None:
    """Decode and run; an undecodable message is logged and acked (never retried forever),
    a retryable error raised by `run` makes the platform redeliver."""
    from klair.domain.errors import InvalidInput

    try:
        event = decode_event(kind, cloud_event.data)
    except (InvalidInput, *UNDECODABLE) as error:
        log().error("undecodable message acked", function=function, error=str(error))
        return
    if event is None:
        return
    run(runtime.deps(), event)

"""The wire format of Klair messages: JSON bodies with `type`/`version` attributes, plus GCS
notifications, Pub/Sub push envelopes and Cloud Tasks headers, decoded into domain events."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping
from typing import TypeVar

from pydantic import ValidationError

from klair.domain.errors import InvalidInput, InvalidJson
from klair.domain.events import EVENT_TYPES, Message, ObjectFinalized

M = TypeVar("M", bound=Message)

TYPE_HEADER = "X-Klair-Message-Type"
VERSION_HEADER = "X-Klair-Message-Version"
FINALIZE = "OBJECT_FINALIZE"

_TASK_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_TASK_NAME_MAX = 400  # Cloud Tasks allows 500; leave room for the collision suffix


def encode(message: Message) -> tuple[bytes, dict[str, str]]:
    """The message's JSON, and its attributes (`type`, `version`, and `job_id` when it has one)."""
    attributes = message.attributes()
    job_id = getattr(message, "job_id", None)  # JobMessage, and DeadLettered when known
    if isinstance(job_id, str) and job_id:
        attributes["job_id"] = job_id
    return message.model_dump_json().encode(), attributes


def decode(data: bytes, attributes: Mapping[str, str], expected: type[M]) -> M:
    """Parse `data` as `expected`, refusing another type or a version this code does not know.

    Absent `type`/`version` attributes are tolerated (a hand-written message, a Cloud Task
    whose headers were dropped): the body is then validated against `expected` alone.
    """
    kind = attributes.get("type")
    if kind is not None and kind != expected.type_name():
        raise InvalidInput(
            f"expected a {expected.type_name()} message, got {kind}",
            code="unexpected_message_type",
        )
    version = attributes.get("version")
    if version is not None and version != str(expected.version):
        raise InvalidInput(
            f"unknown {expected.type_name()} version {version!r} (this code reads "
            f"version {expected.version})",
            code="unknown_message_version",
        )
    return _validate(data, expected)


def decode_any(data: bytes, attributes: Mapping[str, str]) -> Message:
    """Decode a message whose class is named by its `type` attribute."""
    kind = attributes.get("type")
    if kind is None or kind not in EVENT_TYPES:
        raise InvalidInput(f"unknown message type {kind!r}", code="unexpected_message_type")
    return decode(data, attributes, EVENT_TYPES[kind])


def decode_gcs_notification(data: bytes, attributes: Mapping[str, str]) -> ObjectFinalized | None:
    """An `ObjectFinalized` from a GCS bucket notification, or None for any other event type.

    Other event types (delete, archive, metadata update) are not failures: the notification
    is configured for OBJECT_FINALIZE only, so the caller acks and skips them rather than
    letting them be retried into the dead-letter topic. A message Klair published itself
    (`type` attribute, e.g. from the embedded bus) is decoded as such. With payload format
    NONE the object is described by the attributes alone.
    """
    event_type = attributes.get("eventType")
    if event_type is None and "type" in attributes:
        return decode(data, attributes, ObjectFinalized)
    if event_type != FINALIZE:
        return None
    resource = _json_object(data) if data.strip() else {}
    fallback = {
        "bucket": attributes.get("bucketId"),
        "name": attributes.get("objectId"),
        "generation": attributes.get("objectGeneration"),
    }
    try:
        return ObjectFinalized.model_validate({**fallback, **object_resource(resource)})
    except ValidationError as exc:
        raise InvalidInput(
            "malformed GCS notification", code="invalid_notification", errors=_errors(exc)
        ) from exc


def object_resource(resource: Mapping[str, object]) -> dict[str, object]:
    """`ObjectFinalized` fields from a GCS JSON_API_V1 object resource (only those present).

    The resource is what a bucket notification carries as data and what an Eventarc
    storage CloudEvent carries as `data`; `size` and `generation` are strings there.
    """
    renames = {
        "bucket": "bucket",
        "name": "name",
        "generation": "generation",
        "size": "size",
        "contentType": "content_type",
    }
    return {ours: resource[theirs] for theirs, ours in renames.items() if theirs in resource}


def unwrap_push(envelope: Mapping[str, object]) -> tuple[bytes, dict[str, str]]:
    """Data and attributes of a Pub/Sub push body (or the CloudEvent data made from one)."""
    message = envelope.get("message")
    if not isinstance(message, Mapping):
        raise InvalidInput("not a Pub/Sub push envelope", code="invalid_envelope")
    raw = message.get("data") or ""
    attributes = message.get("attributes") or {}
    if not isinstance(raw, str | bytes) or not isinstance(attributes, Mapping):
        raise InvalidInput("not a Pub/Sub push envelope", code="invalid_envelope")
    try:
        data = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput("push data is not base64", code="invalid_envelope") from exc
    return data, {str(k): str(v) for k, v in attributes.items()}


def task_headers(message: Message) -> dict[str, str]:
    """HTTP headers of a task carrying `message` as its JSON body."""
    return {
        "Content-Type": "application/json",
        TYPE_HEADER: message.type_name(),
        VERSION_HEADER: str(message.version),
    }


def decode_task(body: bytes, headers: Mapping[str, str], expected: type[M]) -> M:
    """Decode a task delivered over HTTP; the type/version travel as headers."""
    lowered = {k.lower(): v for k, v in headers.items()}
    attributes = {
        key: lowered[header.lower()]
        for key, header in (("type", TYPE_HEADER), ("version", VERSION_HEADER))
        if header.lower() in lowered
    }
    return decode(body, attributes, expected)


def task_id(name: str) -> str:
    """A Cloud Tasks task id ([A-Za-z0-9_-], ≤500 chars) derived deterministically from `name`.

    Names that needed changing get a hash suffix, so two names that differ only in unsafe
    characters ("a.b", "a/b") still map to different ids and never dedup each other.
    """
    safe = _TASK_NAME_UNSAFE.sub("-", name)[:_TASK_NAME_MAX]
    if safe == name and safe:
        return safe
    return f"{safe}-{hashlib.sha256(name.encode()).hexdigest()[:16]}"


def _validate(data: bytes, expected: type[M]) -> M:
    payload = _json_object(data)
    try:
        return expected.model_validate(payload)
    except ValidationError as exc:
        raise InvalidInput(f"invalid {expected.type_name()} message", errors=_errors(exc)) from exc


def _json_object(data: bytes) -> dict[str, object]:
    try:
        payload = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidJson("message body is not JSON") from exc
    if not isinstance(payload, dict):
        raise InvalidJson("message body is not a JSON object")
    return payload


def _errors(exc: ValidationError) -> list[dict[str, str]]:
    return [{"loc": ".".join(map(str, e["loc"])), "msg": e["msg"]} for e in exc.errors()]

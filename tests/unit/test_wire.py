"""The wire format: round trips, refusals, GCS notifications and push envelopes."""

from __future__ import annotations

import base64
import json

import pytest

from klair.domain.errors import InvalidInput, InvalidJson
from klair.domain.events import (
    AnalysisCompleted,
    ChunkReady,
    DeadLettered,
    ObjectFinalized,
    StartIngest,
)
from klair.domain.ids import JobId
from klair.entry import wire

CHUNK = ChunkReady(job_id=JobId("job_1"), index=2, start=570.0, end=1200.0, total=4)

# Exactly what fake-gcs-server (and GCS with payload format JSON_API_V1) publishes.
GCS_ATTRIBUTES = {
    "objectId": "uploads/u1/up1/my talk.mp4",
    "objectGeneration": "1795597686695519",
    "eventType": "OBJECT_FINALIZE",
    "bucketId": "klair-media",
    "eventTime": "2026-11-25T09:08:06Z",
    "payloadFormat": "JSON_API_V1",
}
GCS_DATA = json.dumps(
    {
        "kind": "storage#object",
        "id": "klair-media/uploads/u1/up1/my talk.mp4#1795597686695519",
        "name": "uploads/u1/up1/my talk.mp4",
        "bucket": "klair-media",
        "generation": "1795597686695519",
        "contentType": "video/mp4",
        "timeCreated": "2026-11-25T09:08:06.695508Z",
        "updated": "2026-11-25T09:08:06.695513Z",
        "storageClass": "STANDARD",
        "size": "5242880",
        "md5Hash": "XUFAKrxLKna5cZ2REBfFkg==",
        "crc32c": "mnG7TA==",
    }
).encode()


def test_round_trip_keeps_the_message_and_labels_it() -> None:
    data, attributes = wire.encode(CHUNK)
    assert attributes == {"type": "ChunkReady", "version": "1", "job_id": "job_1"}
    assert wire.decode(data, attributes, ChunkReady) == CHUNK
    assert wire.decode_any(data, attributes) == CHUNK


def test_job_attribute_only_when_the_message_has_a_job() -> None:
    _, attributes = wire.encode(DeadLettered(subscription="analyze-chunk-ready"))
    assert "job_id" not in attributes
    _, attributes = wire.encode(DeadLettered(subscription="s", job_id=JobId("job_2")))
    assert attributes["job_id"] == "job_2"


def test_another_type_is_refused() -> None:
    data, attributes = wire.encode(CHUNK)
    with pytest.raises(InvalidInput) as caught:
        wire.decode(data, attributes, AnalysisCompleted)
    assert caught.value.code == "unexpected_message_type"


@pytest.mark.parametrize("version", ["2", "0", "one"])
def test_an_unknown_version_is_refused(version: str) -> None:
    data, attributes = wire.encode(CHUNK)
    with pytest.raises(InvalidInput) as caught:
        wire.decode(data, {**attributes, "version": version}, ChunkReady)
    assert caught.value.code == "unknown_message_version"


def test_missing_attributes_fall_back_to_the_body() -> None:
    data, _ = wire.encode(CHUNK)
    assert wire.decode(data, {}, ChunkReady) == CHUNK


@pytest.mark.parametrize("data", [b"not json", b"[1, 2]", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_invalid_json(data: bytes) -> None:
    with pytest.raises(InvalidJson):
        wire.decode(data, {"type": "ChunkReady", "version": "1"}, ChunkReady)


def test_a_body_missing_fields_names_them() -> None:
    with pytest.raises(InvalidInput) as caught:
        wire.decode(b'{"job_id": "job_1"}', {}, ChunkReady)
    locations = {error["loc"] for error in caught.value.details["errors"]}
    assert {"index", "start", "end", "total"} <= locations


def test_decode_any_refuses_an_unknown_type() -> None:
    with pytest.raises(InvalidInput):
        wire.decode_any(b"{}", {"type": "Nope", "version": "1"})


def test_gcs_finalize_notification() -> None:
    event = wire.decode_gcs_notification(GCS_DATA, GCS_ATTRIBUTES)
    assert event == ObjectFinalized(
        bucket="klair-media",
        name="uploads/u1/up1/my talk.mp4",
        generation="1795597686695519",
        size=5242880,
        content_type="video/mp4",
    )
    assert event.key == "klair-media/uploads/u1/up1/my talk.mp4#1795597686695519"


@pytest.mark.parametrize(
    "event_type", ["OBJECT_DELETE", "OBJECT_ARCHIVE", "OBJECT_METADATA_UPDATE"]
)
def test_other_gcs_events_are_skipped(event_type: str) -> None:
    attributes = {**GCS_ATTRIBUTES, "eventType": event_type}
    assert wire.decode_gcs_notification(GCS_DATA, attributes) is None


def test_gcs_notification_without_payload_uses_the_attributes() -> None:
    attributes = {**GCS_ATTRIBUTES, "payloadFormat": "NONE"}
    event = wire.decode_gcs_notification(b"", attributes)
    assert event is not None
    assert (event.bucket, event.name, event.generation) == (
        "klair-media",
        "uploads/u1/up1/my talk.mp4",
        "1795597686695519",
    )


def test_a_finalize_klair_published_itself_decodes_too() -> None:
    mine = ObjectFinalized(bucket="b", name="sources/job_1/source.mp4", generation="7", size=3)
    assert wire.decode_gcs_notification(*wire.encode(mine)) == mine


def test_a_malformed_gcs_notification_is_invalid() -> None:
    with pytest.raises(InvalidInput):
        wire.decode_gcs_notification(b'{"size": "x"}', {"eventType": "OBJECT_FINALIZE"})


def test_object_resource_of_an_eventarc_storage_event() -> None:
    resource = json.loads(GCS_DATA)
    event = ObjectFinalized.model_validate(wire.object_resource(resource))
    assert (event.name, event.size, event.content_type) == (
        "uploads/u1/up1/my talk.mp4",
        5242880,
        "video/mp4",
    )


def test_push_envelope_unwraps_to_data_and_attributes() -> None:
    data, attributes = wire.encode(CHUNK)
    envelope = {
        "message": {
            "data": base64.b64encode(data).decode(),
            "attributes": attributes,
            "messageId": "42",
        },
        "subscription": "projects/demo-klair/subscriptions/analyze-chunk-ready",
    }
    assert wire.decode(*wire.unwrap_push(envelope), ChunkReady) == CHUNK


@pytest.mark.parametrize(
    "envelope", [{}, {"message": "x"}, {"message": {"data": "!!not base64!!"}}]
)
def test_a_bad_push_envelope_is_invalid(envelope: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        wire.unwrap_push(envelope)


def test_task_headers_carry_type_and_version_back() -> None:
    command = StartIngest(job_id=JobId("job_9"))
    headers = {k.lower(): v for k, v in wire.task_headers(command).items()}
    assert headers["content-type"] == "application/json"
    body = command.model_dump_json().encode()
    assert wire.decode_task(body, headers, StartIngest) == command
    with pytest.raises(InvalidInput):
        wire.decode_task(body, headers, ChunkReady)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("job_0123abcd", "job_0123abcd"), ("ingest-job_1", "ingest-job_1")],
)
def test_safe_task_names_are_kept(name: str, expected: str) -> None:
    assert wire.task_id(name) == expected


def test_unsafe_task_names_are_sanitised_deterministically_without_collisions() -> None:
    ids = {wire.task_id(name) for name in ("job.1", "job/1", "job:1", "job-1")}
    assert len(ids) == 4
    assert wire.task_id("job.1") == wire.task_id("job.1")
    for task_id in ids | {wire.task_id("x" * 1000), wire.task_id("")}:
        assert task_id and len(task_id) <= 500
        assert all(c.isascii() and (c.isalnum() or c in "-_") for c in task_id)

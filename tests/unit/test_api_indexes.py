"""The composite indexes the job queries need are declared once in
`emulator-config/firestore.indexes.json` (Firebase CLI format) and deployed by terraform's
firestore module: the two lists must match, or production queries fail on a missing index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import hcl2

ROOT = Path(__file__).resolve().parents[2]
INDEXES = ROOT / "emulator-config" / "firestore.indexes.json"
FIRESTORE_VARIABLES = ROOT / "terraform" / "modules" / "firestore" / "variables.tf"

Index = tuple[str, tuple[tuple[str, str], ...]]

# Each query of FirestoreJobStore / firestore_job_queries and the index that serves it.
QUERIES: dict[str, Index] = {
    "list: owner, newest first": ("jobs", (("owner", "ASCENDING"), ("created_at", "DESCENDING"))),
    "list: owner + status": (
        "jobs",
        (("owner", "ASCENDING"), ("status", "ASCENDING"), ("created_at", "DESCENDING")),
    ),
    "list: owner + kind": (
        "jobs",
        (("owner", "ASCENDING"), ("kind", "ASCENDING"), ("created_at", "DESCENDING")),
    ),
    "list: owner + status + kind": (
        "jobs",
        (
            ("owner", "ASCENDING"),
            ("status", "ASCENDING"),
            ("kind", "ASCENDING"),
            ("created_at", "DESCENDING"),
        ),
    ),
    "sweeper: idle jobs": ("jobs", (("status", "ASCENDING"), ("updated_at", "ASCENDING"))),
    "eta: recently completed": ("jobs", (("status", "ASCENDING"), ("updated_at", "DESCENDING"))),
    "queue position": (
        "jobs",
        (("status", "ASCENDING"), ("tier", "ASCENDING"), ("created_at", "ASCENDING")),
    ),
}


def declared() -> set[Index]:
    document = json.loads(INDEXES.read_text())
    return {
        (i["collectionGroup"], tuple((f["fieldPath"], f["order"]) for f in i["fields"]))
        for i in document["indexes"]
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items() if not str(k).startswith("__")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def terraform_indexes() -> set[Index]:
    variables = _plain(hcl2.loads(FIRESTORE_VARIABLES.read_text()))["variable"]
    block = next(v["composite_indexes"] for v in variables if "composite_indexes" in v)
    return {
        (i["collection"], tuple((f["field"], f["order"]) for f in i["fields"]))
        for i in block["default"].values()
    }


def test_every_query_has_its_index_declared() -> None:
    assert set(QUERIES.values()) == declared()


def test_ttl_policies_cover_every_expiring_collection() -> None:
    overrides = json.loads(INDEXES.read_text())["fieldOverrides"]
    ttl = {(o["collectionGroup"], o["fieldPath"]) for o in overrides if o.get("ttl")}
    assert ttl == {
        ("claims", "expires_at"),
        ("webhook_messages", "expires_at"),
        ("idempotency", "expires_at"),
        ("rate_limits", "expires_at"),
    }
    block = _plain(hcl2.loads(FIRESTORE_VARIABLES.read_text()))["variable"]
    ttl_fields = next(v["ttl_fields"] for v in block if "ttl_fields" in v)["default"]
    assert {(f["collection"], f["field"]) for f in ttl_fields.values()} == ttl


def test_terraform_deploys_the_declared_indexes() -> None:
    assert terraform_indexes() == declared()

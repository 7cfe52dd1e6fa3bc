"""`Idempotency-Key` handling: the record key per (owner, key) and the request fingerprint."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta

from pydantic import BaseModel

from klair.domain.errors import InvalidInput
from klair.domain.ids import UserId

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
TTL = timedelta(hours=24)
_VALID = re.compile(r"^[\x21-\x7e]{1,255}$")


def record_key(owner: UserId, header: str | None) -> str | None:
    """The record's id for this owner's key (keys never collide across users); None if the
    request carries no key. Raises `InvalidInput` for an empty, long or non-ASCII key."""
    if header is None:
        return None
    if not _VALID.fullmatch(header):
        raise InvalidInput(
            f"{HEADER} must be 1-255 visible ASCII characters", code="invalid_idempotency_key"
        )
    return hashlib.sha256(f"{owner}\x00{header}".encode()).hexdigest()


def fingerprint(operation: str, request: BaseModel) -> str:
    """Same operation and same validated body → same fingerprint (key order, spacing and
    spelled-out defaults do not matter)."""
    canonical = json.dumps(
        {"operation": operation, "body": request.model_dump(mode="json")},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()

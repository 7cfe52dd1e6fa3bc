"""Clerk's user lifecycle webhooks applied to the user store: created, updated, deleted."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

import structlog
from pydantic import BaseModel, Field, ValidationError

from klair.domain.errors import InvalidInput
from klair.domain.ids import UserId
from klair.domain.user import User
from klair.handlers.deps import Deps
from klair.handlers.inbound.delete_user import delete_user

log = structlog.get_logger(__name__)

M = TypeVar("M", bound=BaseModel)
Outcome = Literal["applied", "unchanged", "ignored"]
UPSERT_TYPES = frozenset({"user.created", "user.updated"})


class ClerkEmail(BaseModel):
    id: str
    email_address: str


class ClerkUser(BaseModel):
    """The fields Klair reads from Clerk's user object (timestamps in ms since the epoch)."""

    id: str = Field(min_length=1)
    email_addresses: list[ClerkEmail] = Field(default_factory=list)
    primary_email_address_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    public_metadata: dict[str, Any] = Field(default_factory=dict)
    created_at: int | None = None
    updated_at: int | None = None


class ClerkDeletedUser(BaseModel):
    id: str = Field(min_length=1)


class ClerkEvent(BaseModel):
    """The envelope: `{"data": {...}, "object": "event", "type": "user.created", ...}`."""

    type: str
    data: dict[str, Any] = Field(default_factory=dict)


class ClerkOutcome(BaseModel):
    """What the webhook answers: the event type, what it did, and whether it was a replay."""

    type: str
    outcome: Outcome
    duplicate: bool = False


def handle_clerk_event(deps: Deps, payload: dict[str, Any], message_id: str) -> ClerkOutcome:
    """Apply one verified Clerk event; a replayed or stale one changes nothing.

    - A message id recorded before is a replay: nothing is applied (`duplicate`). The id is
      only read first and recorded once the event is applied, so a failure in between is
      retried by Svix instead of being lost (two copies racing past the check both apply,
      which the next rules make harmless).
    - An upsert applies only over an older state (Clerk's `updated_at`, strictly newer) and
      never to a deleted user, in one compare-and-write of the store, so deliveries in any
      order, concurrent or not, end on the newest state.
    - A deletion wins over anything and is idempotent (one that runs out of time answers
      503 and Svix's retry finishes it).
    """
    event = _parse(ClerkEvent, payload)
    if deps.users.knows_message(message_id):
        outcome: Outcome = "unchanged"
        duplicate = True
    else:
        outcome = _apply(deps, event)
        duplicate = not deps.users.record_message(message_id)
    user_id = event.data.get("id")
    log.info("clerk event", type=event.type, outcome=outcome, duplicate=duplicate,
             user_id=user_id, message_id=message_id)  # fmt: skip
    return ClerkOutcome(type=event.type, outcome=outcome, duplicate=duplicate)


def _apply(deps: Deps, event: ClerkEvent) -> Outcome:
    if event.type in UPSERT_TYPES:
        return _upsert(deps, _parse(ClerkUser, event.data))
    if event.type == "user.deleted":
        uid = UserId(_parse(ClerkDeletedUser, event.data).id)
        return "applied" if delete_user(deps, uid).changed else "unchanged"
    return "ignored"


def _parse(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            {"loc": list(e["loc"]), "msg": e["msg"]}
            for e in exc.errors(include_url=False, include_input=False)
        ]
        raise InvalidInput(
            "clerk event does not match the schema", code="invalid_event", errors=errors
        ) from None


def _upsert(deps: Deps, data: ClerkUser) -> Outcome:
    now = deps.clock.now()

    def revision(existing: User | None) -> User | None:
        return _revised(deps, data, existing, now)

    return "applied" if deps.users.revise(UserId(data.id), revision) else "unchanged"


def _revised(deps: Deps, data: ClerkUser, existing: User | None, now: datetime) -> User | None:
    """The user `data` describes, or None when `existing` is deleted or as new or newer: a
    late or replayed event must not undo a newer state."""
    updated_at = _instant(data.updated_at) or now
    if existing is not None and (existing.status == "deleted" or updated_at <= existing.updated_at):
        return None
    return User(
        id=UserId(data.id),
        email=_primary_email(data),
        name=_name(data),
        tier=_tier(deps, data, existing),
        created_at=existing.created_at if existing else (_instant(data.created_at) or now),
        updated_at=updated_at,
    )


def _primary_email(data: ClerkUser) -> str | None:
    for address in data.email_addresses:
        if address.id == data.primary_email_address_id:
            return address.email_address
    return None


def _name(data: ClerkUser) -> str | None:
    parts = (part.strip() for part in (data.first_name, data.last_name) if part)
    return " ".join(part for part in parts if part) or None


def _tier(deps: Deps, data: ClerkUser, existing: User | None) -> str:
    """`public_metadata.tier` when it names a configured tier, else the tier already held."""
    wanted = data.public_metadata.get("tier")
    if isinstance(wanted, str) and wanted in deps.settings.tiers:
        return wanted
    return existing.tier if existing is not None else deps.settings.default_tier


def _instant(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, tz=UTC)

"""A user as Klair knows it (mirrored from Clerk): identity, plan and whether the account
still exists."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel

from klair.domain.errors import NotFound
from klair.domain.ids import UserId


class User(BaseModel):
    """A Clerk user as Klair knows it: identity, plan and whether the account still exists."""

    id: UserId
    email: str | None = None
    name: str | None = None
    tier: str = "free"
    status: Literal["active", "deleted"] = "active"
    created_at: datetime
    updated_at: datetime


# Svix retries a message for about a day and a half; its id must be remembered for longer.
MESSAGE_TTL = timedelta(days=7)


def unknown_user(uid: UserId) -> NotFound:
    return NotFound(f"user {uid} not found", user_id=uid)


def tombstone_for(user: User | None, uid: UserId, now: datetime) -> User | None:
    """The tombstone to store for `uid`, or None when it is already deleted.

    Shared by every UserStore: a deleted user keeps id, tier and created_at, loses email
    and name; an id never seen before gets a tombstone so a late token is still refused.
    """
    if user is None:
        return User(id=uid, status="deleted", created_at=now, updated_at=now)
    if user.status == "deleted":
        return None
    return user.model_copy(
        update={"status": "deleted", "email": None, "name": None, "updated_at": now}
    )

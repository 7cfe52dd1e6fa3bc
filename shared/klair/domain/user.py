"""A user as Klair knows it (mirrored from Clerk): identity, plan and whether the account
still exists."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

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

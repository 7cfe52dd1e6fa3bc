"""API keys for server-to-server calls: the secret's form and digest, the scopes a key grants
and what a route needs, and the limit on a user's active keys."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict

from klair.domain.errors import Conflict, Forbidden, InvalidInput, Unauthorized
from klair.domain.ids import UserId

Scope = Literal["read", "write"]
SCOPES: tuple[str, ...] = get_args(Scope)
# What a route needs: a scope (an API key must grant it; a Clerk session grants both), or a
# Clerk session itself ("session": key management, so a leaked key cannot mint more keys,
# outlive its revocation through a sibling, or hide by revoking the others).
Access = Literal["read", "write", "session"]
SECRET_PREFIX = "klair_sk_"  # noqa: S105  # the public prefix, not a secret
SECRET_BYTES = 32  # token_urlsafe(32): 43 characters, 256 bits
SHOWN_CHARS = 6  # of the random part, kept in clear so a user can tell keys apart
MAX_ACTIVE_KEYS = 20
_SECRET = re.compile(re.escape(SECRET_PREFIX) + r"[A-Za-z0-9_-]{43}")
# A key's `last_used_at` is written at most this often: a poll loop does not write per request.
TOUCH_EVERY = timedelta(minutes=1)


class ApiKey(BaseModel):
    """A stored key: never the secret, only its digest and a short prefix."""

    model_config = ConfigDict(frozen=True)

    id: str
    owner: UserId
    digest: str
    prefix: str
    name: str
    scopes: tuple[Scope, ...]
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def grants(self, access: Access) -> bool:
        """`write` includes `read` (a client that submits a job polls it); no key grants
        "session"."""
        if access == "session":
            return False
        return access in self.scopes or "write" in self.scopes

    def due_for_use_record(self, now: datetime) -> bool:
        return self.last_used_at is None or now - self.last_used_at >= TOUCH_EVERY


def digest_of(secret: str) -> str:
    """SHA-256 of the secret. Not bcrypt/scrypt: those slow down guessing a low-entropy
    password, but a key is 256 random bits (nothing to guess), and every request carrying
    a key is checked, so a deliberately slow hash would be a per-request CPU cost for no
    gain."""
    return hashlib.sha256(secret.encode()).hexdigest()


def key_id_of(digest: str) -> str:
    """A key's public id, derived from its digest so a request finds its record with one
    read by id. 96 bits of a hash of 256 random bits tell nothing usable about the secret."""
    return "key_" + digest[:24]


def is_api_key(token: str) -> bool:
    """Whether a bearer token is meant as an API key (Clerk's JWTs start with `ey`)."""
    return token.startswith(SECRET_PREFIX)


def well_formed(secret: str) -> bool:
    """A secret `new_key` could have made; anything else is refused without a store read."""
    return _SECRET.fullmatch(secret) is not None


def new_key(
    owner: UserId, name: str, scopes: tuple[Scope, ...], now: datetime
) -> tuple[ApiKey, str]:
    """(the record to store, the secret: shown once, never stored)."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    digest = digest_of(secret)
    key = ApiKey(
        id=key_id_of(digest),
        owner=owner,
        digest=digest,
        prefix=secret[: len(SECRET_PREFIX) + SHOWN_CHARS],
        name=name,
        scopes=scopes,
        created_at=now,
    )
    return key, secret


def matches(key: ApiKey, secret: str) -> bool:
    return hmac.compare_digest(key.digest, digest_of(secret))


def parse_scopes(values: Iterable[str]) -> tuple[Scope, ...]:
    """The asked scopes, de-duplicated in the order of SCOPES; an unknown one (or none) is
    a 400 that lists the allowed values."""
    asked = set(values)
    unknown = sorted(asked - set(SCOPES))
    if unknown or not asked:
        raise InvalidInput(
            f"unknown scope {', '.join(unknown) or '(none given)'}",
            code="unknown_scope",
            allowed=list(SCOPES),
        )
    return tuple(scope for scope in get_args(Scope) if scope in asked)


def access_for(method: str) -> Access:
    """A route's default need: reading needs `read`, anything that changes needs `write`."""
    return "read" if method.upper() in ("GET", "HEAD") else "write"


def invalid_key() -> Unauthorized:
    # One answer for unknown, revoked and deleted keys: a caller learns nothing by probing.
    return Unauthorized("unknown or revoked API key", code="invalid_api_key")


def refused(key: ApiKey, access: Access) -> Forbidden:
    if access == "session":
        return Forbidden(
            "API keys are managed from a signed-in session, not with an API key",
            code="session_required",
        )
    return Forbidden(
        f"this API key lacks the {access!r} scope",
        code="insufficient_scope",
        required=access,
        granted=list(key.scopes),
    )


def too_many(limit: int) -> Conflict:
    return Conflict(
        f"at most {limit} active API keys; revoke one first", code="too_many_api_keys", limit=limit
    )

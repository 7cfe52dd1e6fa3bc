"""The caller's API keys: create one (its secret shown in that answer only), list them, revoke
one; and `authenticate`, which turns a key on a request into the user it acts for.

A key acts as its owner in every way: the same rate-limit bucket and usage books, since the
API sees the owner's id. Every request with a key reads its record (one read by id), so a
revoked key is refused by the next request on every instance; nothing about keys is cached."""

from __future__ import annotations

from typing import Annotated

import structlog
from pydantic import BaseModel, ConfigDict, Field

from klair.domain.api_keys import (
    MAX_ACTIVE_KEYS,
    SCOPES,
    Access,
    ApiKey,
    Scope,
    digest_of,
    invalid_key,
    key_id_of,
    matches,
    new_key,
    parse_scopes,
    refused,
    well_formed,
)
from klair.domain.errors import NotFound
from klair.domain.ids import UserId
from klair.handlers.deps import Deps
from klair.handlers.steps.views import Timestamp

log = structlog.get_logger(__name__)


class ApiKeyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=100, pattern=r"\S")]
    # Checked by the handler, so an unknown scope is a 400 `unknown_scope` listing SCOPES.
    scopes: Annotated[
        list[str],
        Field(
            min_length=1,
            max_length=len(SCOPES),
            json_schema_extra={"items": {"type": "string", "enum": list(SCOPES)}},
            description="`read`: the GET routes. `write`: the routes that create or change "
            "something (submit, cancel, delete, export, uploads, webhook); includes `read`.",
        ),
    ]


class ApiKeyView(BaseModel):
    id: str
    name: str
    prefix: str  # the secret's first characters, to tell keys apart
    scopes: list[Scope]
    created_at: Timestamp
    last_used_at: Timestamp | None = None  # updated at most once a minute
    revoked_at: Timestamp | None = None


class ApiKeyCreated(ApiKeyView):
    # Only in this answer: Klair keeps a digest, never the secret. Send it as
    # `Authorization: Bearer klair_sk_…`.
    secret: str


class ApiKeyList(BaseModel):
    keys: list[ApiKeyView]  # newest first, revoked ones included
    active: int
    max_active: int


def _view(key: ApiKey) -> ApiKeyView:
    return ApiKeyView(
        id=key.id, name=key.name, prefix=key.prefix, scopes=list(key.scopes),
        created_at=key.created_at, last_used_at=key.last_used_at, revoked_at=key.revoked_at,
    )  # fmt: skip


def create_api_key(deps: Deps, owner: UserId, request: ApiKeyRequest) -> ApiKeyCreated:
    """A new key; 400 `unknown_scope`, 409 `too_many_api_keys` past MAX_ACTIVE_KEYS."""
    scopes = parse_scopes(request.scopes)
    key, secret = new_key(owner, request.name.strip(), scopes, deps.clock.now())
    deps.api_keys.add(key, MAX_ACTIVE_KEYS)
    log.info("api key created", user_id=owner, key_id=key.id, scopes=list(scopes))
    return ApiKeyCreated(**_view(key).model_dump(), secret=secret)


def list_api_keys(deps: Deps, owner: UserId) -> ApiKeyList:
    keys = deps.api_keys.list_keys(owner)
    active = sum(1 for key in keys if key.active)
    return ApiKeyList(keys=[_view(key) for key in keys], active=active, max_active=MAX_ACTIVE_KEYS)


def revoke_api_key(deps: Deps, owner: UserId, key_id: str) -> ApiKeyView:
    """The revoked key (revoking it again changes nothing); another user's key is a 404."""
    key = deps.api_keys.revoke(owner, key_id, deps.clock.now())
    if key is None:
        raise NotFound("no such API key", code="api_key_not_found")
    log.info("api key revoked", user_id=owner, key_id=key.id)
    return _view(key)


def authenticate(deps: Deps, secret: str, access: Access) -> UserId:
    """The owner of the key `secret`, if it is active and grants `access`: 401
    `invalid_api_key` for an unknown or revoked key, 403 `insufficient_scope` (or
    `session_required` on the key routes). Records the use at most once a minute."""
    if not well_formed(secret):
        raise invalid_key()
    key = deps.api_keys.get(key_id_of(digest_of(secret)))
    if key is None or not key.active or not matches(key, secret):
        raise invalid_key()
    if not key.grants(access):
        raise refused(key, access)
    now = deps.clock.now()
    if key.due_for_use_record(now):
        try:
            deps.api_keys.record_use(key.id, now)
        except Exception:  # bookkeeping: never refuse a valid request over it
            log.warning("api key use not recorded", key_id=key.id, exc_info=True)
    return key.owner

"""The caller's webhook: register a URL (judged by the SSRF guard now, and again at every
send), read it, remove it. The signing secret is shown once, when it is made."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from klair.domain.errors import NotFound, Transient
from klair.domain.ids import UserId
from klair.domain.notification import EventKind, WebhookEndpoint, new_secret
from klair.handlers.deps import Deps
from klair.handlers.steps.views import Timestamp
from klair.ports.notify import WebhookSender, WebhookStore


class WebhookRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=2048)
    rotate_secret: bool = False


class WebhookView(BaseModel):
    url: str
    events: list[EventKind]
    created_at: Timestamp
    updated_at: Timestamp
    # Only in the answer that made it (first registration or rotate_secret): keep it, it is
    # never shown again. Verify deliveries with it: `svix.webhooks.Webhook(secret).verify`.
    secret: str | None = None


class WebhookRemoved(BaseModel):
    deleted: bool = True


def _ports(deps: Deps) -> tuple[WebhookStore, WebhookSender]:
    if deps.webhooks is None or deps.sender is None:
        raise Transient("webhooks are not available here", code="webhooks_unavailable")
    return deps.webhooks, deps.sender


def _view(endpoint: WebhookEndpoint, secret: str | None = None) -> WebhookView:
    return WebhookView(
        url=endpoint.url,
        events=list(EventKind),
        created_at=endpoint.created_at,
        updated_at=endpoint.updated_at,
        secret=secret,
    )


def put_webhook(deps: Deps, owner: UserId, request: WebhookRequest) -> tuple[WebhookView, bool]:
    """(the webhook, whether it is new). Replacing the URL keeps the secret unless
    `rotate_secret`; a refused URL is a 400 with the guard's code and changes nothing."""
    store, sender = _ports(deps)
    sender.check(request.url)
    existing = store.get(owner)
    now = deps.clock.now()
    secret = new_secret() if existing is None or request.rotate_secret else existing.secret
    fresh = secret if existing is None or secret != existing.secret else None
    endpoint = WebhookEndpoint(
        url=request.url,
        secret=secret,
        created_at=existing.created_at if existing else now,
        updated_at=now,
    )
    store.put(owner, endpoint)
    return _view(endpoint, fresh), existing is None


def get_webhook(deps: Deps, owner: UserId) -> WebhookView:
    store, _ = _ports(deps)
    endpoint = store.get(owner)
    if endpoint is None:
        raise NotFound("no webhook is registered", code="webhook_not_found")
    return _view(endpoint)


def delete_webhook(deps: Deps, owner: UserId) -> WebhookRemoved:
    store, _ = _ports(deps)
    if not store.remove(owner):
        raise NotFound("no webhook is registered", code="webhook_not_found")
    return WebhookRemoved()

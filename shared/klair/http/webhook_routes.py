"""The `webhooks` function's route table: Svix-signed Clerk user events and Sieve autocrop
callbacks."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import structlog
from svix.webhooks import Webhook, WebhookVerificationError

from klair.config import Settings
from klair.domain.errors import InvalidJson, Transient, Unauthorized
from klair.domain.sieve_task import CALLBACK_PATH
from klair.handlers.deps import Deps
from klair.handlers.inbound.clerk_event import ClerkOutcome, handle_clerk_event
from klair.handlers.inbound.sieve_callback import (
    SieveCallbackOutcome,
    SieveCallbackPath,
    claimed_job_id,
    handle_sieve_callback,
)
from klair.http.call import Call
from klair.http.router import Router

log = structlog.get_logger(__name__)

SVIX_HEADERS = ("svix-id", "svix-timestamp", "svix-signature")


def clerk_webhook(secret: str | None) -> Webhook | None:
    """The verifier for the endpoint's `whsec_...` secret; None when it is unset or unusable."""
    if not secret:
        return None
    try:
        return Webhook(secret)
    except Exception as error:  # a malformed secret is a config error: answer 503, not 500
        log.error("clerk webhook secret is unusable", error=type(error).__name__)
        return None


def verified_payload(webhook: Webhook, call: Call) -> tuple[str, dict[str, Any]]:
    """The svix message id and the JSON body, once the signature and timestamp check out.

    Svix refuses timestamps more than 5 minutes away from now, which bounds replays; the
    message id, covered by the signature, catches replays inside that window.
    """
    body = call.raw_body()
    headers = {name: call.headers.get(name, "") for name in SVIX_HEADERS}
    try:
        webhook.verify(body, headers)
    except (WebhookVerificationError, ValueError) as error:  # malformed headers raise ValueError
        log.warning("clerk webhook refused", reason=str(error))
        raise Unauthorized("invalid webhook signature", code="invalid_signature") from None
    try:
        payload = json.loads(body)
    except ValueError:
        raise InvalidJson("webhook body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise InvalidJson("webhook body must be a JSON object")
    return headers["svix-id"], payload


def build_webhooks(deps: Callable[[], Deps], settings: Settings) -> Router:
    """`deps` is a factory so the first request, not the import, builds the adapters."""
    router = Router(project=settings.project)
    webhook = clerk_webhook(settings.clerk_webhook_secret)

    def clerk(call: Call) -> ClerkOutcome:
        """Clerk user lifecycle events (Svix-signed); a replayed message changes nothing."""
        if webhook is None:
            raise Transient(
                "the Clerk webhook secret is not configured", code="webhook_not_configured"
            )
        message_id, payload = verified_payload(webhook, call)
        return handle_clerk_event(deps(), payload, message_id)

    router.add(
        "POST", "/webhooks/clerk", clerk, auth=False, response=ClerkOutcome, tags=("webhooks",)
    )
    add_sieve_route(router, deps)
    return router


def add_sieve_route(router: Router, deps: Callable[[], Deps]) -> None:
    def sieve_autocrop(call: Call) -> SieveCallbackOutcome:
        """Sieve's `job.complete` webhook for an autocrop export: the path's token is
        checked and the job read back from Sieve before the clip's export is finished.
        Redelivered callbacks answer `duplicate`; 409 asks Sieve to retry later."""
        target = SieveCallbackPath.model_validate(call.params)
        try:
            payload: Any = json.loads(call.raw_body() or b"null")
        except ValueError:
            payload = None  # the body is not trusted anyway: Sieve's API is asked
        return handle_sieve_callback(deps(), target, claimed_job_id(payload))

    router.add(
        "POST", f"{CALLBACK_PATH}/<job>/<clip>/<n>/<token>", sieve_autocrop, auth=False,
        response=SieveCallbackOutcome, tags=("webhooks",),
        responses={401: "bad token", 404: "unknown or stale export", 409: "retry later"},
    )  # fmt: skip

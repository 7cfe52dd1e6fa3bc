"""The API's request limits: each user at their tier's rate (`requests_per_minute`, `burst`),
and each client IP on the routes that need no token. Over the limit is a 429 `rate_limited`
with `Retry-After`. The webhooks function has no limiter: its callers prove themselves with
signatures, and Clerk retries on its own schedule."""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

import structlog
from werkzeug.wrappers import Request

from klair.domain.errors import RateLimited, Transient
from klair.domain.ids import UserId
from klair.domain.rate_limit import RateDecision, RateRule
from klair.domain.tiers import Tier
from klair.handlers.deps import Deps
from klair.handlers.steps.metering import tier_of

log = structlog.get_logger(__name__)

# A user's tier is read from `users/{uid}` at most this often per instance.
TIER_CACHE = timedelta(seconds=60)


def client_ip(request: Request, hops: int = 0) -> str:
    """The caller's address: in X-Forwarded-For, the entry before the `hops` trusted proxies
    that appended themselves (the platform's front end writes the client's own address;
    anything left of it is the client's to invent). IPv6 clients are bucketed by their /64,
    which one subscriber usually holds whole."""
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if forwarded:
        raw = forwarded[max(len(forwarded) - 1 - hops, 0)]
    else:
        raw = request.remote_addr or "unknown"
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64]
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class _Tiers:
    """Users' tiers, cached briefly: a plan change reaches the limiter within a minute."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[UserId, tuple[datetime, Tier]] = {}

    def get(self, deps: Deps, uid: UserId) -> Tier:
        now = deps.clock.now()
        with self._lock:
            cached = self._seen.get(uid)
        if cached is not None and now - cached[0] < TIER_CACHE:
            return cached[1]
        tier = tier_of(deps, uid)
        with self._lock:
            if len(self._seen) > 10_000:  # bounded: an instance sees few users at once
                self._seen.clear()
            self._seen[uid] = (now, tier)
        return tier


class RequestLimits:
    """The router's limiter. `deps` is a factory, so wiring does no I/O.

    If the bucket store fails, the request goes through (logged): limits protect the
    service, and refusing everyone when they cannot be checked would not.
    """

    def __init__(self, deps: Callable[[], Deps]) -> None:
        self.deps = deps
        self._tiers = _Tiers()

    def check(self, request: Request, principal: UserId | None) -> None:
        deps = self.deps()
        limiter = deps.rate_limiter
        if not deps.settings.rate_limits:
            return
        key, rule, scope = self._bucket(deps, request, principal)
        try:
            decision = limiter.hit(key, rule, deps.clock.now())
        except Transient:
            log.warning("rate limits unavailable, request let through", scope=scope)
            return
        if not decision.allowed:
            raise refusal(decision, scope)

    def _bucket(
        self, deps: Deps, request: Request, principal: UserId | None
    ) -> tuple[str, RateRule, str]:
        settings = deps.settings
        if principal is not None:
            return f"user:{principal}", self._tiers.get(deps, principal).request_rule, "user"
        rule = RateRule(per_minute=settings.ip_requests_per_minute, burst=settings.ip_burst)
        return f"ip:{client_ip(request, settings.forwarded_hops)}", rule, "ip"


def refusal(decision: RateDecision, scope: str) -> RateLimited:
    """The 429 for a refused `decision`, with `Retry-After` and the scope that refused."""
    wait = round(decision.retry_after, 3)
    return RateLimited(
        f"too many requests; retry in {wait:g} s",
        retry_after=wait,
        limit=decision.limit,
        scope=scope,
    )

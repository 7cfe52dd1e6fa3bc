"""The API's second credential: `Authorization: Bearer klair_sk_…` is an API key, judged by
`handlers.api.api_keys.authenticate` (the owner, if the key is active and has the route's
scope); any other token goes to the session verifier (Clerk).

A key is looked up before the user is known, so before the per-user limiter can count it:
each instance counts the unknown or revoked keys every client IP sends, at the IP rule
(`ip_requests_per_minute`, `ip_burst`), and past it refuses that IP's keys with 429
`rate_limited` before looking them up. Guessing keys costs the store at most the IP burst
per instance, then nothing; a valid key is never counted."""

from __future__ import annotations

import threading
from collections.abc import Callable

from werkzeug.wrappers import Request

from klair.domain.api_keys import Access, is_api_key
from klair.domain.errors import Unauthorized
from klair.domain.ids import UserId
from klair.domain.rate_limit import RateRule, take
from klair.handlers.api.api_keys import authenticate
from klair.handlers.deps import Deps
from klair.http.rate_limit import client_ip, refusal
from klair.http.router import Verifier

MAX_TRACKED = 10_000  # client IPs remembered per instance; past it the oldest state is dropped


class KeyFailures:
    """Failed key lookups per client IP on this instance, as GCRA buckets (domain.rate_limit):
    `check` refuses an IP whose bucket is spent, without spending; `failed` spends one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tat: dict[str, float] = {}

    def check(self, ip: str, now: float, rule: RateRule) -> None:
        with self._lock:
            tat = self._tat.get(ip)
        decision = take(tat, now, rule)[1]
        if not decision.allowed:
            raise refusal(decision, "ip")

    def failed(self, ip: str, now: float, rule: RateRule) -> None:
        with self._lock:
            if len(self._tat) >= MAX_TRACKED:
                self._tat.clear()
            self._tat[ip] = take(self._tat.get(ip), now, rule)[0]


class KeyOrSessionVerifier:
    """Tells the two apart by the key's prefix (a Clerk JWT starts with `ey`). `deps` is a
    factory, so wiring does no I/O."""

    def __init__(self, sessions: Verifier, deps: Callable[[], Deps]) -> None:
        self.sessions = sessions
        self.deps = deps
        self.failures = KeyFailures()

    def verify(self, request: Request, access: Access) -> UserId:
        scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() == "bearer" and is_api_key(token.strip()):
            return self._key(request, token.strip(), access)
        return self.sessions.verify(request, access)

    def _key(self, request: Request, secret: str, access: Access) -> UserId:
        deps = self.deps()
        settings = deps.settings
        if not settings.rate_limits:
            return authenticate(deps, secret, access)
        ip, now = client_ip(request, settings.forwarded_hops), deps.clock.now().timestamp()
        rule = RateRule(per_minute=settings.ip_requests_per_minute, burst=settings.ip_burst)
        self.failures.check(ip, now, rule)
        try:
            return authenticate(deps, secret, access)
        except Unauthorized:
            self.failures.failed(ip, now, rule)
            raise

"""CORS for the API: exact allowed origins with credentials, `*` without, and preflights."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from werkzeug.wrappers import Request, Response

ALLOW_HEADERS = (
    "Authorization",
    "Content-Type",
    "Idempotency-Key",
    "X-Cloud-Trace-Context",
    "traceparent",
)
EXPOSE_HEADERS = ("Retry-After", "Idempotent-Replayed", "WWW-Authenticate", "Allow")


@dataclass(frozen=True)
class CorsPolicy:
    """Which browser origins may call, and the headers that tell the browser so.

    An origin listed exactly gets itself echoed with `Access-Control-Allow-Credentials`
    (Clerk's `__session` cookie and the bearer header both count as credentials); `*`
    matches any origin but only for credential-less use, as the CORS spec requires.
    """

    origins: frozenset[str]
    max_age: int = 600

    @classmethod
    def of(cls, origins: Iterable[str], max_age: int = 600) -> CorsPolicy:
        return cls(frozenset(o.rstrip("/") for o in origins), max_age)

    def _grant(self, origin: str | None) -> dict[str, str] | None:
        if not origin:
            return None
        if origin in self.origins and origin != "*":
            return {
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Credentials": "true",
            }
        if "*" in self.origins:
            return {"Access-Control-Allow-Origin": "*"}
        return None

    def decorate(self, request: Request, response: Response) -> None:
        """Headers of an actual (non-preflight) response."""
        response.vary.add("Origin")
        grant = self._grant(request.headers.get("Origin"))
        if grant is not None:
            response.headers.update(grant)
            response.headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSE_HEADERS)

    def preflight(self, request: Request, response: Response, methods: Iterable[str]) -> bool:
        """Add a preflight's grants to `response`; False when the origin is not allowed."""
        response.vary.update(
            ("Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers")
        )
        grant = self._grant(request.headers.get("Origin"))
        if grant is None:
            return False
        response.headers.update(grant)
        response.headers["Access-Control-Allow-Methods"] = ", ".join(sorted(methods))
        response.headers["Access-Control-Allow-Headers"] = ", ".join(ALLOW_HEADERS)
        response.headers["Access-Control-Max-Age"] = str(self.max_age)
        return True


def is_preflight(request: Request) -> bool:
    return request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers

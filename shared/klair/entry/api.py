"""The `api` function's router (every `/api` route), built once per instance with its
verifier (Clerk sessions and API keys), CORS policy and request limits."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from klair.entry import runtime


class ApiParts(NamedTuple):
    """What the router is built with (`bench.http_candidates` builds its prototypes with it)."""

    settings: Any
    verifier: Any
    cors: Any
    limits: Any


def api_parts() -> ApiParts:
    """The settings, the verifier, the CORS policy and the request limits, made anew."""
    from klair.config import get_settings
    from klair.http.active_users import ActiveUserVerifier
    from klair.http.api_key_auth import KeyOrSessionVerifier
    from klair.http.auth import ClerkVerifier
    from klair.http.cors import CorsPolicy
    from klair.http.logs import configure_logging
    from klair.http.rate_limit import RequestLimits

    settings = get_settings()
    configure_logging(settings.log_level)
    # A deleted user's keys are refused like their sessions (and deleted with them).
    verifier = ActiveUserVerifier(
        KeyOrSessionVerifier(ClerkVerifier.from_settings(settings), runtime.deps),
        lambda: runtime.deps().users,
        lambda: runtime.deps().revocations,
    )
    cors = CorsPolicy.of(settings.cors_origins, settings.cors_max_age_seconds)
    return ApiParts(settings, verifier, cors, RequestLimits(runtime.deps))


@lru_cache(maxsize=1)
def api_router() -> Any:
    from klair.http.api_routes import build_api

    parts = api_parts()
    return build_api(runtime.deps, parts.verifier, parts.settings.project, parts.cors, parts.limits)


def handle_api(request: Any) -> Any:
    """The `api` function: every `/api` route through the router."""
    return api_router().dispatch(request)

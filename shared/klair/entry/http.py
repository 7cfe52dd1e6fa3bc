"""The HTTP functions' routers (`api`, `webhooks`) built once per instance, and the sweeper's
scheduled POST."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from klair.entry import runtime

if TYPE_CHECKING:
    from klair.bootstrap import Deps


@lru_cache(maxsize=1)
def api_router() -> Any:
    from klair.config import get_settings
    from klair.http.active_users import ActiveUserVerifier
    from klair.http.api_routes import build_api
    from klair.http.auth import ClerkVerifier
    from klair.http.cors import CorsPolicy
    from klair.http.logs import configure_logging
    from klair.http.rate_limit import RequestLimits

    settings = get_settings()
    configure_logging(settings.log_level)
    verifier = ActiveUserVerifier(
        ClerkVerifier.from_settings(settings), lambda: runtime.deps().users
    )
    cors = CorsPolicy.of(settings.cors_origins, settings.cors_max_age_seconds)
    return build_api(runtime.deps, verifier, settings.project, cors, RequestLimits(runtime.deps))


def handle_api(request: Any) -> Any:
    """The `api` function: every `/api` route through the router."""
    return api_router().dispatch(request)


@lru_cache(maxsize=1)
def webhooks_router() -> Any:
    from klair.config import get_settings
    from klair.http.logs import configure_logging
    from klair.http.webhook_routes import build_webhooks

    settings = get_settings()
    configure_logging(settings.log_level)
    return build_webhooks(runtime.deps, settings)


def handle_webhooks(request: Any) -> Any:
    """The `webhooks` function: Clerk's and Sieve's callbacks through the router."""
    return webhooks_router().dispatch(request)


def on_schedule(run: Callable[[Deps], Any]) -> dict[str, Any]:
    """A Cloud Scheduler tick (the sweeper): the run's report as JSON."""
    result: dict[str, Any] = run(runtime.deps()).model_dump()
    return result

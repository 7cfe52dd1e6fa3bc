"""The `webhooks` function's router (Clerk's and Sieve's callbacks), built once per instance."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from klair.entry import runtime


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

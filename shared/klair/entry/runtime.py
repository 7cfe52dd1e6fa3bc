"""The dependencies a deployed function runs with: built once per instance, on the first
call (never at import), from the one `Settings`."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from klair.bootstrap import Deps

# What a message or task that cannot be decoded raises (ValidationError is a ValueError).
UNDECODABLE = (ValueError, KeyError, TypeError)


def log() -> Any:
    import structlog

    return structlog.get_logger("klair.entry")


@lru_cache(maxsize=1)
def deps() -> Deps:
    """Built on first use, not at import: cold starts stay cheap and import has no I/O."""
    from klair.bootstrap import bootstrap
    from klair.config import get_settings
    from klair.http.logs import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level)
    return bootstrap(settings)

"""HTTP clients for a local stack's functions, which gunicorn serves behind functions-framework.

gunicorn's threaded worker closes a kept-alive connection once it has been idle for its
`keepalive` (2 s: functions-framework keeps gunicorn's default). A request written on that
connection while the worker closes it is answered with a TCP reset, and httpx does not retry
it (benoitc/gunicorn#2676): a CI run lost `tests/reliability/test_bad_media.py` this way, with
15 clients polling a loaded machine. A client that drops its own idle connections after half
that never writes on one the worker may be closing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from klair.devstack.stack import LocalStack

GUNICORN_KEEPALIVE_SECONDS = 2.0
LIMITS = httpx.Limits(
    max_connections=100,
    max_keepalive_connections=20,
    keepalive_expiry=GUNICORN_KEEPALIVE_SECONDS / 2,
)


def function_client(
    base_url: str = "", *, token: str | None = None, timeout: float | httpx.Timeout = 30.0
) -> httpx.Client:
    """A client for a function of the stack, carrying `token` as a bearer when given."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=base_url, timeout=timeout, headers=headers, limits=LIMITS)


def api_client(stack: LocalStack, user: str, *, timeout: float = 30.0) -> httpx.Client:
    """The API of a running stack, signed in as `user` with the stack's development issuer."""
    if stack.urls.api is None:
        raise RuntimeError("this stack runs no api function")
    return function_client(stack.urls.api, token=stack.issuer.mint(user), timeout=timeout)

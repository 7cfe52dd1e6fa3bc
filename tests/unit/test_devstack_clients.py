"""Stack clients never write on a kept-alive connection gunicorn may be closing."""

from __future__ import annotations

import flask
from functions_framework._http.gunicorn import GunicornApplication

from klair.devstack.clients import GUNICORN_KEEPALIVE_SECONDS, LIMITS, function_client


def test_idle_connections_are_dropped_before_the_functions_gunicorn_closes_them() -> None:
    served = GunicornApplication(flask.Flask("probe"), "127.0.0.1", 0, False)  # type: ignore[no-untyped-call]
    assert served.cfg.keepalive == GUNICORN_KEEPALIVE_SECONDS  # functions-framework's server
    assert LIMITS.keepalive_expiry is not None
    assert LIMITS.keepalive_expiry < served.cfg.keepalive


def test_a_function_client_carries_the_token_and_the_limits() -> None:
    with function_client("http://127.0.0.1:1", token="t0k") as client:
        assert client.headers["Authorization"] == "Bearer t0k"
        pool = client._transport._pool  # type: ignore[attr-defined]
        assert pool._keepalive_expiry == LIMITS.keepalive_expiry
    with function_client("http://127.0.0.1:1") as anonymous:
        assert "Authorization" not in anonymous.headers

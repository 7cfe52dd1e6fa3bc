"""Schemathesis against `/api/openapi.json` of the running `api` function (emulators behind
it): generated requests to every operation never get a 5xx, and every response matches
the documented status codes, content type and schema."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.api_app import ApiApp, api_app

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

__all__ = ["api_app"]
pytestmark = [pytest.mark.e2e, pytest.mark.emulator]

EXAMPLES = 15
# Rules JSON Schema cannot state, so schema-valid input may rightly get a 400 there:
# min_clip_seconds ≤ max_clip_seconds in options, created_after < created_before, and a
# cursor must be one the API gave out.
SEMANTIC_RULES = {
    "POST /api/klair/analyze",
    "POST /api/klair/analyze/audio",
    "POST /api/upload-url",
    "GET /api/klair/jobs",
    # the webhook URL must be https and resolve to a public address (the SSRF guard)
    "PUT /api/klair/user/webhook",
    # a batch's items: at most 20, no repeats, URLs the SSRF guard lets through
    "POST /api/klair/batch",
}


def _operations(api: ApiApp) -> list[Any]:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", api.app)
    return [result.ok() for result in schema.get_all_operations()]


def test_the_schema_covers_every_route(api_app: ApiApp) -> None:
    labels = {op.label for op in _operations(api_app)}
    spec = api_app.client.get("/api/openapi.json").get_json()
    documented = {
        f"{method.upper()} {path}" for path, ops in spec["paths"].items() for method in ops
    }
    # Schemathesis leaves out the route serving the spec it was loaded from.
    assert labels == documented - {"GET /api/openapi.json"}
    assert len(labels) >= 15, " | ".join(sorted(labels))
    assert "DELETE /api/klair/jobs/{job_id}" in labels


def _checker(operation: Any, headers: dict[str, str]) -> Any:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy())
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    excluded = [positive_data_acceptance] if operation.label in SEMANTIC_RULES else []

    return check


def test_generated_requests_conform(api_app: ApiApp) -> None:
    headers, failures = api_app.headers(), []
    for operation in _operations(api_app):
        try:
            _checker(operation, headers)()
        except Exception as error:  # every operation is checked; all failures are reported
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)

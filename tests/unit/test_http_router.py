"""The router answers every request in JSON: results, validation failures, errors and crashes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from pydantic import BaseModel, Field, HttpUrl
from werkzeug.test import Client, TestResponse
from werkzeug.wrappers import Request, Response

from klair.domain.errors import Conflict, RateLimited, Transient, Unauthorized
from klair.domain.ids import UserId
from klair.http.call import Call, Reply
from klair.http.logs import TRACE_FIELD, configure_logging
from klair.http.router import Router

TRACE = "0af7651916cd43dd8448eb211c80319c"


class StaticVerifier:
    """Accepts `Bearer user:<id>`; stands in for Clerk where the token is not the subject."""

    def verify(self, request: Request, access: str = "session") -> UserId:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer user:"):
            raise Unauthorized("a session token is required", code="missing_token")
        return UserId(header.removeprefix("Bearer user:"))


class SubmitRequest(BaseModel):
    url: HttpUrl
    max_clips: int = Field(default=5, ge=1, le=20)


class SubmitResponse(BaseModel):
    job_id: str
    owner: str


class Page(BaseModel):
    limit: int = Field(default=10, le=100)
    status: list[str] = []


def submit(call: Call) -> SubmitResponse:
    request = call.json(SubmitRequest)
    return SubmitResponse(job_id=f"job_{request.max_clips}", owner=call.principal)


def get_job(call: Call) -> dict[str, Any]:
    return {"job_id": call.params["job_id"], "owner": call.principal, "trace": call.trace_id}


def list_jobs(call: Call) -> dict[str, Any]:
    page = call.query(Page)
    return {"limit": page.limit, "status": page.status}


def crash(call: Call) -> dict[str, Any]:
    raise RuntimeError("db password is hunter2")


def make_router() -> Router:
    router = Router(StaticVerifier(), project="demo-klair")
    router.add(
        "POST",
        "/api/klair/analyze",
        submit,
        body=SubmitRequest,
        response=SubmitResponse,
        status=202,
        summary="Submit a video",
    )
    router.add("GET", "/api/klair/jobs/<job_id>", get_job)
    router.add("GET", "/api/klair/jobs", list_jobs, query=Page)
    router.add("DELETE", "/api/klair/jobs/<job_id>", lambda call: Reply(204), name="delete")
    router.add("GET", "/crash", crash, auth=False)
    return router


def client_for(router: Router) -> Client:
    def app(environ: Any, start_response: Any) -> Any:
        return router.dispatch(Request(environ))(environ, start_response)

    return Client(app)


@pytest.fixture
def client() -> Client:
    return client_for(make_router())


@pytest.fixture
def logged(capsys: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    structlog.contextvars.clear_contextvars()
    configure_logging("INFO")
    yield capsys


AUTH = {"Authorization": "Bearer user:user_1"}


def error_of(response: TestResponse) -> dict[str, Any]:
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    return error


def test_a_valid_submission_gets_the_declared_status_and_model(client: Client) -> None:
    response = client.post(
        "/api/klair/analyze", json={"url": "https://v.example/a", "max_clips": 3}, headers=AUTH
    )
    assert response.status_code == 202
    assert response.get_json() == {"job_id": "job_3", "owner": "user_1"}
    assert response.headers["Cache-Control"] == "no-store"


def test_path_parameters_and_principal_reach_the_handler(client: Client) -> None:
    response = client.get("/api/klair/jobs/job_9", headers=AUTH)
    assert response.status_code == 200
    assert response.get_json()["job_id"] == "job_9"
    assert response.get_json()["owner"] == "user_1"


def test_unparsable_json_is_invalid_json(client: Client) -> None:
    response = client.post(
        "/api/klair/analyze", data="{url:", headers=AUTH, content_type="application/json"
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_json"


def test_a_non_json_content_type_is_refused(client: Client) -> None:
    response = client.post(
        "/api/klair/analyze",
        data='{"url": "https://v.example/a"}',
        headers=AUTH,
        content_type="text/plain",
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_json"


def test_schema_errors_list_fields_without_echoing_input(client: Client) -> None:
    body = {"url": "not a url secret-token-xyz", "max_clips": 99}
    response = client.post("/api/klair/analyze", json=body, headers=AUTH)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_input"
    assert sorted(item["loc"] for item in error["details"]["errors"]) == [["max_clips"], ["url"]]
    assert "secret-token-xyz" not in response.get_data(as_text=True)


def test_an_empty_body_reports_the_missing_fields(client: Client) -> None:
    response = client.post("/api/klair/analyze", headers=AUTH)
    assert error_of(response)["details"]["errors"][0]["loc"] == ["url"]


def test_an_oversized_body_is_refused() -> None:
    router = Router(StaticVerifier(), max_body_bytes=64)
    router.add("POST", "/in", submit, body=SubmitRequest)
    response = client_for(router).post(
        "/in", json={"url": "https://v.example/" + "a" * 100}, headers=AUTH
    )
    assert response.status_code == 413
    assert error_of(response)["code"] == "body_too_large"


def test_query_parameters_are_validated(client: Client) -> None:
    ok = client.get("/api/klair/jobs?limit=5&status=queued&status=failed", headers=AUTH)
    assert ok.get_json() == {"limit": 5, "status": ["queued", "failed"]}
    bad = client.get("/api/klair/jobs?limit=500", headers=AUTH)
    assert bad.status_code == 400
    assert error_of(bad)["details"]["errors"][0]["loc"] == ["limit"]


def test_an_unknown_route_is_a_json_404(client: Client) -> None:
    response = client.get("/api/klair/nope", headers=AUTH)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_wrong_method_is_a_json_405_with_allow(client: Client) -> None:
    response = client.put("/api/klair/jobs/job_1", headers=AUTH)
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "DELETE"}


def test_a_protected_route_without_a_token_is_401(client: Client) -> None:
    response = client.get("/api/klair/jobs/job_1")
    assert response.status_code == 401
    assert error_of(response)["code"] == "missing_token"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_reply_sets_status_without_a_body(client: Client) -> None:
    response = client.delete("/api/klair/jobs/job_1", headers=AUTH)
    assert response.status_code == 204
    assert response.get_data() == b""


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (Conflict("job is running", code="illegal_transition"), 409, "illegal_transition"),
        (Transient("firestore busy"), 503, "transient"),
    ],
)
def test_klair_errors_keep_their_status_and_code(error: Exception, status: int, code: str) -> None:
    def fail(call: Call) -> dict[str, Any]:
        raise error

    router = Router(None)
    router.add("GET", "/x", fail, auth=False)
    response = client_for(router).get("/x")
    assert response.status_code == status
    assert error_of(response) == {"code": code, "message": str(error)}


def test_rate_limited_sets_retry_after() -> None:
    def limited(call: Call) -> dict[str, Any]:
        raise RateLimited("slow down", retry_after=2.2)

    router = Router(None)
    router.add("GET", "/x", limited, auth=False)
    response = client_for(router).get("/x")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3"
    assert error_of(response)["details"] == {"retry_after": 2.2}


def test_a_crash_is_a_bare_500_and_a_logged_traceback(
    client: Client, logged: pytest.CaptureFixture[str]
) -> None:
    response = client.get("/crash", headers={"X-Cloud-Trace-Context": f"{TRACE}/1;o=1"})
    assert response.status_code == 500
    assert error_of(response) == {"code": "internal", "message": "internal error"}
    assert "hunter2" not in response.get_data(as_text=True)
    [entry] = [json.loads(line) for line in logged.readouterr().out.splitlines()]
    assert entry["severity"] == "ERROR"
    assert "RuntimeError: db password is hunter2" in entry["stack_trace"]
    assert entry[TRACE_FIELD] == f"projects/demo-klair/traces/{TRACE}"


def test_the_trace_is_bound_during_the_request_only(logged: pytest.CaptureFixture[str]) -> None:
    def traced(call: Call) -> dict[str, Any]:
        structlog.get_logger().info("inside", job_id="job_1")
        return {"trace": call.trace_id}

    router = Router(None, project="demo-klair")
    router.add("GET", "/t", traced, auth=False)
    response = client_for(router).get(
        "/t", headers={"traceparent": f"00-{TRACE}-b7ad6b7169203331-01"}
    )
    assert response.get_json() == {"trace": TRACE}
    structlog.get_logger().info("after")
    inside, after = [json.loads(line) for line in logged.readouterr().out.splitlines()]
    assert inside[TRACE_FIELD] == f"projects/demo-klair/traces/{TRACE}"
    assert TRACE_FIELD not in after


def test_a_handler_may_return_its_own_response() -> None:
    router = Router(None)
    router.add("GET", "/raw", lambda call: Response("ok", mimetype="text/plain"), auth=False)
    response = client_for(router).get("/raw")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok")


def test_registration_mistakes_fail_fast() -> None:
    router = Router(None)
    with pytest.raises(ValueError, match="needs auth"):
        router.add("GET", "/private", get_job)
    router.add("GET", "/public", get_job, auth=False)
    with pytest.raises(ValueError, match="already registered"):
        router.add("GET", "/public", list_jobs, auth=False)
    with pytest.raises(ValueError, match="is taken"):
        router.add("GET", "/other", get_job, auth=False)

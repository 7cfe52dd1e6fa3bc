"""The OpenAPI document is derived from the route table and is self-consistent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from werkzeug.test import Client
from werkzeug.wrappers import Request

from klair.domain.errors import Unauthorized
from klair.domain.ids import UserId
from klair.http.call import Call
from klair.http.openapi import openapi_document, openapi_handler
from klair.http.router import Router


class AnyVerifier:
    def verify(self, request: Request, access: str = "session") -> UserId:
        raise Unauthorized("not in this test")


class Options(BaseModel):
    min_seconds: float = 15


class SubmitRequest(BaseModel):
    url: str
    options: Options = Options()


class JobView(BaseModel):
    job_id: str
    created: datetime


class Page(BaseModel):
    limit: int = Field(default=10, le=100)
    cursor: str | None = None


def submit(call: Call) -> dict[str, Any]:
    """Queue a video for clipping; returns the job."""
    return {}


def get_clip(call: Call) -> dict[str, Any]:
    return {}


def list_jobs(call: Call) -> dict[str, Any]:
    return {}


def make_router() -> Router:
    router = Router(AnyVerifier())
    router.add(
        "POST",
        "/api/klair/analyze",
        submit,
        body=SubmitRequest,
        response=JobView,
        status=202,
        summary="Submit a video",
        tags=("jobs",),
    )
    router.add("GET", "/api/klair/jobs", list_jobs, query=Page, response=JobView)
    router.add("GET", "/api/klair/jobs/<job_id>/clips/<int:rank>", get_clip)
    router.add("GET", "/api/openapi.json", openapi_handler(router, title="Klair"), auth=False)
    return router


def resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def refs_in(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in refs_in(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in refs_in(value)]
    return []


def test_every_route_is_an_operation_with_openapi_paths() -> None:
    document = openapi_document(make_router(), title="Klair", version="1.2.3")
    assert document["openapi"] == "3.1.0"
    assert document["info"] == {"title": "Klair", "version": "1.2.3"}
    assert set(document["paths"]) == {
        "/api/klair/analyze",
        "/api/klair/jobs",
        "/api/klair/jobs/{job_id}/clips/{rank}",
        "/api/openapi.json",
    }
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert sorted(ids) == ["get_clip", "list_jobs", "openapi", "submit"]


def test_bodies_responses_and_errors_are_described() -> None:
    document = openapi_document(make_router())
    operation = document["paths"]["/api/klair/analyze"]["post"]
    assert operation["summary"] == "Submit a video"
    assert operation["description"] == "Queue a video for clipping; returns the job."
    assert operation["tags"] == ["jobs"]
    body = resolve(
        document, operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    )
    assert body["required"] == ["url"]
    created = operation["responses"]["202"]["content"]["application/json"]["schema"]
    assert resolve(document, created["$ref"])["properties"]["created"]["format"] == "date-time"
    assert {"202", "400", "401", "default"} <= set(operation["responses"])


def test_path_and_query_parameters_are_typed() -> None:
    document = openapi_document(make_router())
    clip = document["paths"]["/api/klair/jobs/{job_id}/clips/{rank}"]["get"]["parameters"]
    assert [(p["name"], p["in"], p["schema"]["type"]) for p in clip] == [
        ("job_id", "path", "string"),
        ("rank", "path", "integer"),
    ]
    listing = document["paths"]["/api/klair/jobs"]["get"]["parameters"]
    limit = next(p for p in listing if p["name"] == "limit")
    assert (limit["in"], limit["required"], limit["schema"]["maximum"]) == ("query", False, 100)


def test_security_follows_each_routes_auth() -> None:
    document = openapi_document(make_router())
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert {"bearerAuth": []} in document["paths"]["/api/klair/jobs"]["get"]["security"]
    assert document["paths"]["/api/openapi.json"]["get"]["security"] == []


def test_every_reference_resolves() -> None:
    document = openapi_document(make_router())
    refs = refs_in(document)
    assert "#/components/schemas/Options" in refs  # nested models land in components too
    for ref in refs:
        assert isinstance(resolve(document, ref), dict), ref


def test_the_document_is_served_by_its_own_route() -> None:
    router = make_router()

    def app(environ: Any, start_response: Any) -> Any:
        return router.dispatch(Request(environ))(environ, start_response)

    response = Client(app).get("/api/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["info"]["title"] == "Klair"
    assert "/api/klair/analyze" in response.get_json()["paths"]


def test_declared_statuses_and_headers_are_documented() -> None:
    router = Router(AnyVerifier())
    router.add(
        "POST",
        "/api/klair/analyze",
        submit,
        body=SubmitRequest,
        response=JobView,
        status=202,
        responses={200: "A replay.", 409: "Key reused."},
        headers={"Idempotency-Key": "Makes retries safe."},
    )
    operation = openapi_document(router)["paths"]["/api/klair/analyze"]["post"]
    responses = operation["responses"]
    assert responses["200"]["content"] == responses["202"]["content"]
    assert responses["409"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "ErrorResponse"
    )
    [header] = [p for p in operation["parameters"] if p["in"] == "header"]
    assert (header["name"], header["required"]) == ("Idempotency-Key", False)

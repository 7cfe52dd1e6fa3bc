"""The OpenAPI 3.1 document, generated from a Router's routes so the route table is the truth."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from klair.http.call import Call
from klair.http.router import Handler, Route, Router

REF_PREFIX = "#/components/schemas/"
ERROR_SCHEMA_NAME = "ErrorResponse"
_PARAM = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_CONVERTER_SCHEMAS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "uuid": {"type": "string", "format": "uuid"},
}
_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "Stable machine-readable code."},
                "message": {"type": "string"},
                "details": {"type": "object", "additionalProperties": True},
            },
        }
    },
}
_SECURITY_SCHEMES = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},  # Clerk's
    "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "__session"},
    "apiKey": {
        "type": "http", "scheme": "bearer", "description": "An API key, `Authorization: "
        "Bearer klair_sk_…` (`POST /api/klair/user/api-keys`), acting as its owner. Each "
        "operation names the scope it needs (`write` includes `read`); the key routes take "
        "a session only. A key without the scope: 403 `insufficient_scope`.",
    },
}  # fmt: skip


def _path_and_params(rule: str) -> tuple[str, list[dict[str, Any]]]:
    """`/jobs/<int:n>` → (`/jobs/{n}`, [the path parameter with an integer schema])."""
    params = [
        {
            "name": match["name"],
            "in": "path",
            "required": True,
            "schema": _CONVERTER_SCHEMAS.get(match["converter"] or "", {"type": "string"}),
        }
        for match in _PARAM.finditer(rule)
    ]
    return _PARAM.sub(lambda m: "{" + m["name"] + "}", rule), params


def _schemas(routes: Sequence[Route]) -> tuple[dict[Any, dict[str, Any]], dict[str, Any]]:
    """JSON schemas of every model the routes mention, plus the shared definitions."""
    wanted: set[tuple[type[BaseModel], JsonSchemaMode]] = set()
    for route in routes:
        wanted.update((model, "validation") for model in (route.body, route.query) if model)
        if route.response is not None:
            wanted.add((route.response, "serialization"))
    ordered = sorted(wanted, key=lambda item: (item[0].__name__, item[1]))
    refs, definitions = models_json_schema(ordered, ref_template=REF_PREFIX + "{model}")
    return dict(refs), dict(definitions.get("$defs", {}))


def _query_params(schema: dict[str, Any], defs: dict[str, Any]) -> list[dict[str, Any]]:
    ref = schema.get("$ref", "")
    resolved = defs.get(ref.removeprefix(REF_PREFIX), schema) if ref else schema
    required = set(resolved.get("required", ()))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in resolved.get("properties", {}).items()
    ]


def _error(description: str) -> dict[str, Any]:
    schema = {"$ref": REF_PREFIX + ERROR_SCHEMA_NAME}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _success(route: Route, schemas: dict[Any, dict[str, Any]], description: str) -> Any:
    success: dict[str, Any] = {"description": description}
    if route.response is not None:
        schema = schemas[(route.response, "serialization")]
        success["content"] = {"application/json": {"schema": schema}}
    return success


def _responses(route: Route, schemas: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    responses: dict[str, Any] = {
        str(route.status): _success(route, schemas, route.summary or "Success")
    }
    if route.body is not None or route.query is not None or route.headers:
        responses["400"] = _error("The request does not match the schema.")
    if route.auth:
        responses["401"] = _error(
            "Missing, invalid or expired session token, or an unknown or revoked API key "
            "(`invalid_api_key`)."
        )
    extra = dict(route.responses)
    if route.auth and route.access != "session":
        scope = f"`insufficient_scope`: an API key without the `{route.access}` scope."
        extra[403] = f"{scope} {extra[403]}" if 403 in extra else scope
    for status, description in sorted(extra.items()):
        ok = status < 400
        responses[str(status)] = (
            _success(route, schemas, description) if ok else _error(description)
        )
    responses["default"] = _error("Any other error.")
    return responses


def _header_params(route: Route) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "in": "header",
            "required": False,
            "description": description,
            "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
        }
        for name, description in route.headers.items()
    ]


def _security(route: Route) -> list[dict[str, list[str]]]:
    """A session (header or cookie), or an API key with the route's scope (OpenAPI 3.1 lets
    a non-OAuth requirement name roles)."""
    if not route.auth:
        return []
    schemes: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"sessionCookie": []}]
    if route.access != "session":
        schemes.append({"apiKey": [route.access]})
    return schemes


def _operation(route: Route, schemas: dict[Any, dict[str, Any]], defs: dict[str, Any]) -> Any:
    _, params = _path_and_params(route.path)
    if route.query is not None:
        params += _query_params(schemas[(route.query, "validation")], defs)
    params += _header_params(route)
    operation: dict[str, Any] = {"operationId": route.name, "responses": _responses(route, schemas)}
    if route.summary:
        operation["summary"] = route.summary
    if route.description:
        operation["description"] = route.description
    if route.tags:
        operation["tags"] = list(route.tags)
    if params:
        operation["parameters"] = params
    if route.body is not None:
        schema = schemas[(route.body, "validation")]
        content = {"application/json": {"schema": schema}}
        operation["requestBody"] = {"required": True, "content": content}
    operation["security"] = _security(route)
    return operation


def openapi_document(
    router: Router,
    *,
    title: str = "Klair API",
    version: str = "0.1.0",
    description: str = "",
    servers: Sequence[str] = (),
) -> dict[str, Any]:
    """The whole document for the router's current routes."""
    routes = tuple(route for route in router.routes if route.documented)
    schemas, defs = _schemas(routes)
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        path, _ = _path_and_params(route.path)
        paths.setdefault(path, {})[route.method.lower()] = _operation(route, schemas, defs)
    info: dict[str, Any] = {"title": title, "version": version}
    if description:
        info["description"] = description
    document: dict[str, Any] = {"openapi": "3.1.0", "info": info}
    if servers:
        document["servers"] = [{"url": url} for url in servers]
    document["paths"] = paths
    document["components"] = {
        "schemas": {**defs, ERROR_SCHEMA_NAME: _ERROR_SCHEMA},
        "securitySchemes": _SECURITY_SCHEMES,
    }
    return document


def openapi_handler(router: Router, **info: Any) -> Handler:
    """A handler serving the document, built once on first request (after all routes exist)."""
    cache: dict[str, dict[str, Any]] = {}

    def openapi(call: Call) -> dict[str, Any]:
        """The OpenAPI 3.1 description of this API."""
        if "doc" not in cache:
            cache["doc"] = openapi_document(router, **info)
        return cache["doc"]

    return openapi

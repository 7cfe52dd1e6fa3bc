"""What flask-openapi3 needs to document a route as we declare it: the models of its path,
query, body and headers (as a view's annotations), its responses with the error envelope,
and its security (a session, or an API key with the route's scope)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from flask_openapi3.models.tag import Tag
from pydantic import BaseModel, ConfigDict, Field, create_model

if TYPE_CHECKING:
    from collections.abc import Callable

    from flask_openapi3.openapi import OpenAPI

    from klair.http.router import Route

REF_PREFIX = "#/components/schemas/"
_PARAM = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_CONVERTERS: dict[str, type] = {"int": int, "float": float}
HEADER_VALUE = "^[!-~]+$"  # 1-255 visible ASCII characters


class ErrorBody(BaseModel):
    code: str = Field(description="Stable machine-readable code.")
    message: str
    details: dict[str, Any] | None = None


class ErrorResponse(BaseModel):
    """Every refusal and failure: `{"error": {code, message, details}}`."""

    error: ErrorBody


ERROR_MODEL = ErrorResponse
SECURITY_SCHEMES: dict[str, Any] = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},  # Clerk's
    "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "__session"},
    "apiKey": {
        "type": "http", "scheme": "bearer", "description": "An API key, `Authorization: "
        "Bearer klair_sk_…` (`POST /api/klair/user/api-keys`), acting as its owner. Each "
        "operation names the scope it needs (`write` includes `read`); the key routes take "
        "a session only. A key without the scope: 403 `insufficient_scope`.",
    },
}  # fmt: skip


def _path_model(route: Route) -> type[BaseModel] | None:
    fields: dict[str, Any] = {
        match["name"]: (_CONVERTERS.get(match["converter"] or "", str), ...)
        for match in _PARAM.finditer(route.path)
    }
    if not fields:
        return None
    return create_model(f"{route.name}_path", **fields)


def _header_model(route: Route) -> type[BaseModel] | None:
    if not route.headers:
        return None
    fields: dict[str, Any] = {}
    for n, (name, text) in enumerate(route.headers.items()):
        value = Field(
            None, alias=name, description=text, min_length=1, max_length=255, pattern=HEADER_VALUE
        )
        fields[f"h{n}"] = (str, value)
    config = ConfigDict(populate_by_name=True)
    return create_model(f"{route.name}_headers", __config__=config, **fields)


def view_annotations(route: Route) -> dict[str, Any]:
    """The view's annotations flask-openapi3 reads: `path`, `query`, `body`, `header`."""
    found: dict[str, Any] = {
        "path": _path_model(route),
        "query": route.query,
        "body": route.body,
        "header": _header_model(route),
    }
    return {name: model for name, model in found.items() if model is not None}


def inputs(route: Route) -> bool:
    """Whether the route reads anything a request could get wrong (a 400)."""
    return route.body is not None or route.query is not None or bool(route.headers)


def _error(description: str) -> dict[str, Any]:
    schema = {"$ref": REF_PREFIX + ErrorResponse.__name__}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def responses(route: Route) -> dict[str | int, Any]:
    """The success (the response model; other 2xx reuse it), what the route refuses on
    purpose, 400/401/403 where they apply, and `default`: any other error."""
    found: dict[str | int, Any] = {route.status: route.response}
    found[400] = _error("The request does not match the schema.")  # dropped without inputs
    if route.auth:
        found[401] = _error(
            "Missing, invalid or expired session token, or an unknown or revoked API key "
            "(`invalid_api_key`)."
        )
    extra = dict(route.responses)
    if route.auth and route.access != "session":
        scope = f"`insufficient_scope`: an API key without the `{route.access}` scope."
        extra[403] = f"{scope} {extra[403]}" if 403 in extra else scope
    for status, description in sorted(extra.items()):
        found[status] = route.response if status < 400 else _error(description)
    found["default"] = _error("Any other error.")
    return found


def security(route: Route) -> list[dict[str, list[str]]]:
    """A session (header or cookie), or an API key with the route's scope (OpenAPI 3.1 lets
    a non-OAuth requirement name roles); none for an open route."""
    if not route.auth:
        return []
    schemes: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"sessionCookie": []}]
    if route.access != "session":
        schemes.append({"apiKey": [route.access]})
    return schemes


def declare(app: OpenAPI, route: Route, view: Callable[..., Any]) -> Callable[[], None] | None:
    """Register the route's view on `app`, undocumented; the call that documents it (None
    for a route kept out of the spec)."""
    declaration: dict[str, Any] = {
        "operation_id": route.name, "summary": route.summary or None,
        "description": route.description or None, "tags": [Tag(name=t) for t in route.tags],
        "responses": responses(route), "security": security(route),
    }  # fmt: skip
    on = getattr(app, route.method.lower())
    on(route.path, endpoint=route.key, provide_automatic_options=False, doc_ui=False)(view)
    if not route.documented:
        return None

    def document() -> None:
        view.__annotations__ = view_annotations(route)  # its validation is ours: not needed before
        app._collect_openapi_info(route.path, view, method=route.method, **declaration)

    return document

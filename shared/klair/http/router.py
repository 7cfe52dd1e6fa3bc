"""The route table of an HTTPS function: declared here, matched and documented by
flask-openapi3 (a Flask app: its URL map routes, and it generates the OpenAPI 3.1 document
from each route's pydantic models); authenticated, validated, called and answered in JSON
by the view each route gets."""

from __future__ import annotations

import contextvars
import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import flask
import structlog
from flask_openapi3.openapi import OpenAPI
from pydantic import BaseModel
from pydantic_core import to_json
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed as WerkzeugMethodNotAllowed
from werkzeug.wrappers import Request, Response

from klair.domain.api_keys import Access, access_for
from klair.domain.errors import Forbidden, KlairError, NotFound, Unauthorized
from klair.domain.ids import UserId
from klair.http.call import DEFAULT_MAX_BODY_BYTES, Call, Reply
from klair.http.cors import CorsPolicy, is_preflight
from klair.http.errors import MethodNotAllowed
from klair.http.logs import bind_trace
from klair.http.operations import ERROR_MODEL, SECURITY_SCHEMES, declare

log = structlog.get_logger(__name__)

Result = BaseModel | Mapping[str, Any] | list[Any] | Reply | Response | None
Handler = Callable[[Call], Result]
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


class Verifier(Protocol):
    def verify(self, request: Request, access: Access) -> UserId:
        """The authenticated user id, if the request's credential allows `access` (a Clerk
        session allows all; an API key its scopes); raises `Unauthorized` (or `Transient`),
        `Forbidden` for a credential that may not do this."""
        ...


class RequestLimiter(Protocol):
    def check(self, request: Request, principal: UserId | None) -> None:
        """Raises `RateLimited` when the caller (the user, or without a token its IP) is over
        its limit; called after authentication, before the body is read."""
        ...


@dataclass(frozen=True)
class Route:
    """One registered operation; the OpenAPI document is generated from these."""

    method: str
    path: str
    handler: Handler
    auth: bool
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    summary: str
    tags: tuple[str, ...]
    name: str
    # Other statuses the route answers on purpose (OpenAPI): 2xx reuse `response`.
    responses: Mapping[int, str] = field(default_factory=dict)
    # Request headers the route reads (OpenAPI header parameters): name → description.
    headers: Mapping[str, str] = field(default_factory=dict)
    # What the credential must allow: an API key's scope, or "session" (a Clerk session only).
    access: Access = "read"
    # False for what is not an API operation (the docs page): left out of the spec.
    documented: bool = True

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def description(self) -> str:
        return inspect.getdoc(self.handler) or ""


def json_response(
    body: object, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """Serialise pydantic models, dicts and lists as JSON; None gives an empty body (204)."""
    data = b"" if body is None else to_json(body, fallback=str)
    response = Response(data, status=status, mimetype="application/json" if data else None)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.update(dict(headers or {}))
    return response


def error_response(error: KlairError) -> Response:
    """`{"error": {...}}` with the error's status and the headers its kind calls for."""
    headers: dict[str, str] = {}
    retry_after = error.details.get("retry_after")
    if retry_after is not None and error.status in (429, 503):
        headers["Retry-After"] = str(max(1, math.ceil(float(retry_after))))
    allowed = error.details.get("allowed")
    if isinstance(error, MethodNotAllowed) and allowed:
        headers["Allow"] = ", ".join(allowed)
    if isinstance(error, Unauthorized):
        challenge = "" if error.code == "missing_token" else ', error="invalid_token"'
        headers["WWW-Authenticate"] = f'Bearer realm="klair"{challenge}'
    return json_response({"error": error.to_dict()}, error.status, headers)


class Router:
    """Routes requests to handlers; every outcome, including failures, is a JSON response."""

    def __init__(
        self,
        verifier: Verifier | None = None,
        *,
        project: str | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        cors: CorsPolicy | None = None,
        limiter: RequestLimiter | None = None,
    ) -> None:
        self.verifier = verifier
        self.limiter = limiter
        self.project = project
        self.max_body_bytes = max_body_bytes
        self.cors = cors
        self.app = OpenAPI(
            __name__, doc_ui=False, security_schemes=SECURITY_SCHEMES,
            validation_error_status=400, validation_error_model=ERROR_MODEL,
        )  # fmt: skip
        self.app.url_map.strict_slashes = False
        self.app.url_map.merge_slashes = False
        self.app.url_map.redirect_defaults = False
        self.app.register_error_handler(HTTPException, _unrouted)
        self._routes: dict[str, Route] = {}
        self._undocumented: list[Callable[[], None]] = []

    @property
    def routes(self) -> tuple[Route, ...]:
        return tuple(self._routes.values())

    def add(
        self,
        method: str,
        path: str,
        handler: Handler,
        *,
        auth: bool = True,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: type[BaseModel] | None = None,
        status: int = 200,
        summary: str = "",
        tags: tuple[str, ...] = (),
        name: str | None = None,
        responses: Mapping[int, str] | None = None,
        headers: Mapping[str, str] | None = None,
        access: Access | None = None,
        documented: bool = True,
    ) -> Route:
        """Register `handler` for `method path` (werkzeug rule syntax: `/jobs/<job_id>`).

        `body` and `query` are validated before the handler runs (400 on mismatch);
        `response` and `status` document and set the success answer. `access` defaults to
        `read` for GET, `write` otherwise (`domain.api_keys.access_for`).
        """
        route = Route(
            method.upper(), path, handler, auth, body, query, response, status, summary, tags,
            name or str(getattr(handler, "__name__", "handler")), dict(responses or {}),
            dict(headers or {}), access or access_for(method), documented,
        )  # fmt: skip
        self._check(route)
        self._register(route)
        self._routes[route.key] = route
        return route

    def _register(self, route: Route) -> None:
        """A view for the route, annotated with its models so the framework documents them;
        its validation is the view's own (`Call`), so every refusal keeps our codes."""

        def view(**params: object) -> Response:
            return self._run(route, {name: str(value) for name, value in params.items()})

        view.__name__ = route.name
        view.__doc__ = route.description
        view.__delay_validate_request__ = True  # type: ignore[attr-defined]
        pending = declare(self.app, route, view)
        if pending is not None:
            self._undocumented.append(pending)

    def describe(self) -> None:
        """Document the routes added since the last call (their schemas are the slow part of
        registering: made when the spec is first asked for, not on every cold start)."""
        while self._undocumented:
            self._undocumented.pop(0)()

    def _check(self, route: Route) -> None:
        if route.method not in METHODS:
            raise ValueError(f"unsupported method {route.method!r}")
        if route.auth and self.verifier is None:
            raise ValueError(f"{route.key} needs auth but the router has no verifier")
        if route.key in self._routes:
            raise ValueError(f"{route.key} is already registered")
        if any(other.name == route.name for other in self._routes.values()):
            raise ValueError(f"operation name {route.name!r} is taken: pass name=...")

    def dispatch(self, request: Request) -> Response:
        """Answer one request; log context bound here never leaks into the next request."""
        return contextvars.copy_context().run(self._dispatch, request)

    __call__ = dispatch

    def _dispatch(self, request: Request) -> Response:
        response = self._answer(request)
        if self.cors is not None and not is_preflight(request):
            self.cors.decorate(request, response)
        return response

    def _answer(self, request: Request) -> Response:
        if request.method == "OPTIONS":
            try:
                return self._options(request)
            except KlairError as e:
                return error_response(e)
        return Response.from_app(self.app.wsgi_app, request.environ)

    def _run(self, route: Route, params: dict[str, str]) -> Response:
        """The view of every route: the request is Flask's, built on the same environ."""
        request = flask.request
        header = request.headers.get("X-Cloud-Trace-Context") or request.headers.get("traceparent")
        trace_id = bind_trace(header, self.project)
        try:
            call = self._prepare(route, params, request, trace_id)
            return self._respond(route, route.handler(call))
        except KlairError as e:
            if e.status >= 500:
                log.warning("request failed", code=e.code, status=e.status, path=request.path)
            return error_response(e)
        except Exception:
            log.exception("unhandled error", method=request.method, path=request.path)
            return error_response(KlairError("internal error"))

    def _options(self, request: Request) -> Response:
        """`Allow` for the path, and the CORS grants when this is an allowed preflight."""
        urls = self.app.url_map.bind_to_environ(request.environ)
        methods = urls.allowed_methods(request.path)
        if not methods:
            raise NotFound(f"no route for {request.path}")
        allowed = sorted({*methods, "OPTIONS"})
        response = json_response(None, 204, {"Allow": ", ".join(allowed)})
        granted = self.cors is not None and self.cors.preflight(request, response, allowed)
        if is_preflight(request) and not granted:
            raise Forbidden("this origin may not call the API", code="origin_not_allowed")
        return response

    def _prepare(
        self, route: Route, params: dict[str, str], request: Request, trace_id: str | None
    ) -> Call:
        principal = None
        if route.auth and self.verifier is not None:
            principal = self.verifier.verify(request, route.access)
            structlog.contextvars.bind_contextvars(user_id=principal)
        if self.limiter is not None:
            self.limiter.check(request, principal)
        call = Call(request, params, principal, trace_id, self.max_body_bytes)
        if route.body is not None:
            call.json(route.body)
        if route.query is not None:
            call.query(route.query)
        return call

    @staticmethod
    def _respond(route: Route, result: Result) -> Response:
        if isinstance(result, Response):
            return result
        if isinstance(result, Reply):
            return json_response(result.body, result.status, result.headers)
        return json_response(result, route.status)


def _unrouted(error: HTTPException) -> Response:
    """What Flask's map refuses (no such path, or not with this method), in the envelope."""
    if isinstance(error, WerkzeugMethodNotAllowed):
        request = flask.request
        return error_response(
            MethodNotAllowed(
                f"{request.method} is not allowed on {request.path}",
                allowed=sorted(error.valid_methods or ()),
            )
        )
    if error.code == 404:
        return error_response(NotFound(f"no route for {flask.request.path}"))
    return error_response(KlairError(error.description or "error"))

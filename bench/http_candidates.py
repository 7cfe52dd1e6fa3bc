"""Prototypes of the `api` function's status route on each candidate HTTP framework, for
`bench.http_frameworks`: the same verifier (Clerk sessions or API keys, deleted users
refused), request limits, error envelope, CORS and handler as today's router, served the
way functions-framework would serve each.

- FastAPI: an `@functions_framework.aio.http` async function (functions-framework ≥ 3.9
  serves it on Starlette under uvicorn) hands the ASGI scope to a FastAPI app; auth is a
  dependency, CORS is Starlette's middleware, `KlairError` becomes the envelope in an
  exception handler.
- flask-openapi3: the default (Flask, gunicorn threads) function hands the WSGI environ to
  an `OpenAPI` app; auth in a decorator (it has no dependency injection), CORS after each
  request, errors through a Flask error handler.

Each framework is imported on the first call only, as `klair.entry.api` imports the router.
"""

from functools import lru_cache
from typing import Any

from klair.domain.ids import UserId

STATUS = "/api/klair/status/{job_id}"

FASTAPI_MAIN = '''"""Prototype `api`: FastAPI behind functions-framework's async support."""
import sys

sys.path.insert(0, {root!r})

import functions_framework.aio

from bench.http_candidates import fastapi_dispatch


@functions_framework.aio.http
async def api(request):
    return await fastapi_dispatch(request)
'''

FLASK_OPENAPI3_MAIN = '''"""Prototype `api`: flask-openapi3 behind functions-framework's Flask."""
import sys

sys.path.insert(0, {root!r})

import functions_framework

from bench.http_candidates import flask_openapi3_dispatch


@functions_framework.http
def api(request):
    return flask_openapi3_dispatch(request)
'''


@lru_cache(maxsize=1)
def _wiring() -> tuple[Any, Any, Any, Any]:
    """What `klair.entry.api.api_router` builds with: settings, verifier, CORS policy, limiter."""
    from klair.entry.api import api_parts

    return api_parts()


class _StarletteAsWerkzeug:
    """What the verifier and limiter read of a request, from Starlette's."""

    def __init__(self, request: Any) -> None:
        self.headers = request.headers
        self.cookies = request.cookies
        self.remote_addr = request.client.host if request.client else None


@lru_cache(maxsize=1)
def fastapi_app() -> Any:
    from fastapi import Depends, FastAPI, Request, Response
    from fastapi.middleware.cors import CORSMiddleware
    from fastapi.responses import JSONResponse
    from starlette.exceptions import HTTPException

    from klair.domain.errors import KlairError, NotFound
    from klair.entry import runtime
    from klair.handlers.api.queries import StatusView, job_status
    from klair.http.cors import ALLOW_HEADERS, EXPOSE_HEADERS
    from klair.http.router import error_response

    settings, verifier, _, limiter = _wiring()
    app = FastAPI(title="Klair API", openapi_url="/api/openapi.json", docs_url=None)
    app.add_middleware(
        CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=True,
        allow_methods=["GET", "POST", "PUT", "DELETE"], allow_headers=list(ALLOW_HEADERS),
        expose_headers=list(EXPOSE_HEADERS), max_age=settings.cors_max_age_seconds,
    )  # fmt: skip

    def envelope(error: KlairError) -> Response:
        made = error_response(error)  # today's body and headers, as Starlette's response
        return Response(made.get_data(), made.status_code, dict(made.headers))

    @app.exception_handler(KlairError)
    async def klair_error(request: Request, error: KlairError) -> Response:
        return envelope(error)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        return envelope(NotFound(f"no route for {request.url.path}"))

    def principal(request: Request) -> UserId:
        shaped = _StarletteAsWerkzeug(request)
        uid: UserId = verifier.verify(shaped, "read")
        limiter.check(shaped, uid)
        return uid

    authenticated = Depends(principal)

    @app.get(STATUS, response_model=StatusView)
    def status(job_id: str, response: Response, user: UserId = authenticated) -> Any:
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return job_status(runtime.deps(), user, job_id)

    del klair_error, http_error, status, JSONResponse
    return app


async def fastapi_dispatch(request: Any) -> Any:
    """Run the FastAPI app on functions-framework's request; its answer, buffered."""
    from starlette.responses import Response

    scope = {k: v for k, v in request.scope.items() if k not in ("router", "endpoint", "route")}
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await fastapi_app()(scope, request.receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    response = Response(body, start["status"])
    response.raw_headers = list(start["headers"])
    return response


@lru_cache(maxsize=1)
def flask_openapi3_app() -> Any:
    import flask
    from flask_openapi3 import Info, OpenAPI
    from pydantic import BaseModel

    from klair.domain.errors import KlairError
    from klair.entry import runtime
    from klair.handlers.api.queries import StatusView, job_status
    from klair.http.router import error_response, json_response

    _, verifier, cors, limiter = _wiring()
    app = OpenAPI(__name__, info=Info(title="Klair API", version="0.1.0"), doc_ui=False)

    class JobPath(BaseModel):
        job_id: str

    def principal() -> UserId:
        uid: UserId = verifier.verify(flask.request, "read")
        limiter.check(flask.request, uid)
        return uid

    @app.get("/api/klair/status/<job_id>", responses={200: StatusView})
    def status(path: JobPath) -> Any:
        user = principal()
        return json_response(job_status(runtime.deps(), user, path.job_id))

    app.register_error_handler(KlairError, error_response)

    @app.after_request
    def decorate(response: Any) -> Any:
        cors.decorate(flask.request, response)
        return response

    del status, decorate
    return app


def flask_openapi3_dispatch(request: Any) -> Any:
    from werkzeug.wrappers import Response

    return Response.from_app(flask_openapi3_app(), request.environ)

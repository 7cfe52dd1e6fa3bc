"""`/api/openapi.json`, generated from the route table, and `/api/docs`: Swagger UI rendering
it, its assets served from the files
the `flask-swagger-ui` package ships (Swagger UI 5, which reads OpenAPI 3.1): the page
loads nothing from another host."""

from __future__ import annotations

import mimetypes
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable

from werkzeug.wrappers import Response

from klair.domain.errors import NotFound
from klair.http.call import Call
from klair.http.openapi import openapi_handler
from klair.http.router import Router

DOCS = "/api/docs"
SPEC = "/api/openapi.json"
# The only files served, by name: nothing else of the package is reachable.
ASSETS = frozenset(
    {"swagger-ui.css", "index.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js",
     "favicon-32x32.png", "favicon-16x16.png"}
)  # fmt: skip
PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Klair API</title>
  <link rel="stylesheet" href="{docs}/assets/swagger-ui.css">
  <link rel="stylesheet" href="{docs}/assets/index.css">
  <link rel="icon" type="image/png" href="{docs}/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{docs}/assets/swagger-ui-bundle.js"></script>
  <script src="{docs}/assets/swagger-ui-standalone-preset.js"></script>
  <script src="{docs}/assets/init.js"></script>
</body>
</html>
"""
INIT = """window.ui = SwaggerUIBundle({
  url: "%s",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout",
});
"""
# Scripts and styles from this origin only; Swagger UI inlines SVG icons as data: URLs.
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def _dist() -> Traversable:
    return files("flask_swagger_ui") / "dist"


@lru_cache(maxsize=len(ASSETS))
def _asset(name: str) -> bytes:
    return _dist().joinpath(name).read_bytes()


def _answer(body: bytes | str, mimetype: str, cache: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = cache
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = POLICY
    return response


def docs_page(call: Call) -> Response:
    """Swagger UI for this API (HTML)."""
    return _answer(PAGE.format(docs=DOCS), "text/html", "no-cache")


def docs_asset(call: Call) -> Response:
    """One of the docs page's scripts, styles or icons."""
    name = call.params["name"]
    if name == "init.js":
        return _answer(INIT % SPEC, "text/javascript", "no-cache")
    if name not in ASSETS:
        raise NotFound(f"no docs asset {name}")
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if mimetype == "application/javascript":
        mimetype = "text/javascript"
    return _answer(_asset(name), mimetype, "public, max-age=86400")


def add_docs(router: Router, *, title: str, description: str) -> None:
    """The spec, then the page and its assets: neither is an API operation, so neither is
    in the spec."""
    tags = ("ops",)
    spec = openapi_handler(router, title=title, description=description)
    router.add("GET", SPEC, spec, auth=False, tags=tags)
    router.add("GET", DOCS, docs_page, auth=False, tags=tags, documented=False)
    router.add("GET", DOCS + "/assets/<name>", docs_asset, auth=False, tags=tags, documented=False)

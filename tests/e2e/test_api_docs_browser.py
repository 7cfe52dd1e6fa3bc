"""`/api/docs` of the real `api` function (functions-framework's app on the emulators, served
over HTTP) in headless Chromium: Swagger UI, from the API's own assets, lists every
operation of `/api/openapi.json`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.e2e.api_app import ApiApp, api_app
from tests.e2e.chromium import browse

__all__ = ["api_app"]
pytestmark = [pytest.mark.e2e, pytest.mark.emulator]

WINDOW = ("--window-size=1280,4000", "--virtual-time-budget=20000")  # Swagger UI renders late


@pytest.fixture
def served(api_app: ApiApp) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, api_app.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def test_the_docs_page_lists_every_operation(served: str, api_app: ApiApp, tmp_path: Path) -> None:
    spec = api_app.client.get("/api/openapi.json").get_json()
    operations = [(m, p) for p, ops in spec["paths"].items() for m in ops]
    dom = browse(f"{served}/api/docs", tmp_path / "profile", *WINDOW, "--dump-dom")
    assert 'class="swagger-ui' in dom, dom[:2000]
    assert "Klair API" in dom
    for method, path in operations:
        assert f'data-path="{path}"' in dom, (method, path)
    assert dom.count('class="opblock opblock-') == len(operations)

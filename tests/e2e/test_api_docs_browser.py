"""`/api/docs` of the real `api` function (functions-framework's app on the emulators, served
over HTTP) in headless Chromium: Swagger UI, from the API's own assets, lists every
operation of `/api/openapi.json`."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.e2e.api_app import ApiApp, api_app

__all__ = ["api_app"]
pytestmark = [pytest.mark.e2e, pytest.mark.emulator]

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1280,4000", "--virtual-time-budget=20000",
]  # fmt: skip


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: scripts/setup.sh --dev installs it")
        pytest.skip("chromium is not installed (scripts/setup.sh --dev installs it)")
    return found


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
    chromium = _chromium()
    spec = api_app.client.get("/api/openapi.json").get_json()
    operations = [(m, p) for p, ops in spec["paths"].items() for m in ops]
    done = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
         f"{served}/api/docs"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert 'class="swagger-ui' in dom, dom[:2000]
    assert "Klair API" in dom
    for method, path in operations:
        assert f'data-path="{path}"' in dom, (method, path)
    assert dom.count('class="opblock opblock-') == len(operations)

"""`/api/docs`: a Swagger UI page whose every script, style and icon is served by the API
itself from the files a package ships (no CDN), and which stays out of the spec it renders."""

from __future__ import annotations

import re

import pytest

from tests.unit.api_world import make_world


def test_the_docs_page_loads_only_this_origins_assets() -> None:
    world = make_world()
    page = world.call("GET", "/api/docs", user=None)
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    links = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(links) >= 5
    assert all(link.startswith("/api/docs/assets/") for link in links), links
    assert "://" not in html  # no other host, not even protocol-relative
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    for link in links:
        asset = world.call("GET", link, user=None)
        assert asset.status_code == 200, link
        assert len(asset.get_data()) > 100 or link.endswith("init.js"), link
    init = world.call("GET", "/api/docs/assets/init.js", user=None)
    assert init.mimetype == "text/javascript"
    assert '"/api/openapi.json"' in init.get_data(as_text=True)
    bundle = world.call("GET", "/api/docs/assets/swagger-ui-bundle.js", user=None)
    assert bundle.mimetype == "text/javascript"
    assert b"SwaggerUIBundle" in bundle.get_data()


@pytest.mark.parametrize("name", ["index.html", "LICENSE", "..%2F__init__.py", "nope.js"])
def test_only_the_listed_assets_are_served(name: str) -> None:
    world = make_world()
    answer = world.call("GET", f"/api/docs/assets/{name}", user=None)
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "not_found"


def test_the_docs_routes_are_not_operations_of_the_spec() -> None:
    spec = make_world().call("GET", "/api/openapi.json", user=None).get_json()
    assert "/api/openapi.json" in spec["paths"]
    assert not [path for path in spec["paths"] if path.startswith("/api/docs")]
